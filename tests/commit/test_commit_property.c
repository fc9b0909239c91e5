/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Leak-lifecycle property test at the router level (conf → RIB, through the
 * same path sluicectl and sluiced use). For >= 1000 seeded, reproducible random
 * sequences of one-line changes (static routes and leaks, route-targets,
 * import vrf, route-maps, prefix-lists, addresses, interface state,
 * redistribute):
 *  - a refused change leaves the state byte-identical;
 *  - every accepted change followed by its inverse restores every table;
 *  - after each sequence the incremental state equals a from-scratch rebuild
 *    of the rendered configuration.
 * Set SLUICE_SEED to replay one sequence; the failing seed is printed.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "commit_test_util.h"

static const char base[] =
	"set vrf name A table 10\nset vrf name B table 11\nset vrf name C table 12\n"
	"set vrf name S table 20\n"
	"set interfaces ethernet eth1 vrf A\nset interfaces ethernet eth1 address 10.1.0.1/24\n"
	"set interfaces ethernet eth2 vrf B\nset interfaces ethernet eth2 address 10.2.0.1/24\n"
	"set interfaces ethernet eth3 vrf C\nset interfaces ethernet eth3 address 10.3.0.1/24\n"
	"set interfaces ethernet eth4 vrf S\nset interfaces ethernet eth4 address 10.100.0.1/24\n"
	"set interfaces ethernet eth4 vif 7 vrf S\n"
	"set interfaces ethernet eth4 vif 7 address 10.100.7.1/24\n"
	"set vrf name A protocols bgp system-as 65000\n"
	"set vrf name B protocols bgp system-as 65000\n"
	"set vrf name C protocols bgp system-as 65000\n"
	"set vrf name S protocols bgp system-as 65000\n"
	"set vrf name S protocols bgp address-family ipv4-unicast rd 65000:20\n"
	"set vrf name S protocols bgp address-family ipv4-unicast route-target export 65000:20\n"
	"set vrf name A protocols bgp address-family ipv4-unicast route-target import 65000:20\n"
	"set policy prefix-list PL rule 10 prefix 10.100.0.0/16\n"
	"set policy prefix-list PL rule 10 le 32\n"
	"set policy prefix-list PL rule 10 action permit\n"
	"set policy route-map RM rule 10 match ip address prefix-list PL\n"
	"set policy route-map RM rule 10 action permit\n"
	"set policy route-map RM rule 20 action deny\n"
	"set policy route-map LP rule 10 action permit\n"
	"set policy route-map LP rule 10 set local-preference 50\n";

static const char *vrfs[] = {"A", "B", "C", "S"};
static const char *vrf_iface[] = {"eth1", "eth2", "eth3", "eth4"};
static const char *prefixes[] = {"10.100.5.0/24", "10.7.0.0/16", "0.0.0.0/0", "10.100.0.0/16",
	"172.16.0.0/12", "10.3.0.128/25", "10.100.0.10/32"};
static const char *gateways[] = {"10.1.0.5", "10.2.0.5", "10.100.0.5", "10.9.9.9", "10.100.7.9"};
static const char *rts[] = {"65000:1", "65000:2", "65000:20", "65000:3"};

static unsigned rnd(unsigned *s, unsigned n)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) % n;
}

/* One random change: a line and the object path its inverse re-creates. */
static void random_change(unsigned *s, char *line, size_t ll, char *obj, size_t ol)
{
	unsigned x = rnd(s, 4), y = rnd(s, 4);
	const char *X = vrfs[x], *Y = vrfs[y];
	const char *af = "protocols bgp address-family ipv4-unicast";

	switch (rnd(s, 11)) {
	case 0: /* static route: gateway, maybe in another VRF */
	case 1: {
		const char *p = prefixes[rnd(s, 7)];
		snprintf(obj, ol, "vrf name %s protocols static route %s", X, p);
		switch (rnd(s, 4)) {
		case 0:
			snprintf(line, ll, "set %s next-hop %s%s%s", obj, gateways[rnd(s, 5)],
				x != y ? " vrf " : "", x != y ? Y : "");
			break;
		case 1:
			snprintf(line, ll, "set %s interface %s%s%s", obj, vrf_iface[y],
				x != y ? " vrf " : "", x != y ? Y : "");
			break;
		case 2:
			snprintf(line, ll, "set %s blackhole distance %u", obj, 1 + rnd(s, 30));
			break;
		default:
			snprintf(line, ll, "delete %s", obj);
		}
		break;
	}
	case 2: /* route-targets */
	case 3: {
		const char *dir = rnd(s, 2) ? "import" : "export";
		snprintf(obj, ol, "vrf name %s %s route-target", X, af);
		snprintf(line, ll, "%s %s %s %s", rnd(s, 3) ? "set" : "delete", obj, dir,
			rts[rnd(s, 4)]);
		break;
	}
	case 4:
		snprintf(obj, ol, "vrf name %s %s import", X, af);
		snprintf(line, ll, "%s %s vrf %s", rnd(s, 3) ? "set" : "delete", obj, Y);
		break;
	case 5:
		snprintf(obj, ol, "vrf name %s %s route-map", X, af);
		snprintf(line, ll, "%s %s vpn %s %s", rnd(s, 3) ? "set" : "delete", obj,
			rnd(s, 2) ? "import" : "export", rnd(s, 2) ? "RM" : "LP");
		break;
	case 6: /* policy contents */
		if (rnd(s, 2)) {
			snprintf(obj, ol, "policy route-map LP rule 10 set");
			snprintf(line, ll, "set %s local-preference %u", obj, 10 + 10 * rnd(s, 20));
		} else {
			snprintf(obj, ol, "policy prefix-list PL rule 10");
			snprintf(line, ll, "set %s le %u", obj, 16 + rnd(s, 17));
		}
		break;
	case 7: { /* addresses (may collide with leaked routes: then refused) */
		static const char *addrs[] = {
			"10.100.5.1/24", "10.7.1.1/24", "10.9.9.1/24", "172.16.1.1/16"};
		snprintf(obj, ol, "interfaces ethernet %s address", vrf_iface[x]);
		snprintf(line, ll, "%s %s %s", rnd(s, 2) ? "set" : "delete", obj, addrs[rnd(s, 4)]);
		break;
	}
	case 8:
		snprintf(obj, ol, "interfaces ethernet %s", vrf_iface[x]);
		snprintf(line, ll, "%s %s disable", rnd(s, 2) ? "set" : "delete", obj);
		break;
	case 9: /* table ids (a duplicate is refused) */
		snprintf(obj, ol, "vrf name %s table", X);
		snprintf(line, ll, "set %s %u", obj, 10 + rnd(s, 4) + 20 * rnd(s, 2));
		break;
	default:
		snprintf(obj, ol, "vrf name %s %s redistribute", X, af);
		snprintf(line, ll, "%s %s %s", rnd(s, 2) ? "set" : "delete", obj,
			rnd(s, 2) ? "connected" : "static");
	}
}

/* The inverse of a change to `obj`: delete it as it is now, then re-set the
 * lines it had in `old_cfg` (a rendering taken before the change). */
static char *inverse(struct sl_router *r, const char *old_cfg, const char *obj)
{
	char *buf = NULL, *copy = strdup(old_cfg), *save;
	size_t len = 0, ol = strlen(obj);
	FILE *f = open_memstream(&buf, &len);
	char *now = show(r, "show configuration");
	char prefix[512];

	snprintf(prefix, sizeof(prefix), "set %s", obj);
	if (strstr(now, prefix) != NULL)
		fprintf(f, "delete %s\n", obj);
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (strncmp(l + 4, obj, ol) == 0 && (l[4 + ol] == ' ' || l[4 + ol] == '\0'))
			fprintf(f, "%s\n", l);
	fclose(f);
	free(copy);
	free(now);
	return buf;
}

static void run_sequence(unsigned seed, size_t *accepted, size_t *refused)
{
	struct sl_router *r = sl_router_new();
	unsigned s = seed;
	char *msgs;

	if (apply(r, base, &msgs) != 0)
		fail_msg("base config refused: %s", msgs);
	free(msgs);
	unsigned steps = 3 + rnd(&s, 6);
	for (unsigned i = 0; i < steps; i++) {
		char line[512], obj[256];
		random_change(&s, line, sizeof(line), obj, sizeof(obj));
		char *before = snapshot(r), *cfg = show(r, "show configuration");
		char text[600];
		snprintf(text, sizeof(text), "%s\n", line);
		int rc = apply(r, text, &msgs);
		char *after = snapshot(r);
		if (rc != 0) {
			(*refused)++;
			if (getenv("SLUICE_VERBOSE"))
				fprintf(stderr, "refused: %s -> %s", line, msgs);
			if (strcmp(before, after) != 0)
				fail_msg("seed %u step %u: refused '%s' changed the state", seed, i,
					line);
		} else {
			(*accepted)++;
			/* change, inverse: every table as before */
			char *inv = inverse(r, cfg, obj);
			char *m2;
			if (apply(r, inv, &m2) != 0)
				fail_msg("seed %u step %u: inverse of '%s' refused:\n%s\n%s", seed,
					i, line, inv, m2);
			free(m2);
			char *restored = snapshot(r);
			if (strcmp(before, restored) != 0)
				fail_msg("seed %u step %u: '%s' then its inverse did not restore "
					 "the "
					 "state:\n--- before\n%s\n--- after\n%s",
					seed, i, line, before, restored);
			free(restored);
			free(inv);
			/* keep the change for the rest of the sequence */
			if (apply(r, text, &m2) != 0)
				fail_msg("seed %u step %u: '%s' refused the second time", seed, i,
					line);
			free(m2);
		}
		free(msgs);
		free(before);
		free(after);
		free(cfg);
	}
	/* incremental == from scratch */
	char *cfg = show(r, "show configuration");
	struct sl_router *fresh = sl_router_new();
	if (apply(fresh, cfg, &msgs) != 0)
		fail_msg("seed %u: rendered configuration refused on reload: %s", seed, msgs);
	free(msgs);
	char *a = snapshot(r), *b = snapshot(fresh);
	if (strcmp(a, b) != 0)
		fail_msg("seed %u: incremental state differs from a rebuild:\n--- "
			 "incremental\n%s\n--- "
			 "rebuild\n%s",
			seed, a, b);
	free(a);
	free(b);
	free(cfg);
	sl_router_free(fresh);
	sl_router_free(r);
}

static void test_leak_lifecycle(void **state)
{
	size_t accepted = 0, refused = 0;
	const char *one = getenv("SLUICE_SEED");
	(void)state;
	if (one != NULL) {
		run_sequence((unsigned)strtoul(one, NULL, 10), &accepted, &refused);
		return;
	}
	for (unsigned seed = 1; seed <= 1000; seed++)
		run_sequence(seed, &accepted, &refused);
	print_message("1000 sequences: %zu changes accepted (each with its inverse), %zu refused\n",
		accepted, refused);
	/* the generator must exercise both outcomes */
	assert_true(accepted > 2000);
	assert_true(refused > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leak_lifecycle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
