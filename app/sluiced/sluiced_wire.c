/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sluiced_wire.c — the modules that live in lib/ told where the daemon keeps
 * what they use (struct sd's fields, filled by the modules they need), and
 * the control thread's transmit they share. Done before main: every address
 * here is static.
 */
#include <rte_ethdev.h>

#include "sl_cpif.h"
#include "sl_fw.h"
#include "sl_slow.h"
#include "sl_tele.h"
#include "sl_zebra.h"
#include "sluiced.h"

/* m out of port on the control thread's own tx queue (true: sent) */
static bool tx_ctl(void *ctx, uint16_t port, struct rte_mbuf *m)
{
	struct sd *s = ctx;
	return port < s->n_ports && s->ctl_txq < s->ports[port].n_txq &&
	       rte_eth_tx_burst(port, s->ctl_txq, &m, 1) == 1;
}

/* zebra's routes applied: the FIB follows them */
static int fib_sync(void *ctx)
{
	(void)ctx;
	return sl_fib_module_sync();
}

/* ethN → port (lib/port), for the FIB's interface map */
static void ports_map(void *ctx)
{
	struct sd *s = ctx;
	sl_port_eths_map(&s->eths, s->router, s->ports, s->n_ports);
}

static int port_of(void *ctx, const struct sl_iface_state *ifs, struct rte_ether_addr *mac)
{
	struct sd *s = ctx;
	return sl_port_eths_of(&s->eths, ifs, s->ports, s->n_ports, mac);
}

void sd_tele_src(struct sd *s, struct sl_tele_src *src)
{
	*src = (struct sl_tele_src){.router = s->router,
		.dp = s->dp,
		.fib = s->fib,
		.fw = s->fw,
		.slow = s->slow,
		.history = s->run.history,
		.fallback_id = &s->run.fallback_id,
		.fpm = s->fpm};
}

static void tele_src(void *ctx, struct sl_tele_src *out)
{
	sd_tele_src(ctx, out);
}

static void __attribute__((constructor)) sd_wire(void)
{
	sl_fib_module_wire(&(struct sl_fib_wiring){
		.router = &sd.router,
		.config_path = &sd.config_path,
		/* at half load, so that cuckoo inserts succeed */
		.neigh_max = 2 * SL_SLOW_NEIGH_MAX,
		.ports_map = ports_map,
		.port_of = port_of,
		.port_ctx = &sd,
		.failed = &sd.fib_failed,
		.failed_why = sd.fib_failed_why,
		.failed_why_len = sizeof(sd.fib_failed_why),
		.fib = &sd.fib,
	});
	sl_cpif_module_wire(&(struct sl_cpif_wiring){
		.router = &sd.router,
		.fib = &sd.fib,
		.slow = &sd.slow,
		.pool = &sd.pool,
		.n_ports = &sd.n_ports,
		.hz = &sd.hz,
		.tx = tx_ctl,
		.tx_ctx = &sd,
	});
	sl_fw_module_wire(&(struct sl_fw_wiring){
		.router = &sd.router,
		.fib = &sd.fib,
		.dp = &sd.dp,
		.ct_max = &sd.ct_max,
		.fw = &sd.fw,
	});
	sl_slow_module_wire(&(struct sl_slow_wiring){
		.router = &sd.router,
		.fib = &sd.fib,
		.dp = &sd.dp,
		.pool = &sd.pool,
		.hz = &sd.hz,
		.tx = tx_ctl,
		.tx_ctx = &sd,
		.slow = &sd.slow,
	});
	sl_zebra_module_wire(&(struct sl_zebra_wiring){
		.router = &sd.router,
		.hz = &sd.hz,
		.sync = fib_sync,
		.sync_ctx = &sd,
		.zebra = &sd.fpm,
	});
	sl_tele_wire(&(struct sl_tele_wiring){
		.src = tele_src,
		.src_ctx = &sd,
		.n_ports = &sd.n_ports,
		.fib_failed = &sd.fib_failed,
		.fib_failed_why = sd.fib_failed_why,
	});
}
