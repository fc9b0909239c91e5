/* SPDX-License-Identifier: BSD-3-Clause */
/* dp_fixture.c — the datapath tests' setup and topology notation (dp_fixture.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_ip.h>
#include <rte_lcore.h>

#include "dp_fixture.h"

int dpf_eal_init(const char *name, const char *lcores, unsigned mem_mb)
{
	char prefix[64], mem[16];
	snprintf(prefix, sizeof(prefix), "--file-prefix=sl-test%s-%s-%d",
		getenv("SL_TEST_TAG") != NULL ? getenv("SL_TEST_TAG") : "", name, (int)getpid());
	snprintf(mem, sizeof(mem), "%u", mem_mb ? mem_mb : 512);
	char *argv[] = {(char *)name, "-l", (char *)lcores, "--no-huge", "-m", mem, prefix,
		"--no-pci", "--log-level=5", "--no-telemetry", NULL};
	return rte_eal_init((int)RTE_DIM(argv) - 1, argv);
}

/* ---- topology parsing ------------------------------------------------- */

struct topo {
	struct sl_fib_change *ch; /* VRF_ADDs, then routes */
	size_t n, cap;
	struct neigh {
		char ifname[SL_NAME_MAX];
		uint32_t ip;
		int state; /* 1: mac, 0: forget, -1: pending */
		struct rte_ether_addr mac;
	} * nb;
	size_t n_nb, cap_nb;
	bool vrf[SL_VRF_MAX];
};

static bool parse_ip(const char *s, uint32_t *ip)
{
	unsigned a, b, c, d;
	char end;
	if (s == NULL || sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &end) != 4 || a > 255 ||
		b > 255 || c > 255 || d > 255)
		return false;
	*ip = sl_test_ip4(a, b, c, d);
	return true;
}

static bool parse_prefix(const char *s, struct sl_prefix *p)
{
	unsigned a, b, c, d, len;
	char end;
	if (s == NULL || sscanf(s, "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &len, &end) != 5 ||
		a > 255 || b > 255 || c > 255 || d > 255 || len > 32)
		return false;
	p->addr = sl_test_ip4(a, b, c, d);
	p->len = (uint8_t)len;
	return true;
}

static bool parse_mac(const char *s, struct rte_ether_addr *m)
{
	unsigned b[6];
	char end;
	if (s == NULL || sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
				 &end) != 6)
		return false;
	for (int i = 0; i < 6; i++) {
		if (b[i] > 255)
			return false;
		m->addr_bytes[i] = (uint8_t)b[i];
	}
	return true;
}

static bool parse_uint(const char *s, unsigned long max, uint32_t *v)
{
	char *end;
	if (s == NULL || *s == '\0')
		return false;
	unsigned long x = strtoul(s, &end, 10);
	if (*end != '\0' || x > max)
		return false;
	*v = (uint32_t)x;
	return true;
}

static bool set_name(char *dst, const char *s)
{
	if (s == NULL || strlen(s) >= SL_NAME_MAX)
		return false;
	snprintf(dst, SL_NAME_MAX, "%s", s);
	return true;
}

static struct sl_fib_change *topo_push(struct topo *t)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->ch = realloc(t->ch, t->cap * sizeof(*t->ch));
		if (t->ch == NULL)
			abort();
	}
	memset(&t->ch[t->n], 0, sizeof(t->ch[0]));
	return &t->ch[t->n++];
}

static bool use_vrf(struct topo *t, const char *s, uint32_t *vrf)
{
	if (!parse_uint(s, SL_VRF_MAX - 1, vrf))
		return false;
	t->vrf[*vrf] = true;
	return true;
}

/* iface NAME port P [vlan V] [vrf N] [mac M] [addr A/L]... [sv MODE] [down] [answer-across-leaks] */
static bool parse_iface(struct dpf *f, struct topo *t, char **w, int n)
{
	struct sl_fib_iface_conf c = {.up = true};
	uint32_t port;
	if (n < 4 || !set_name(c.name, w[1]) || strcmp(w[2], "port") != 0 ||
		!parse_uint(w[3], SL_FIB_PORT_MAX - 1, &port))
		return false;
	c.port = (uint16_t)port;
	c.mac = (struct rte_ether_addr){{0x02, 0, 0, 0, 0, (uint8_t)(0x10 + port)}};
	for (int i = 4; i < n; i++) {
		uint32_t v;
		if (strcmp(w[i], "down") == 0) {
			c.up = false;
		} else if (strcmp(w[i], "answer-across-leaks") == 0) {
			c.answer_across_leaks = true;
		} else if (i + 1 >= n) {
			return false;
		} else if (strcmp(w[i], "vlan") == 0) {
			if (!parse_uint(w[++i], 4095, &v))
				return false;
			c.vlan = (uint16_t)v;
		} else if (strcmp(w[i], "vrf") == 0) {
			if (!use_vrf(t, w[++i], &c.vrf_id))
				return false;
		} else if (strcmp(w[i], "mac") == 0) {
			if (!parse_mac(w[++i], &c.mac))
				return false;
		} else if (strcmp(w[i], "sv") == 0) {
			const char *mode = w[++i];
			if (strcmp(mode, "strict") == 0)
				c.src_valid = SL_SRC_VALID_STRICT;
			else if (strcmp(mode, "loose") == 0)
				c.src_valid = SL_SRC_VALID_LOOSE;
			else if (strcmp(mode, "disable") != 0)
				return false;
		} else if (strcmp(w[i], "addr") == 0) {
			if (c.n_addrs == SL_FIB_IFACE_ADDRS ||
				!parse_prefix(w[++i], &c.addrs[c.n_addrs]))
				return false;
			c.n_addrs++;
		} else {
			return false;
		}
	}
	size_t k = 0;
	while (k < f->n_ifs && strcmp(f->ifs[k].name, c.name) != 0)
		k++;
	if (k == DPF_IFACE_MAX)
		return false;
	f->ifs[k] = c;
	if (k == f->n_ifs)
		f->n_ifs++;
	return true;
}

/* the paths after "route N A/L": via GW IF [weight W] ... */
static bool parse_vias(struct sl_fib_change *c, char **w, int n)
{
	struct sl_fib_path p[SL_ECMP_MAX];
	uint32_t np = 0;
	for (int i = 0; i < n;) {
		if (np == SL_ECMP_MAX || i + 3 > n || strcmp(w[i], "via") != 0)
			return false;
		p[np] = (struct sl_fib_path){.nh.type = SL_NH_GATEWAY, .weight = 1};
		if (!parse_ip(w[i + 1], &p[np].nh.gw) || !set_name(p[np].nh.ifname, w[i + 2]))
			return false;
		i += 3;
		if (i + 1 < n && strcmp(w[i], "weight") == 0) {
			if (!parse_uint(w[i + 1], SL_WEIGHT_MAX, &p[np].weight) ||
				p[np].weight == 0)
				return false;
			i += 2;
		}
		np++;
	}
	if (np == 0)
		return false;
	c->nh = p[0].nh;
	if (np > 1) {
		c->paths = calloc(1, sizeof(*c->paths) + np * sizeof(p[0]));
		if (c->paths == NULL)
			abort();
		c->paths->n = np;
		memcpy(c->paths->p, p, np * sizeof(p[0]));
	}
	return true;
}

/* route N A/L (connected IF | local IF | blackhole | vrf M | via ...), del N A/L */
static bool parse_route(struct topo *t, char **w, int n)
{
	uint32_t vrf;
	struct sl_prefix pfx;
	if (n < 3 || !use_vrf(t, w[1], &vrf) || !parse_prefix(w[2], &pfx))
		return false;
	struct sl_fib_change *c = topo_push(t);
	c->vrf_id = vrf;
	c->prefix = pfx;
	c->prefix.addr &= pfx.len ? ~0u << (32 - pfx.len) : 0;
	if (strcmp(w[0], "del") == 0) {
		c->op = SL_FIB_ROUTE_DEL;
		return n == 3;
	}
	c->op = SL_FIB_ROUTE_SET;
	if (n == 4 && strcmp(w[3], "blackhole") == 0) {
		c->nh.type = SL_NH_BLACKHOLE;
		return true;
	}
	if (n == 5 && strcmp(w[3], "connected") == 0) {
		c->nh.type = SL_NH_CONNECTED;
		return set_name(c->nh.ifname, w[4]);
	}
	if (n == 5 && strcmp(w[3], "local") == 0) {
		c->nh.type = SL_NH_LOCAL;
		return set_name(c->nh.ifname, w[4]);
	}
	if (n == 5 && strcmp(w[3], "vrf") == 0) {
		c->nh.type = SL_NH_VRF;
		return use_vrf(t, w[4], &c->nh.vrf_id);
	}
	return parse_vias(c, w + 3, n - 3);
}

static bool parse_neigh(struct topo *t, char **w, int n)
{
	if (n != 4)
		return false;
	if (t->n_nb == t->cap_nb) {
		t->cap_nb = t->cap_nb ? 2 * t->cap_nb : 16;
		t->nb = realloc(t->nb, t->cap_nb * sizeof(*t->nb));
		if (t->nb == NULL)
			abort();
	}
	struct neigh *nb = &t->nb[t->n_nb];
	memset(nb, 0, sizeof(*nb));
	if (!set_name(nb->ifname, w[1]) || !parse_ip(w[2], &nb->ip))
		return false;
	if (strcmp(w[3], "pending") == 0)
		nb->state = -1;
	else if (strcmp(w[3], "forget") == 0)
		nb->state = 0;
	else if (parse_mac(w[3], &nb->mac))
		nb->state = 1;
	else
		return false;
	t->n_nb++;
	return true;
}

static bool parse_line(struct dpf *f, struct topo *t, char *line)
{
	char *w[4 + 5 * SL_ECMP_MAX + 1], *save = NULL;
	int n = 0;
	char *hash = strchr(line, '#');
	if (hash != NULL)
		*hash = '\0';
	for (char *s = strtok_r(line, " \t\r", &save); s != NULL;
		s = strtok_r(NULL, " \t\r", &save)) {
		if (n == (int)RTE_DIM(w))
			return false;
		w[n++] = s;
	}
	if (n == 0)
		return true;
	if (strcmp(w[0], "iface") == 0)
		return parse_iface(f, t, w, n);
	if (strcmp(w[0], "route") == 0 || strcmp(w[0], "del") == 0)
		return parse_route(t, w, n);
	if (strcmp(w[0], "neigh") == 0)
		return parse_neigh(t, w, n);
	uint32_t vrf;
	return strcmp(w[0], "vrf") == 0 && n == 2 && use_vrf(t, w[1], &vrf);
}

static void topo_free(struct topo *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->ch[i].paths);
	free(t->ch);
	free(t->nb);
	free(t);
}

static int topo_apply(struct dpf *f, struct topo *t)
{
	int rc = sl_fib_iface_sync(f->fib, f->ifs, f->n_ifs); /* a no-op when unchanged */
	/* VRF_ADDs in front of the routes: the table exists before its first route */
	size_t n_routes = t->n, n_vrfs = 0;
	for (uint32_t v = 1; v < SL_VRF_MAX; v++)
		n_vrfs += t->vrf[v] && sl_fib_table(f->fib, SL_AF_IPV4, v) == 0;
	for (size_t i = 0; i < n_vrfs; i++)
		topo_push(t);
	if (n_vrfs > 0 && n_routes > 0) /* t->ch is NULL when the topology has no routes */
		memmove(t->ch + n_vrfs, t->ch, n_routes * sizeof(t->ch[0]));
	size_t k = 0;
	for (uint32_t v = 1; v < SL_VRF_MAX; v++)
		if (t->vrf[v] && sl_fib_table(f->fib, SL_AF_IPV4, v) == 0)
			t->ch[k++] = (struct sl_fib_change){.op = SL_FIB_VRF_ADD, .vrf_id = v};
	if (rc == 0 && t->n > 0)
		rc = sl_fib_apply(f->fib, t->ch, t->n, NULL);
	for (size_t i = 0; rc == 0 && i < t->n_nb; i++) {
		const struct neigh *nb = &t->nb[i];
		int oif = sl_fib_iface_index(f->fib, nb->ifname);
		if (oif < 0) {
			fprintf(stderr, "dp_fixture: neigh on unknown interface %s\n", nb->ifname);
			return -EINVAL;
		}
		rc = nb->state < 0 ? sl_fib_neigh_pending(f->fib, (uint16_t)oif, nb->ip)
				   : sl_fib_neigh_set(f->fib, (uint16_t)oif, nb->ip,
					     nb->state ? &nb->mac : NULL);
	}
	return rc;
}

int dpf_apply(struct dpf *f, const char *topology)
{
	struct topo *t = calloc(1, sizeof(*t));
	char *text = strdup(topology);
	if (t == NULL || text == NULL)
		abort();
	size_t n_ifs = f->n_ifs;
	struct sl_fib_iface_conf *saved = malloc(sizeof(f->ifs));
	if (saved == NULL)
		abort();
	memcpy(saved, f->ifs, sizeof(f->ifs));
	int rc = 0, line_no = 1;
	for (char *line = text, *next; line != NULL && rc == 0; line = next, line_no++) {
		next = strpbrk(line, "\n;");
		if (next != NULL)
			*next++ = '\0';
		if (!parse_line(f, t, line)) {
			fprintf(stderr,
				"dp_fixture: topology line %d does not parse (see dp_fixture.h)\n",
				line_no);
			rc = -EINVAL;
		}
	}
	free(text);
	if (rc == 0) {
		dpf_writer_begin(f);
		rc = topo_apply(f, t);
		dpf_writer_end(f);
	} else {
		memcpy(f->ifs, saved, sizeof(f->ifs));
		f->n_ifs = n_ifs;
	}
	free(saved);
	topo_free(t);
	return rc;
}

int dpf_applyf(struct dpf *f, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	int len = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (len < 0)
		abort();
	int rc = dpf_apply(f, s);
	free(s);
	return rc;
}

/* ---- set-up and bursts ------------------------------------------------ */

void dpf_writer_begin(struct dpf *f)
{
	if (f->reader)
		rte_rcu_qsbr_thread_offline(f->fib->qsbr, rte_lcore_id());
}

void dpf_writer_end(struct dpf *f)
{
	if (f->reader)
		rte_rcu_qsbr_thread_online(f->fib->qsbr, rte_lcore_id());
}

int dpf_setup(struct dpf *f, const char *name, unsigned pool_size, const struct sl_fib_config *cfg,
	const char *topology)
{
	memset(f, 0, sizeof(*f));
	char pname[RTE_MEMPOOL_NAMESIZE];
	snprintf(pname, sizeof(pname), "dpf_%s", name);
	f->pool = rte_pktmbuf_pool_create(pname, pool_size ? pool_size : 1023, 0, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	struct sl_fib_config dflt = {.socket_id = SOCKET_ID_ANY};
	f->fib = sl_fib_new(cfg != NULL ? cfg : &dflt);
	if (f->pool == NULL || f->fib == NULL)
		return -1;
	f->dp = sl_dp_new(f->fib, 256, SOCKET_ID_ANY);
	if (f->dp == NULL || (topology != NULL && dpf_apply(f, topology) != 0))
		return -1;
	dpf_reset(f);
	if (sl_fib_reader_register(f->fib, rte_lcore_id()) < 0)
		return -1;
	f->reader = true;
	return 0;
}

void dpf_teardown(struct dpf *f)
{
	if (f->reader)
		sl_fib_reader_unregister(f->fib, rte_lcore_id());
	f->reader = false;
	sl_dp_free(f->dp);
	sl_fib_free(f->fib);
	rte_mempool_free(f->pool);
	f->dp = NULL;
	f->fib = NULL;
	f->pool = NULL;
}

void dpf_reset(struct dpf *f)
{
	memset(&f->cnt, 0, sizeof(f->cnt));
	f->cnt.vrf = f->dp->counters[rte_lcore_id()].vrf; /* this lcore's per-VRF block */
	memset(&f->out, 0, sizeof(f->out));
}

uint16_t dpf_oif(struct dpf *f, const char *name)
{
	int oif = sl_fib_iface_index(f->fib, name);
	assert_true(oif >= 0);
	return (uint16_t)oif;
}

struct rte_mbuf *dpf_craft(struct dpf *f, const struct dpf_pkt *s)
{
	static const struct rte_ether_addr zero, dflt_dst = {{0x02, 0, 0, 0, 0, 0x10}},
						 dflt_src = {{0x02, 0xaa, 0, 0, 0, 0x0a}};
	struct rte_mbuf *m = rte_pktmbuf_alloc(f->pool);
	assert_non_null(m);
	uint8_t vhl = s->version_ihl ? s->version_ihl : RTE_IPV4_VHL_DEF;
	uint16_t l2 = s->vlan ? 18 : 14, ihl = (uint16_t)((vhl & 0xf) * 4);
	uint16_t hdr = ihl < 20 ? 20 : ihl, payload = s->payload ? s->payload : 32;
	uint16_t len = (uint16_t)(l2 + hdr + payload);
	uint8_t *b = (uint8_t *)rte_pktmbuf_append(m, len);
	assert_non_null(b);
	memset(b, s->fill, len);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)b;
	eth->dst_addr = rte_is_same_ether_addr(&s->dst_mac, &zero) ? dflt_dst : s->dst_mac;
	eth->src_addr = rte_is_same_ether_addr(&s->src_mac, &zero) ? dflt_src : s->src_mac;
	uint16_t et = s->ether_type ? s->ether_type : RTE_ETHER_TYPE_IPV4;
	if (s->vlan) {
		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eth + 1);
		vh->vlan_tci = rte_cpu_to_be_16(s->vlan);
		vh->eth_proto = rte_cpu_to_be_16(et);
	} else {
		eth->ether_type = rte_cpu_to_be_16(et);
	}
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(b + l2);
	memset(ip, 0, hdr);
	ip->version_ihl = vhl;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(hdr + payload + s->total_delta));
	ip->time_to_live = s->ttl ? s->ttl : 64;
	ip->next_proto_id = s->proto ? s->proto : IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(s->src);
	ip->dst_addr = rte_cpu_to_be_32(s->dst);
	if (s->sport || s->dport) {
		uint16_t ports[2] = {rte_cpu_to_be_16(s->sport), rte_cpu_to_be_16(s->dport)};
		memcpy(b + l2 + hdr, ports, sizeof(ports));
	}
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	if (s->bad_cksum)
		ip->hdr_checksum ^= 0x5555;
	if (s->frame_len)
		rte_pktmbuf_trim(m, (uint16_t)(len - s->frame_len));
	return m;
}

void dpf_run(struct dpf *f, uint16_t in_port, struct rte_mbuf **pkts, uint16_t n)
{
	memset(&f->out, 0, sizeof(f->out));
	sl_dp_process(f->dp, &f->cnt, in_port, pkts, n, &f->out);
	/* the pipeline accounts for every packet exactly once */
	unsigned tx = 0;
	for (int p = 0; p < SL_FIB_PORT_MAX; p++)
		tx += f->out.n_tx[p];
	assert_int_equal(tx + f->out.n_punt + f->out.n_drop, n);
}

void dpf_free_out(struct dpf *f)
{
	for (int p = 0; p < SL_FIB_PORT_MAX; p++)
		rte_pktmbuf_free_bulk(f->out.tx[p], f->out.n_tx[p]);
	rte_pktmbuf_free_bulk(f->out.punt, f->out.n_punt);
	rte_pktmbuf_free_bulk(f->out.drop, f->out.n_drop);
}
