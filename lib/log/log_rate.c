/* SPDX-License-Identifier: BSD-3-Clause */
/* log_rate.c — counters turned into at most one summary line per period,
 * and the number format those lines use. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sl_log.h"

bool sl_log_rate_check(struct sl_log_rate *r, uint64_t value, uint64_t now_ns, uint64_t period_ns,
	uint64_t *delta, uint64_t *span_ns)
{
	if (!r->primed) {
		/* what was counted before the first tick is not news */
		*r = (struct sl_log_rate){.reported = value, .since_ns = now_ns, .primed = true};
		return false;
	}
	if (value < r->reported) /* the counters were cleared */
		r->reported = 0;
	if (value == r->reported) {
		r->since_ns = now_ns; /* nothing before now is unreported */
		return false;
	}
	if (r->last_ns != 0 && now_ns - r->last_ns < period_ns)
		return false; /* said recently: the next line sums it */
	*delta = value - r->reported;
	*span_ns = now_ns - r->since_ns;
	r->reported = value;
	r->since_ns = r->last_ns = now_ns;
	return true;
}

const char *sl_log_count_fmt(uint64_t n, char *buf, size_t len)
{
	char digits[24];
	int nd = snprintf(digits, sizeof(digits), "%" PRIu64, n);
	size_t o = 0;
	for (int i = 0; i < nd && o + 1 < len; i++) {
		if (i > 0 && (nd - i) % 3 == 0 && o + 2 < len)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	if (len > 0)
		buf[o < len ? o : len - 1] = '\0';
	return buf;
}
