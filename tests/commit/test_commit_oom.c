/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_commit_oom.c — a commit is atomic when memory runs out too. The test
 * links the libraries with malloc, calloc and realloc wrapped (meson:
 * -Wl,--wrap=…) and fails the k-th allocation of one commit, for every k
 * until the commit makes no more allocations. After each try:
 *  - refused: the running configuration and the RIB are as before
 *    (snapshot) and no FIB change was kept for it;
 *  - accepted: the state and the FIB change count are those of the same
 *    commit without a failure (a change the RIB could not record would make
 *    the RIB and the FIB differ).
 * Never a crash (the ASan build runs this too). Also with isolation intents
 * in the commit (their check allocates the VRFs' forwarding maps).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "commit_test_util.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);

/* the allocation to fail, counted from 0; -1: none. OOM_TRAP=k stops at the
 * k-th one (__builtin_trap) for a debugger. */
static long fail_at = -1;
static long calls;

static bool fail_now(void)
{
	if (fail_at >= 0 && calls == fail_at && getenv("OOM_TRAP") &&
		atol(getenv("OOM_TRAP")) == fail_at)
		__builtin_trap();
	return fail_at >= 0 && calls++ == fail_at;
}

void *__wrap_malloc(size_t n)
{
	return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __real_realloc(p, n);
}

static const char *base_conf = "set vrf name CUSTOMER-A table 10\n"
			       "set vrf name SHARED table 20\n"
			       "set interfaces ethernet eth1 vrf CUSTOMER-A\n"
			       "set interfaces ethernet eth2 vrf SHARED\n"
			       "set interfaces ethernet eth1 address 10.1.0.1/24\n"
			       "set interfaces ethernet eth2 address 10.100.0.1/24\n"
			       "set vrf name CUSTOMER-A protocols static route 10.100.0.0/16 "
			       "interface eth2 vrf SHARED\n"
			       "set vrf name SHARED protocols static route 10.1.0.0/24 "
			       "interface eth1 vrf CUSTOMER-A\n";

/* A commit touching most of the pipeline: a new VRF and interface,
 * routes, an ECMP static, a route-target leak, a policy, and deletes. */
static const char *change =
	"set vrf name CUSTOMER-B table 30\n"
	"set interfaces ethernet eth3 vrf CUSTOMER-B\n"
	"set interfaces ethernet eth3 address 10.2.0.1/24\n"
	"set vrf name SHARED protocols static route 10.2.0.0/24 interface eth3 vrf CUSTOMER-B\n"
	"set vrf name CUSTOMER-B protocols static route 10.100.0.0/16 interface eth2 vrf SHARED\n"
	"set vrf name SHARED protocols static route 192.0.2.0/24 next-hop 10.100.0.2\n"
	"set vrf name SHARED protocols static route 192.0.2.0/24 next-hop 10.100.0.3\n"
	"set vrf name SHARED protocols static route 198.51.100.0/24 blackhole\n"
	"set policy prefix-list PL rule 10 prefix 10.100.0.0/16\n"
	"set policy prefix-list PL rule 10 action permit\n"
	"set vrf name CUSTOMER-A protocols bgp system-as 65000\n"
	"set vrf name SHARED protocols bgp system-as 65000\n"
	"set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast rd 65000:10\n"
	"set vrf name SHARED protocols bgp address-family ipv4-unicast rd 65000:20\n"
	"set vrf name CUSTOMER-A protocols bgp address-family ipv4-unicast route-target "
	"import 65000:20\n"
	"set vrf name SHARED protocols bgp address-family ipv4-unicast route-target "
	"export 65000:20\n"
	"delete vrf name CUSTOMER-A protocols static route 10.100.0.0/16\n";

/* The same with isolation intents, checked in the commit (commit_intent.c). */
static char *with_intents(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fputs(change, f);
	fputs("set policy intent A-NOT-B deny from CUSTOMER-A to CUSTOMER-B\n"
	      "set policy intent B-NOT-A deny from CUSTOMER-B to CUSTOMER-A\n"
	      "set policy intent A-DNS require from CUSTOMER-A to SHARED address 10.100.0.10\n",
		f);
	fclose(f);
	return buf;
}

/* Deletes: a VRF with its interface binding and the route leaking into it. */
static const char *removal = "delete vrf name SHARED protocols static route 10.1.0.0/24\n"
			     "delete interfaces ethernet eth1 vrf\n"
			     "delete vrf name CUSTOMER-A\n"
			     "set interfaces ethernet eth2 address 10.101.0.1/24\n";

static struct sl_router *start(void)
{
	long saved = fail_at;
	fail_at = -1;
	struct sl_router *r = sl_router_new();
	assert_non_null(r);
	assert_int_equal(apply(r, base_conf, NULL), 0);
	/* logged from here: the change log's own growth is among the tries */
	sl_router_fib_log(r, true);
	fail_at = saved;
	return r;
}

static void every_allocation_fails_once(const char *change)
{
	/* the commit without a failure: what an accepted try must equal */
	struct sl_router *r = start();
	const struct sl_fib_change *ch;
	calls = 0;
	fail_at = 1L << 40; /* count, never fail */
	assert_int_equal(apply(r, change, NULL), 0);
	long allocs = calls;
	fail_at = -1;
	size_t want_changes = sl_router_changes(r, &ch);
	char *want = snapshot(r);
	sl_router_free(r);
	assert_true(allocs > 20);
	assert_true(want_changes > 2);

	long refused = 0, accepted = 0;
	for (long k = 0; k < allocs; k++) {
		r = start();
		char *before = snapshot(r);
		char *msgs = NULL;
		calls = 0;
		fail_at = k;
		int rc = apply(r, change, &msgs);
		fail_at = -1;
		char *after = snapshot(r);
		size_t n = sl_router_changes(r, &ch);
		if (rc < 0) {
			refused++;
			assert_string_equal(after, before);
			assert_int_equal(n, 0);
			/* it says why, or it could not even record why */
			if (msgs == NULL || msgs[0] == '\0')
				assert_int_equal(rc, -ENOMEM);
		} else {
			accepted++; /* the failure was absorbed (e.g. a cache) */
			if (strcmp(after, want) != 0) {
				FILE *f = fopen("/tmp/oom-got.txt", "w");
				fputs(after, f);
				fclose(f);
				f = fopen("/tmp/oom-want.txt", "w");
				fputs(want, f);
				fclose(f);
				fail_msg("allocation %ld of %ld failed: the commit was accepted "
					 "in another state",
					k, allocs);
			}
			if (n != want_changes)
				fail_msg("allocation %ld of %ld failed: the commit was accepted "
					 "with %zu FIB changes, not %zu",
					k, allocs, n, want_changes);
		}
		free(msgs);
		free(before);
		free(after);
		sl_router_free(r);
	}
	free(want);
	print_message("%ld allocations: %ld refusals, %ld absorbed\n", allocs, refused, accepted);
	assert_true(refused > 0);
}

static void test_additions(void **state)
{
	(void)state;
	every_allocation_fails_once(change);
}

static void test_intents(void **state)
{
	(void)state;
	char *c = with_intents();
	every_allocation_fails_once(c);
	free(c);
}

static void test_removals(void **state)
{
	(void)state;
	every_allocation_fails_once(removal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_additions),
		cmocka_unit_test(test_removals),
		cmocka_unit_test(test_intents),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
