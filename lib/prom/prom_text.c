/* SPDX-License-Identifier: BSD-3-Clause */
/* prom_text.c — the exposition format's rules: names, escaping, and each
 * family's # HELP / # TYPE before its samples. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "sl_prom.h"

static bool name_char(char c, bool first, bool colon)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
		return true;
	if (c == ':')
		return colon;
	return !first && c >= '0' && c <= '9';
}

static bool ident_ok(const char *name, bool colon)
{
	if (name == NULL || name[0] == '\0')
		return false;
	for (size_t i = 0; name[i] != '\0'; i++)
		if (!name_char(name[i], i == 0, colon))
			return false;
	return true;
}

bool sl_prom_name_ok(const char *name)
{
	return ident_ok(name, true);
}

bool sl_prom_label_ok(const char *name)
{
	/* names starting with __ are reserved for Prometheus itself */
	return ident_ok(name, false) && strncmp(name, "__", 2) != 0;
}

void sl_prom_label_value(FILE *out, const char *v)
{
	fputc('"', out);
	for (; *v != '\0'; v++) {
		if (*v == '\\')
			fputs("\\\\", out);
		else if (*v == '"')
			fputs("\\\"", out);
		else if (*v == '\n')
			fputs("\\n", out);
		else
			fputc(*v, out);
	}
	fputc('"', out);
}

/* HELP text: backslash and newline escaped (quotes are not, in HELP). */
static void help_text(FILE *out, const char *h)
{
	for (; *h != '\0'; h++) {
		if (*h == '\\')
			fputs("\\\\", out);
		else if (*h == '\n')
			fputs("\\n", out);
		else
			fputc(*h, out);
	}
}

void sl_prom_family(struct sl_prom_w *w, const char *name, enum sl_prom_type type, const char *help)
{
	w->family = NULL;
	if (!sl_prom_name_ok(name)) {
		w->err = w->err ? w->err : -EINVAL;
		return;
	}
	w->family = name;
	fprintf(w->out, "# HELP %s ", name);
	help_text(w->out, help);
	fprintf(w->out, "\n# TYPE %s %s\n", name, type == SL_PROM_COUNTER ? "counter" : "gauge");
}

/* The sample's name and labels; false (nothing written) when one is bad. */
static bool sample_head(struct sl_prom_w *w, const char *const *labels, size_t n_labels)
{
	if (w->family == NULL)
		return false;
	for (size_t i = 0; i < n_labels; i++)
		if (!sl_prom_label_ok(labels[2 * i]) || labels[2 * i + 1] == NULL) {
			w->err = w->err ? w->err : -EINVAL;
			return false;
		}
	fputs(w->family, w->out);
	for (size_t i = 0; i < n_labels; i++) {
		fprintf(w->out, "%s%s=", i ? "," : "{", labels[2 * i]);
		sl_prom_label_value(w->out, labels[2 * i + 1]);
	}
	if (n_labels > 0)
		fputc('}', w->out);
	return true;
}

void sl_prom_sample(struct sl_prom_w *w, const char *const *labels, size_t n_labels, double value)
{
	if (!sample_head(w, labels, n_labels))
		return;
	if (isnan(value))
		fputs(" NaN\n", w->out);
	else if (isinf(value))
		fputs(value > 0 ? " +Inf\n" : " -Inf\n", w->out);
	else
		fprintf(w->out, " %.15g\n", value);
}

void sl_prom_sample_u64(
	struct sl_prom_w *w, const char *const *labels, size_t n_labels, uint64_t value)
{
	if (sample_head(w, labels, n_labels))
		fprintf(w->out, " %" PRIu64 "\n", value);
}
