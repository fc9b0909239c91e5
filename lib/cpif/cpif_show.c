/* SPDX-License-Identifier: BSD-3-Clause */
/* cpif_show.c — `show control-plane`: the TAPs, why an interface has none,
 * and the punt classes' rates and counters. */
#include <jansson.h>
#include <string.h>

#include "cpif_priv.h"

static void addr_str(const struct cpif_tap *t, char *buf, size_t size)
{
	size_t l = 0;
	buf[0] = '\0';
	for (uint32_t i = 0; t != NULL && i < t->n_addrs && l < size; i++) {
		uint32_t a = t->addrs[i].addr;
		l += (size_t)snprintf(buf + l, size - l, "%s%u.%u.%u.%u/%u", i ? "," : "", a >> 24,
			(a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff, t->addrs[i].len);
	}
}

static const struct cpif_tap *tap_of(const struct sl_cpif *c, uint16_t oif)
{
	return c->by_oif[oif] >= 0 ? &c->taps[c->by_oif[oif]] : NULL;
}

static void show_json(const struct sl_cpif *c, FILE *out)
{
	json_t *j = json_object(), *ifs = json_array(), *cl = json_object();
	json_object_set_new(j, "enabled", json_boolean(c->conf.enabled));
	json_object_set_new(j, "prefix", json_string(c->conf.prefix));
	json_object_set_new(j, "netns", json_string(c->conf.netns));
	json_object_set_new(
		j, "kernel_vrf", c->vrf_support < 0 ? json_null() : json_boolean(c->vrf_support));
	json_object_set_new(j, "error", json_string(c->error));
	for (unsigned i = 0; i < c->n_status; i++) {
		const struct cpif_status *s = &c->status[i];
		char a[256];
		const struct cpif_tap *t = tap_of(c, s->oif);
		addr_str(t, a, sizeof(a));
		json_array_append_new(
			ifs, json_pack("{s:s, s:s, s:s, s:b, s:s, s:s}", "interface", s->name,
				     "vrf", s->vrf, "tap", s->tap, "up", t != NULL && t->up,
				     "addresses", a, "error", s->why));
	}
	json_object_set_new(j, "interfaces", ifs);
	for (unsigned k = 0; k < SL_CPIF__CLASSES; k++)
		json_object_set_new(cl, sl_cpif_class_names[k],
			json_pack("{s:I, s:I, s:I}", "rate", (json_int_t)c->conf.rate[k], "passed",
				(json_int_t)c->cnt.passed[k], "limited",
				(json_int_t)c->cnt.limited[k]));
	json_object_set_new(j, "classes", cl);
	json_object_set_new(j, "write_failed", json_integer((json_int_t)c->cnt.write_failed));
	json_object_set_new(j, "from_kernel", json_integer((json_int_t)c->cnt.from_kernel));
	json_object_set_new(
		j, "from_kernel_ignored", json_integer((json_int_t)c->cnt.from_kernel_ignored));
	json_object_set_new(
		j, "from_kernel_dropped", json_integer((json_int_t)c->cnt.from_kernel_dropped));
	json_dumpf(j, out, JSON_INDENT(2));
	fputc('\n', out);
	json_decref(j);
}

void sl_cpif_show(const struct sl_cpif *c, FILE *out, bool json)
{
	if (json) {
		show_json(c, out);
		return;
	}
	fprintf(out, "Control-plane interfaces: %s, prefix %s, namespace %s\n",
		c->conf.enabled ? "enabled"
				: "disabled (set system control-plane interfaces enable)",
		c->conf.prefix, c->conf.netns[0] ? c->conf.netns : "sluiced's own");
	if (c->vrf_support >= 0)
		fprintf(out, "Kernel VRF devices: %s\n",
			c->vrf_support ? "available" : "not available");
	if (c->error[0])
		fprintf(out, "Error: %s\n", c->error);
	if (c->n_status > 0)
		fprintf(out, "\n%-16s %-16s %-16s %-5s %s\n", "Interface", "VRF", "TAP", "Link",
			"Addresses");
	for (unsigned i = 0; i < c->n_status; i++) {
		const struct cpif_status *s = &c->status[i];
		const struct cpif_tap *t = tap_of(c, s->oif);
		char a[256];
		addr_str(t, a, sizeof(a));
		fprintf(out, "%-16s %-16s %-16s %-5s %s\n", s->name, s->vrf,
			s->tap[0] ? s->tap : "-",
			t == NULL ? "-"
			: t->up	  ? "up"
				  : "down",
			s->why[0] ? s->why : a);
	}
	fprintf(out,
		"\nTo the kernel (token bucket per class: packets a second, as large a burst)\n");
	fprintf(out, "%-6s %9s %14s %14s\n", "Class", "Rate", "Passed", "Rate-limited");
	for (unsigned k = 0; k < SL_CPIF__CLASSES; k++)
		fprintf(out, "%-6s %9u %14llu %14llu\n", sl_cpif_class_names[k], c->conf.rate[k],
			(unsigned long long)c->cnt.passed[k],
			(unsigned long long)c->cnt.limited[k]);
	fprintf(out, "Not taken by a TAP (its queue full): %llu\n",
		(unsigned long long)c->cnt.write_failed);
	fprintf(out, "From the kernel: %llu sent on ports, %llu dropped, %llu not IPv4/ARP\n",
		(unsigned long long)c->cnt.from_kernel,
		(unsigned long long)c->cnt.from_kernel_dropped,
		(unsigned long long)c->cnt.from_kernel_ignored);
}
