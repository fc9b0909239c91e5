/* SPDX-License-Identifier: BSD-3-Clause */
/* module.c — the module registry: dependency order, init, fini in reverse. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_module.h"

struct sl_module_set sl_modules;

void sl_module_register(struct sl_module_set *set, struct sl_module *m)
{
	m->next = set->head;
	m->started = false;
	set->head = m;
}

size_t sl_module_count(const struct sl_module_set *set)
{
	size_t n = 0;
	for (const struct sl_module *m = set->head; m != NULL; m = m->next)
		n++;
	return n;
}

/* The next blank-separated word of *p (its length in *len), or NULL. */
static const char *next_word(const char **p, size_t *len)
{
	const char *s = *p;
	if (s == NULL)
		return NULL;
	s += strspn(s, " \t");
	if (*s == '\0')
		return NULL;
	*len = strcspn(s, " \t");
	*p = s + *len;
	return s;
}

static int find(struct sl_module *const *mods, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(mods[i]->name, name, len) == 0 && mods[i]->name[len] == '\0')
			return (int)i;
	return -1;
}

/* Every dependency of mods[i] is placed (done[]). */
static bool ready(struct sl_module *const *mods, size_t n, const bool *done, size_t i)
{
	const char *p = mods[i]->deps, *w;
	size_t len;
	while ((w = next_word(&p, &len)) != NULL)
		if (!done[find(mods, n, w, len)])
			return false;
	return true;
}

static int check(struct sl_module *const *mods, size_t n, char *msg, size_t msg_len)
{
	for (size_t i = 0; i < n; i++) {
		if (find(mods, i, mods[i]->name, strlen(mods[i]->name)) >= 0) {
			snprintf(msg, msg_len, "two modules are named '%s'", mods[i]->name);
			return -EEXIST;
		}
		const char *p = mods[i]->deps, *w;
		size_t len;
		while ((w = next_word(&p, &len)) != NULL) {
			if (find(mods, n, w, len) < 0) {
				snprintf(msg, msg_len,
					"module '%s' needs '%.*s', which no module is",
					mods[i]->name, (int)len, w);
				return -ENOENT;
			}
		}
	}
	return 0;
}

int sl_module_sort(const struct sl_module_set *set, struct sl_module **order, size_t n, char *msg,
	size_t msg_len)
{
	size_t count = sl_module_count(set);
	if (n < count) {
		snprintf(msg, msg_len, "%zu modules, room for %zu", count, n);
		return -ENOSPC;
	}
	struct sl_module **mods = calloc(count + 1, sizeof(*mods));
	bool *done = calloc(count + 1, sizeof(*done));
	int rc = mods == NULL || done == NULL ? -ENOMEM : 0;
	size_t i = count;
	for (struct sl_module *m = set->head; rc == 0 && m != NULL; m = m->next)
		mods[--i] = m; /* registration order */
	if (rc == 0)
		rc = check(mods, count, msg, msg_len);
	for (size_t placed = 0; rc == 0 && placed < count; placed++) {
		/* of the modules whose dependencies are placed, the first by name */
		int best = -1;
		for (i = 0; i < count; i++)
			if (!done[i] && ready(mods, count, done, i) &&
				(best < 0 || strcmp(mods[i]->name, mods[best]->name) < 0))
				best = (int)i;
		if (best < 0) {
			size_t l = (size_t)snprintf(msg, msg_len, "a dependency cycle among:");
			for (i = 0; i < count && l < msg_len; i++)
				if (!done[i])
					l += (size_t)snprintf(
						msg + l, msg_len - l, " %s", mods[i]->name);
			rc = -ELOOP;
			break;
		}
		done[best] = true;
		order[placed] = mods[best];
	}
	free(mods);
	free(done);
	return rc;
}

int sl_module_init_all(struct sl_module_set *set, void *ctx, char *msg, size_t msg_len)
{
	size_t count = sl_module_count(set);
	set->order = calloc(count + 1, sizeof(*set->order));
	set->n_order = 0;
	set->failed = NULL;
	if (set->order == NULL) {
		snprintf(msg, msg_len, "out of memory");
		return -ENOMEM;
	}
	struct sl_module **order = calloc(count + 1, sizeof(*order));
	int rc = order == NULL ? -ENOMEM : sl_module_sort(set, order, count, msg, msg_len);
	if (order == NULL)
		snprintf(msg, msg_len, "out of memory");
	for (size_t i = 0; rc == 0 && i < count; i++) {
		struct sl_module *m = order[i];
		rc = m->init != NULL ? m->init(ctx) : 0;
		if (rc < 0) {
			set->failed = m;
			break;
		}
		m->started = true;
		set->order[set->n_order++] = m;
	}
	free(order);
	if (rc < 0)
		sl_module_fini_all(set, ctx);
	return rc;
}

void sl_module_fini_all(struct sl_module_set *set, void *ctx)
{
	while (set->n_order > 0) {
		struct sl_module *m = set->order[--set->n_order];
		if (m->fini != NULL)
			m->fini(ctx);
		m->started = false;
	}
	free(set->order);
	set->order = NULL;
}

unsigned sl_module_poll_all(const struct sl_module_set *set, void *ctx)
{
	unsigned n = 0;
	for (size_t i = 0; i < set->n_order; i++)
		if (set->order[i]->poll != NULL)
			n += set->order[i]->poll(ctx);
	return n;
}

void sl_module_timers_all(const struct sl_module_set *set, void *ctx)
{
	for (size_t i = 0; i < set->n_order; i++)
		if (set->order[i]->timers != NULL)
			set->order[i]->timers(ctx);
}
