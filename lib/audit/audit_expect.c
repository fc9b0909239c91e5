/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Expected leaks: the file format (one allowed leak per line,
 * `IMPORTER <- ORIGIN PREFIX [orlonger]`, `*` wildcards, `#` comments) and
 * its comparison with the leaks in force.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "audit_priv.h"

#define FORMAT "IMPORTER <- ORIGIN PREFIX [orlonger]"

static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	if (strcmp(s, "*") == 0)
		return true;
	if (n == 0 || n >= SL_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return false;
	return true;
}

/* Parse one line's tokens; 0, 1 (blank), or -EINVAL with the error added. */
static int parse_line(char *line, unsigned lineno, struct sl_leak_expect *e, struct sl_errors *errs)
{
	char *tok[6], *save;
	size_t n = 0;
	char *hash = strchr(line, '#');

	if (hash != NULL)
		*hash = '\0';
	for (char *t = strtok_r(line, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
		if (n == 6)
			break;
		tok[n++] = t;
	}
	if (n == 0)
		return 1;
	memset(e, 0, sizeof(*e));
	e->line = lineno;
	if (n < 4 || n > 5) {
		sl_errors_add(errs, lineno, "expected '" FORMAT "', got %zu word%s%s", n,
			n == 1 ? "" : "s", n > 5 ? " or more" : "");
		return -EINVAL;
	}
	if (!name_ok(tok[0])) {
		sl_errors_add(errs, lineno,
			"'%s' is not a VRF name (valid: letters, digits, '-', '_', or '*' for any)",
			tok[0]);
		return -EINVAL;
	}
	if (strcmp(tok[1], "<-") != 0) {
		sl_errors_add(errs, lineno,
			"expected '<-' after '%s', got '%s' (format: " FORMAT ")", tok[0], tok[1]);
		return -EINVAL;
	}
	if (!name_ok(tok[2])) {
		sl_errors_add(errs, lineno,
			"'%s' is not a VRF name (valid: letters, digits, '-', '_', or '*' for any)",
			tok[2]);
		return -EINVAL;
	}
	snprintf(e->vrf, sizeof(e->vrf), "%s", tok[0]);
	snprintf(e->origin, sizeof(e->origin), "%s", tok[2]);
	if (strcmp(tok[3], "*") == 0) {
		e->any_prefix = true;
	} else {
		int rc = sl_prefix_parse(tok[3], &e->prefix, false);
		if (rc == -EDOM) {
			sl_errors_add(errs, lineno,
				"'%s' has host bits set (valid: a network, e.g. %s)", tok[3],
				sl_prefix_fmt(
					sl_prefix_network(e->prefix), (char[SL_PREFIX_STR]){0}));
			return -EINVAL;
		}
		if (rc < 0) {
			sl_errors_add(errs, lineno,
				"'%s' is not a prefix (valid: A.B.C.D/L or '*')", tok[3]);
			return -EINVAL;
		}
	}
	if (n == 5) {
		if (strcmp(tok[4], "orlonger") != 0 || e->any_prefix) {
			sl_errors_add(errs, lineno,
				"unexpected '%s' after '%s' (valid: 'orlonger' after a prefix)",
				tok[4], tok[3]);
			return -EINVAL;
		}
		e->orlonger = true;
	}
	return 0;
}

int sl_leak_expect_parse(const char *text, struct sl_leak_expectations *out, struct sl_errors *errs)
{
	size_t cap = 0;
	unsigned lineno = 0;
	int result = 0;

	memset(out, 0, sizeof(*out));
	if (text == NULL)
		return -EINVAL;
	for (const char *p = text; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, len);
		struct sl_leak_expect e;
		int rc;

		lineno++;
		p += len + (nl != NULL);
		if (line == NULL)
			return -ENOMEM;
		rc = parse_line(line, lineno, &e, errs);
		free(line);
		if (rc < 0) {
			result = rc;
			continue;
		}
		if (rc > 0)
			continue;
		if (audit_grow(&out->v, &cap, out->n, sizeof(e)) < 0)
			return -ENOMEM;
		out->v[out->n++] = e;
	}
	return result;
}

void sl_leak_expect_free(struct sl_leak_expectations *e)
{
	free(e->v);
	memset(e, 0, sizeof(*e));
}

bool sl_leak_expect_matches(
	const struct sl_leak_expect *e, const char *vrf, const char *origin, struct sl_prefix p)
{
	if (strcmp(e->vrf, "*") != 0 && strcmp(e->vrf, vrf) != 0)
		return false;
	if (strcmp(e->origin, "*") != 0 && strcmp(e->origin, origin) != 0)
		return false;
	if (e->any_prefix)
		return true;
	return e->orlonger ? sl_prefix_contains(e->prefix, p) : sl_prefix_eq(e->prefix, p);
}

static int cmp_leak_key(const void *pa, const void *pb)
{
	const struct sl_leak *a = pa, *b = pb;
	int c;
	if ((c = strcmp(a->vrf, b->vrf)) != 0)
		return c;
	if ((c = sl_prefix_cmp(a->prefix, b->prefix)) != 0)
		return c;
	return strcmp(a->origin, b->origin);
}

int sl_leak_check(const struct sl_leak_expectations *exp, const struct sl_leak *leaks, size_t n,
	struct sl_leak_diff *out)
{
	struct sl_leak *active = malloc((n ? n : 1) * sizeof(*active));
	bool *hit = calloc(exp->n ? exp->n : 1, sizeof(*hit));
	size_t n_active = 0, cap_u = 0, cap_m = 0;
	int rc = -ENOMEM;

	memset(out, 0, sizeof(*out));
	if (active == NULL || hit == NULL)
		goto out;
	/* one entry per (vrf, origin, prefix): two mechanisms are one leak */
	for (size_t i = 0; i < n; i++)
		if (leaks[i].active)
			active[n_active++] = leaks[i];
	qsort(active, n_active, sizeof(*active), cmp_leak_key);
	for (size_t i = 0; i < n_active; i++) {
		bool allowed = false;
		if (i > 0 && cmp_leak_key(&active[i - 1], &active[i]) == 0)
			continue;
		out->n_leaks++;
		for (size_t k = 0; k < exp->n; k++) {
			if (sl_leak_expect_matches(&exp->v[k], active[i].vrf, active[i].origin,
				    active[i].prefix)) {
				hit[k] = true;
				allowed = true;
			}
		}
		if (allowed)
			continue;
		if (audit_grow(&out->unexpected, &cap_u, out->n_unexpected, sizeof(*active)) < 0)
			goto out;
		out->unexpected[out->n_unexpected++] = active[i];
	}
	for (size_t k = 0; k < exp->n; k++) {
		struct sl_leak_missing *m;
		if (hit[k])
			continue;
		if (audit_grow(&out->missing, &cap_m, out->n_missing, sizeof(*m)) < 0)
			goto out;
		m = &out->missing[out->n_missing++];
		m->expect = exp->v[k];
		m->inactive = false;
		for (size_t i = 0; i < n && !m->inactive; i++)
			m->inactive =
				!leaks[i].active && sl_leak_expect_matches(&exp->v[k], leaks[i].vrf,
							    leaks[i].origin, leaks[i].prefix);
	}
	rc = 0;
out:
	free(active);
	free(hit);
	return rc;
}

void sl_leak_diff_free(struct sl_leak_diff *d)
{
	free(d->unexpected);
	free(d->missing);
	memset(d, 0, sizeof(*d));
}
