/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fib_reserve.c — sl_fib_reserve: before a change set is applied, allocate
 * every table and group array it can need, so that a commit that cannot fit
 * is refused whole instead of leaving the FIB short of the RIB.
 *
 * The count: a /17–/32 route needs a group at its /16 in a small table (and a
 * /25–/32 one at its /24 too); in the rte_lpm layout a /25–/32 needs one at
 * its /24. Distinct (VRF, level, prefix) keys that the table has no group for
 * yet are the groups the changes can add. A group folded by a delete and
 * split again by a later set of the same change set still counts once: the
 * old one is retired, and fib_lpm's allocator waits for the grace period
 * rather than fail when the array holds no other free group.
 *
 * Its loops over the changes call sl_progress(): the tables are whole here
 * (nothing is published but grown next-hop arrays, copies readers cannot tell
 * from the old ones), as the hook's contract asks (doc/architecture.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fib_priv.h"

/* key: vrf << 26 | after-a-delete << 25 | level (0: /16, 1: /24) << 24 | addr >> 8:
 * 40 bits (SL_VRF_MAX < 2^14), sorted in three 14-bit radix passes */
#define KEY_FRESH (1ull << 25)
#define KEY_L24 (1ull << 24)
#define KEY_VRF_SHIFT 26
#define RADIX_BITS 14
_Static_assert(SL_VRF_MAX <= 1u << (3 * RADIX_BITS - KEY_VRF_SHIFT), "VRF ids fit the keys");

struct vrf_need {
	uint32_t n16, n24; /* groups to add at /16 and /24 */
	size_t sets; /* route sets: at most this many rules added */
	uint8_t deleted; /* a VRF_DEL came: later routes go to a new table */
	uint8_t added_fresh; /* a VRF_ADD with no live table before it */
};

/* Add nh to the open-addressing set slot[cap] (pointers, NULL: empty);
 * true when it was not there. */
static bool nh_set_add(const struct sl_nh **slot, size_t cap, const struct sl_nh *nh)
{
	uint64_t h = (uint64_t)nh->type * 0x9e3779b97f4a7c15ull ^ nh->gw;
	for (const char *c = nh->ifname; *c != '\0'; c++)
		h = (h ^ (uint8_t)*c) * 0x100000001b3ull;
	for (size_t k = (h ^ h >> 29) & (cap - 1);; k = (k + 1) & (cap - 1)) {
		if (slot[k] == NULL) {
			slot[k] = nh;
			return true;
		}
		const struct sl_nh *o = slot[k];
		if (o->type == nh->type && o->gw == nh->gw && strcmp(o->ifname, nh->ifname) == 0)
			return false;
	}
}

static bool nh_counts(const struct sl_nh *nh)
{
	return nh->type != SL_NH_VRF && nh->type != SL_NH_BLACKHOLE;
}

/* Distinct next hops (not leaks, not blackholes) the sets name, ECMP paths
 * included: a bound on the entries they add; and the ECMP routes: a bound
 * on the next-hop groups they add. */
static int nh_distinct(
	const struct sl_fib_change *changes, size_t n, uint32_t *out, uint32_t *groups)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		sl_progress(); /* a miss on each change's paths: ms at 100,000 */
		if (changes[i].op == SL_FIB_ROUTE_SET)
			total += changes[i].paths != NULL ? changes[i].paths->n : 1;
	}
	size_t cap = 64;
	while (cap < 2 * total)
		cap *= 2;
	const struct sl_nh **slot = calloc(cap, sizeof(*slot));
	if (slot == NULL)
		return -ENOMEM;
	uint32_t count = 0, ecmp = 0;
	for (size_t i = 0; i < n; i++) {
		const struct sl_fib_change *c = &changes[i];
		sl_progress(); /* a 1M-route load: no long step without the hook */
		if (c->op != SL_FIB_ROUTE_SET)
			continue;
		if (c->paths == NULL) {
			count += nh_counts(&c->nh) && nh_set_add(slot, cap, &c->nh);
			continue;
		}
		ecmp++;
		for (uint32_t k = 0; k < c->paths->n; k++) {
			const struct sl_nh *nh = &c->paths->p[k].nh;
			count += nh_counts(nh) && nh_set_add(slot, cap, nh);
		}
	}
	free(slot);
	*out = count;
	*groups = ecmp;
	return 0;
}

/* LSD radix sort of n 42-bit keys (a qsort of 1M keys took ~0.3 s). The
 * result is in *a; 0 or -ENOMEM. */
static int keys_sort(uint64_t **a, size_t n)
{
	uint64_t *src = *a, *dst = malloc(n * sizeof(*dst));
	size_t *count = malloc(sizeof(size_t) << RADIX_BITS);
	if (dst == NULL || count == NULL) {
		free(dst);
		free(count);
		return -ENOMEM;
	}
	for (unsigned shift = 0; shift < 3 * RADIX_BITS; shift += RADIX_BITS) {
		const uint64_t mask = (1u << RADIX_BITS) - 1;
		memset(count, 0, sizeof(size_t) << RADIX_BITS);
		for (size_t i = 0; i < n; i++)
			count[src[i] >> shift & mask]++;
		for (size_t d = 0, sum = 0; d <= mask; d++) {
			size_t c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++) {
			if ((i & 4095) == 0)
				sl_progress();
			dst[count[src[i] >> shift & mask]++] = src[i];
		}
		uint64_t *t = src;
		src = dst;
		dst = t;
	}
	free(dst);
	free(count);
	*a = src;
	return 0;
}

static void fail_set(struct sl_fib_reserve_fail *fail, uint32_t vrf_id, uint32_t groups,
	size_t bytes, bool new_table)
{
	if (fail != NULL)
		*fail = (struct sl_fib_reserve_fail){vrf_id, groups, bytes, new_table, 0, 0};
}

/* The rule index of t for `rules` rules (fib_lpm_reserve_rules). */
static int rules_reserve(
	struct fib_lpm *t, uint32_t v, size_t rules, struct sl_fib_reserve_fail *fail)
{
	int rc = fib_lpm_reserve_rules(t, rules);
	if (rc < 0 && fail != NULL)
		*fail = (struct sl_fib_reserve_fail){.vrf_id = v, .rules = rules};
	return rc;
}

static size_t table_bytes(enum fib_lpm_kind kind, uint32_t groups)
{
	return (kind == FIB_LPM_LARGE ? sizeof(struct rte_lpm) : sizeof(struct sl_fib_small)) +
	       (size_t)groups * fib_lpm_group_bytes(kind);
}

/* Tables for one VRF; 0 or a negative errno with *fail set. */
static int vrf_reserve(struct sl_fib *fib, uint32_t v, const struct vrf_need *nd,
	const struct vrf_need *fresh, struct sl_fib_reserve_fail *fail)
{
	struct sl_fib_priv *p = fib->priv;
	uint32_t max = p->cfg.small_groups_max;
	struct fib_lpm *t = p->tables[v];
	/* the index first: the table stays as it is when the heap is short */
	if (t != NULL && nd->sets != 0 &&
		rules_reserve(t, v, fib_lpm_rules(t) + nd->sets, fail) < 0)
		return -ENOMEM;
	if (t != NULL && (nd->n16 | nd->n24) != 0) {
		uint32_t used = fib_lpm_groups_used(t);
		int rc;
		if (fib_lpm_kind(t) == FIB_LPM_LARGE) {
			rc = fib_lpm_reserve(t, used + nd->n24);
			if (rc < 0) {
				fail_set(fail, v, used + nd->n24, 0, false);
				return rc;
			}
		} else {
			uint32_t need = used + nd->n16 + nd->n24;
			/* a set promotes the table once it uses `max` groups; a set adds
			 * at most two */
			rc = fib_lpm_reserve(t, RTE_MIN(need, RTE_MAX(used, max) + 2));
			if (rc < 0) {
				fail_set(fail, v, need, 0, false);
				return rc;
			}
			if (need >= max) { /* its /24 groups, at most, and the new ones */
				uint32_t g = used + nd->n24;
				p->promote_to[v] =
					fib_lpm_new_in(FIB_LPM_LARGE, &p->mem, g, fib->qsbr);
				if (p->promote_to[v] == NULL) {
					fail_set(fail, v, g, table_bytes(FIB_LPM_LARGE, g), true);
					return -ENOMEM;
				}
				/* the promotion copies every rule into it */
				if (rules_reserve(p->promote_to[v], v, fib_lpm_rules(t) + nd->sets,
					    fail) < 0)
					return -ENOMEM;
			}
		}
	}
	if (fresh->added_fresh) {
		/* a new VRF's table, the size of its routes: no copies left behind
		 * in the heap as it fills (doc/architecture.md) */
		uint32_t need = fresh->n16 + fresh->n24;
		enum fib_lpm_kind kind = need >= max ? FIB_LPM_LARGE : FIB_LPM_SMALL;
		/* a big table gets an eighth more: its next growth copies megabytes
		 * inside a commit; a small one stays exact (its copy is cheap) */
		uint32_t g = kind == FIB_LPM_LARGE ? fresh->n24 + fresh->n24 / 8 : need;
		g = RTE_MAX(g, FIB_SMALL_GROUPS_INIT);
		p->fresh[v] = fib_lpm_new_in(kind, &p->mem, g, fib->qsbr);
		if (p->fresh[v] == NULL) {
			fail_set(fail, v, g, table_bytes(kind, g), true);
			return -ENOMEM;
		}
		if (fresh->sets != 0 && rules_reserve(p->fresh[v], v, fresh->sets, fail) < 0)
			return -ENOMEM;
	}
	return 0;
}

int sl_fib_reserve(struct sl_fib *fib, const struct sl_fib_change *changes, size_t n,
	struct sl_fib_reserve_fail *fail)
{
	struct sl_fib_priv *p = fib->priv;
	sl_fib_unreserve(fib);
	/* [v]: the live table's needs; [SL_VRF_MAX + v]: a new table's */
	struct vrf_need *need = calloc(2 * (size_t)SL_VRF_MAX, sizeof(*need));
	size_t n_keys = 0, cap = 0;
	uint64_t *keys = NULL;
	int rc = 0;
	uint32_t nh_new = 0, nhg_new = 0;
	if (need == NULL || nh_distinct(changes, n, &nh_new, &nhg_new) < 0) {
		free(need);
		fail_set(fail, 0, 0, 0, false);
		return -ENOMEM;
	}
	/* next hops first: growing that array publishes a copy, which readers
	 * cannot tell from the old one, so it may stay when the rest fails */
	if ((rc = fib_nh_reserve(fib, p->nh_used + nh_new)) < 0 ||
		(rc = fib_nhg_reserve(fib, p->nhg_used + nhg_new)) < 0) {
		fail_set(fail, 0, 0, 0, false);
		if (fail != NULL)
			fail->next_hops = p->nh_used + nh_new;
		free(need);
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		const struct sl_fib_change *c = &changes[i];
		uint32_t v = c->vrf_id;
		sl_progress();
		if (v >= SL_VRF_MAX)
			continue; /* sl_fib_apply refuses it */
		if (c->af != SL_AF_IPV4) { /* no tables of that family: refused whole */
			fail_set(fail, v, 0, 0, false);
			rc = c->af < SL_AF_COUNT ? -EAFNOSUPPORT : -EINVAL;
			goto out;
		}
		struct vrf_need *nd = &need[v];
		switch (c->op) {
		case SL_FIB_VRF_DEL:
			nd->deleted = 1;
			break;
		case SL_FIB_VRF_ADD:
			if (nd->deleted || p->tables[v] == NULL)
				need[SL_VRF_MAX + v].added_fresh = 1;
			break;
		case SL_FIB_ROUTE_SET:
			need[nd->deleted || p->tables[v] == NULL ? SL_VRF_MAX + v : v].sets++;
			if (c->prefix.len <= 16)
				break;
			if (n_keys + 2 > cap) {
				cap = cap ? 2 * cap : 1024;
				uint64_t *k = realloc(keys, cap * sizeof(*k));
				if (k == NULL) {
					fail_set(fail, v, 0, 0, false);
					rc = -ENOMEM;
					goto out;
				}
				keys = k;
			}
			uint64_t base = (uint64_t)v << KEY_VRF_SHIFT |
					(nd->deleted || p->tables[v] == NULL ? KEY_FRESH : 0);
			keys[n_keys++] = base | (c->prefix.addr & 0xffff0000u) >> 8;
			if (c->prefix.len > 24)
				keys[n_keys++] = base | KEY_L24 | c->prefix.addr >> 8;
			break;
		default:
			break;
		}
	}
	if (n_keys > 0 && keys_sort(&keys, n_keys) < 0) {
		fail_set(fail, 0, 0, 0, false);
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n_keys; i++) {
		uint64_t k = keys[i];
		sl_progress(); /* a group lookup each: cache misses at 1M routes */
		if (i > 0 && k == keys[i - 1])
			continue;
		uint32_t v = (uint32_t)(k >> KEY_VRF_SHIFT), addr = (uint32_t)(k << 8);
		bool l24 = (k & KEY_L24) != 0;
		const struct fib_lpm *t = p->tables[v];
		if (!(k & KEY_FRESH)) {
			/* the live table: only the groups it lacks; the rte_lpm
			 * layout has no /16 groups */
			if (t == NULL || (!l24 && fib_lpm_kind(t) == FIB_LPM_LARGE) ||
				fib_lpm_has_group(t, addr, l24 ? 24 : 16))
				continue;
		}
		struct vrf_need *nd = &need[(k & KEY_FRESH) ? SL_VRF_MAX + v : v];
		if (l24)
			nd->n24++;
		else
			nd->n16++;
	}
	p->reserved = true;
	for (uint32_t v = 0; v < SL_VRF_MAX && rc == 0; v++)
		if ((need[v].n16 | need[v].n24) != 0 || need[v].sets != 0 ||
			need[SL_VRF_MAX + v].added_fresh)
			rc = vrf_reserve(fib, v, &need[v], &need[SL_VRF_MAX + v], fail);
out:
	free(keys);
	free(need);
	if (rc < 0)
		sl_fib_unreserve(fib);
	return rc;
}

void sl_fib_unreserve(struct sl_fib *fib)
{
	struct sl_fib_priv *p = fib->priv;
	if (!p->reserved)
		return;
	for (uint32_t v = 0; v < SL_VRF_MAX; v++) {
		fib_lpm_free(p->fresh[v]);
		fib_lpm_free(p->promote_to[v]);
		p->fresh[v] = p->promote_to[v] = NULL;
		if (p->tables[v] != NULL)
			fib_lpm_unreserve(p->tables[v]);
	}
	p->reserved = false;
}

int sl_fib_reserve_why(
	int rc, const struct sl_fib_reserve_fail *f, const char *vrf_name, char *msg, size_t len)
{
	char id[24];
	snprintf(id, sizeof(id), "id %u", f->vrf_id);
	const char *name = vrf_name ? vrf_name : id;
	if (rc == -EAFNOSUPPORT)
		snprintf(msg, len, "a route of vrf %s is not IPv4: only IPv4 forwards",
			vrf_name ? vrf_name : "?");
	else if (f->rules != 0)
		snprintf(msg, len,
			"the forwarding table of vrf %s cannot index %zu rules: out of memory",
			name, f->rules);
	else if (f->next_hops != 0)
		snprintf(msg, len,
			"the next-hop tables cannot hold %u next hops and their ECMP groups: %s",
			f->next_hops,
			rc == -ENOSPC ? "past their limit (SL_FIB_NH_MAX, SL_FIB_NHG_MAX)"
				      : "out of memory");
	else
		snprintf(msg, len,
			"the forwarding table of vrf %s cannot grow (%u groups needed%s): %s", name,
			f->groups, f->new_table ? ", in a new table" : "",
			rc == -ENOSPC ? "past the limit of 2^24 groups" : "out of hugepage memory");
	return rc;
}
