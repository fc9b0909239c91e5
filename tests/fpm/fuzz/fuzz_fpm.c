/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the FPM stream decoder: the input is what a client
 * sends, split into reads at the sizes its first bytes choose; a lost framing
 * resets the stream as the listener does (a new connection).
 */
#include <stddef.h>
#include <stdint.h>

#include "sl_fpm.h"

static void sink(const struct sl_fpm_msg *m, void *ctx)
{
	/* touch what was decoded, so that a bad length would be read */
	size_t *n = ctx;
	*n += m->kind <= SL_FPM_ROUTE_DEL ? m->route.n_paths : m->nh.n_group;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sl_fpm_rx rx;
	size_t n = 0;
	if (size < 1)
		return 0;
	size_t piece = 1 + data[0] % 64;
	data++, size--;
	sl_fpm_rx_init(&rx);
	while (size > 0) {
		size_t take = piece < size ? piece : size;
		if (sl_fpm_rx_feed(&rx, data, take, sink, &n) < 0)
			sl_fpm_rx_reset(&rx);
		data += take, size -= take;
	}
	return 0;
}
