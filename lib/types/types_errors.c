/* SPDX-License-Identifier: BSD-3-Clause */
/* Located error lists: every layer reports "line N: what, where, what is valid";
 * and the array growth every layer's lists use (sl_grow). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "sl_types.h"

void sl_errors_add(struct sl_errors *e, unsigned line, const char *fmt, ...)
{
	va_list ap;

	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 8;
		struct sl_error *v = realloc(e->v, cap * sizeof(*v));
		if (v == NULL) {
			/* keep the last slot as a marker that something was lost */
			if (e->n > 0)
				snprintf(e->v[e->n - 1].msg, sizeof(e->v[0].msg),
					"(more errors; out of memory)");
			return;
		}
		e->v = v;
		e->cap = cap;
	}
	e->v[e->n].line = line;
	va_start(ap, fmt);
	vsnprintf(e->v[e->n].msg, sizeof(e->v[0].msg), fmt, ap);
	va_end(ap);
	e->n++;
}

void sl_errors_clear(struct sl_errors *e)
{
	e->n = 0;
}

void sl_errors_free(struct sl_errors *e)
{
	free(e->v);
	e->v = NULL;
	e->n = e->cap = 0;
}

int sl_grow(void *arr, size_t *cap, size_t n, size_t size)
{
	void **p = arr;
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 16;
	void *v = realloc(*p, ncap * size);
	if (v == NULL)
		return -ENOMEM;
	*p = v;
	*cap = ncap;
	return 0;
}
