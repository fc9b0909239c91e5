/* SPDX-License-Identifier: BSD-3-Clause */
/* fpm_stream.c — cut FPM frames out of a TCP byte stream, any split. */
#include <errno.h>
#include <string.h>

#include "sl_fpm.h"

void sl_fpm_rx_init(struct sl_fpm_rx *rx)
{
	memset(&rx->st, 0, sizeof(rx->st));
	rx->have = 0;
}

void sl_fpm_rx_reset(struct sl_fpm_rx *rx)
{
	rx->have = 0;
}

static size_t frame_len(const uint8_t *h)
{
	return (size_t)h[2] << 8 | h[3];
}

int sl_fpm_rx_feed(struct sl_fpm_rx *rx, const void *data, size_t len, sl_fpm_msg_fn fn, void *ctx)
{
	const uint8_t *p = data;
	rx->st.bytes += len;
	while (len > 0) {
		/* the header first, then exactly the rest of its frame */
		size_t want = rx->have < SL_FPM_HDR_LEN ? SL_FPM_HDR_LEN : frame_len(rx->buf);
		size_t take = want - rx->have < len ? want - rx->have : len;
		memcpy(rx->buf + rx->have, p, take);
		rx->have += take, p += take, len -= take;
		if (rx->have < want)
			break;
		if (rx->have == SL_FPM_HDR_LEN) {
			if (rx->buf[0] != SL_FPM_VERSION || rx->buf[1] == 0 ||
				frame_len(rx->buf) < SL_FPM_HDR_LEN) {
				rx->st.bad[SL_FPM_BAD_FRAME]++;
				rx->have = 0;
				return -EPROTO;
			}
			if (frame_len(rx->buf) > SL_FPM_HDR_LEN)
				continue; /* now the payload */
		}
		rx->st.frames++;
		if (rx->buf[1] == SL_FPM_TYPE_NETLINK)
			sl_fpm_parse(rx->buf + SL_FPM_HDR_LEN, rx->have - SL_FPM_HDR_LEN, &rx->st,
				fn, ctx);
		else
			rx->st.ignored[SL_FPM_IGN_FRAME_TYPE]++;
		rx->have = 0;
	}
	return 0;
}
