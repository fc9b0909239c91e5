/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private: an input buffer that grows without copying. It is an anonymous
 * mapping of its own, grown by mremap: the kernel moves the pages, nothing
 * is copied. A doubling realloc copied the whole input at each step, up to
 * 8 MB at once for a 10 MB streamed configure (14-19 ms in which the
 * control thread served no punt), and a request near the limit twice that.
 */
#ifndef CTL_BUF_H
#define CTL_BUF_H

#include <stddef.h>

struct ctl_buf {
	char *p; /* NULL until the first grow */
	size_t len, cap; /* cap: the mapping's size */
};

/* Make cap at least want (rounded up to pages): 0, or -ENOMEM (b unchanged). */
int ctl_buf_grow(struct ctl_buf *b, size_t want);
/* Unmap; b is empty again. */
void ctl_buf_free(struct ctl_buf *b);
/* Unmap a buffer's memory handed over as p, cap (ctl_parsed's input). */
void ctl_buf_unmap(char *p, size_t cap);

#endif
