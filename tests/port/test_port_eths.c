/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ethN of the configuration → port (lib/port's port_eths.c), over three
 * ports without EAL: a hw-id picks its port, an ethN without one takes port
 * N unless a hw-id took it (then inactive, said once), an ethN past the
 * ports is inactive, and a hw-id changed later waits for a restart (said in
 * the note) while the port stays.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sl_commit.h"
#include "sl_port.h"

static void apply_ok(struct sl_router *r, const char *text)
{
	struct sl_errors errs = {0};
	int rc = sl_router_apply(r, text, &errs, NULL);
	if (rc < 0 && errs.n > 0)
		fprintf(stderr, "%s\n", errs.v[0].msg);
	sl_errors_free(&errs);
	assert_int_equal(rc, 0);
}

static int port_of(struct sl_port_eths *e, struct sl_router *r, const char *name,
	const struct sl_port *ports, struct rte_ether_addr *mac)
{
	struct sl_iface_state ifs;
	assert_int_equal(sl_router_iface_get(r, name, &ifs), 0);
	return sl_port_eths_of(e, &ifs, ports, 3, mac);
}

static void test_eths(void **state)
{
	(void)state;
	struct sl_port ports[3] = {0};
	for (int p = 0; p < 3; p++) {
		ports[p].mac = (struct rte_ether_addr){{0x02, 0, 0, 0, 0, (uint8_t)p}};
		snprintf(ports[p].name, sizeof(ports[p].name), "net_tap%d", p);
	}
	struct sl_router *r = sl_router_new();
	assert_non_null(r);
	apply_ok(r, "set interfaces ethernet eth0 hw-id 02:00:00:00:00:02\n"
		    "set interfaces ethernet eth0 address 10.0.0.1/24\n"
		    "set interfaces ethernet eth1 address 10.1.0.1/24\n"
		    "set interfaces ethernet eth2 address 10.2.0.1/24\n"
		    "set interfaces ethernet eth5 address 10.5.0.1/24\n");
	static struct sl_port_eths e; /* ~100 KiB */
	sl_port_eths_map(&e, r, ports, 3);
	struct rte_ether_addr mac = {{0}};
	assert_int_equal(port_of(&e, r, "eth0", ports, &mac), 2);
	assert_memory_equal(&mac, &ports[2].mac, sizeof(mac));
	assert_int_equal(port_of(&e, r, "eth1", ports, &mac), 1);
	assert_memory_equal(&mac, &ports[1].mac, sizeof(mac));
	/* port 2 is eth0's by its hw-id: eth2 inactive, said once */
	assert_false(e.inactive_said[2]);
	assert_int_equal(port_of(&e, r, "eth2", ports, &mac), -1);
	assert_true(e.inactive_said[2]);
	assert_int_equal(port_of(&e, r, "eth5", ports, &mac), -1);
	assert_true(e.inactive_said[5]);
	assert_string_equal(e.note, "");
	/* a hw-id after start-up: the port stays until a restart, said */
	apply_ok(r, "set interfaces ethernet eth1 hw-id 02:00:00:00:00:00\n");
	assert_int_equal(port_of(&e, r, "eth1", ports, &mac), 1);
	assert_non_null(strstr(e.note, "eth1 hw-id 02:00:00:00:00:00: takes effect when "
				       "sluiced restarts"));
	assert_non_null(strstr(e.note, "eth1 stays port 1"));
	/* mapping again (a restart) takes it */
	sl_port_eths_map(&e, r, ports, 3);
	assert_int_equal(port_of(&e, r, "eth1", ports, &mac), 0);
	assert_false(e.inactive_said[2]);
	sl_router_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
