/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: arbitrary text as one transaction on top of a small seed
 * configuration, then validate and commit (or abort). Checks, besides "no
 * crash, no leak": an aborted transaction leaves the rendering identical, and
 * a committed configuration renders, reloads and renders identically.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sl_conf.h"

static const char seed[] =
	"set vrf name CUSTOMER-A table 10\n"
	"set vrf name SHARED table 20\n"
	"set interfaces ethernet eth1 vrf CUSTOMER-A\n"
	"set interfaces ethernet eth2 vrf SHARED\n"
	"set interfaces ethernet eth1 address 10.1.0.1/24\n"
	"set policy prefix-list PL rule 10 prefix 10.100.0.0/16\n"
	"set policy route-map RM rule 10 match ip address prefix-list PL\n"
	"set vrf name SHARED protocols static route 10.1.0.0/24 interface eth1 vrf CUSTOMER-A\n";

static int load(struct sl_conf *c, const char *text, struct sl_errors *e)
{
	int rc;

	sl_conf_begin(c);
	rc = sl_conf_exec_text(c, text, 1, e, NULL);
	if (rc == 0 && sl_conf_validate(c, e) == 0) {
		/* the warnings too: notices, and lint with the transaction's lines */
		struct sl_errors w = {0};
		sl_conf_notices(c, &w);
		sl_conf_lint(c, &w);
		sl_errors_free(&w);
	}
	if (rc == 0)
		rc = sl_conf_commit(c, e);
	if (rc != 0)
		sl_conf_abort(c);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sl_conf *c = sl_conf_new();
	struct sl_errors e = {0};
	char *text, *before, *after;

	if (c == NULL || size > 1 << 16) {
		sl_conf_free(c);
		return 0;
	}
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0'; /* NULs inside simply end the text early */
	if (load(c, seed, &e) != 0)
		abort();
	before = sl_conf_render_str(c);
	if (load(c, text, &e) != 0) {
		after = sl_conf_render_str(c);
		if (strcmp(before, after) != 0)
			abort(); /* atomicity broken */
	} else {
		struct sl_conf *again = sl_conf_new();
		char *second;

		after = sl_conf_render_str(c);
		sl_errors_clear(&e);
		if (load(again, after, &e) != 0)
			abort(); /* the rendering must load back */
		second = sl_conf_render_str(again);
		if (strcmp(after, second) != 0)
			abort();
		free(second);
		sl_conf_free(again);
	}
	free(before);
	free(after);
	free(text);
	sl_errors_free(&e);
	sl_conf_free(c);
	return 0;
}
