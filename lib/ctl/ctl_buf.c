/* SPDX-License-Identifier: BSD-3-Clause */
/* An input buffer grown by mremap (ctl_buf.h). */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ctl_buf.h"

int ctl_buf_grow(struct ctl_buf *b, size_t want)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	if (want <= b->cap)
		return 0;
	if (want > (size_t)-1 - page)
		return -ENOMEM;
	size_t cap = (want + page - 1) / page * page;
	void *p = b->p == NULL ? mmap(NULL, cap, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
			       : mremap(b->p, b->cap, cap, MREMAP_MAYMOVE);
	if (p == MAP_FAILED)
		return -ENOMEM;
	b->p = p;
	b->cap = cap;
	return 0;
}

void ctl_buf_unmap(char *p, size_t cap)
{
	if (p != NULL)
		munmap(p, cap);
}

void ctl_buf_free(struct ctl_buf *b)
{
	ctl_buf_unmap(b->p, b->cap);
	*b = (struct ctl_buf){0};
}
