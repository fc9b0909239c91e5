/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Command registry and dispatch: each command registers from the file that
 * implements it; a request goes to the registration matching the most
 * leading words of its argv ("show interfaces" wins over "show").
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_ctl.h"

struct ctl_command {
	char *text; /* "show interfaces", normalised to single spaces */
	char **words;
	int n_words;
	sl_ctl_handler_fn fn;
	void *ctx;
};

static struct ctl_command *commands;
static size_t n_commands;
static sl_ctl_handler_fn default_fn;
static sl_ctl_help_fn default_help;
static void *default_ctx;

static void command_free(struct ctl_command *c)
{
	for (int i = 0; i < c->n_words; i++)
		free(c->words[i]);
	free(c->words);
	free(c->text);
}

/* Split on blanks into c->words and rebuild c->text with single spaces. */
static int command_split(struct ctl_command *c, const char *words)
{
	size_t len = strlen(words);
	char *copy = strdup(words);
	if (copy == NULL)
		return -ENOMEM;
	c->words = calloc(len / 2 + 1, sizeof(*c->words));
	c->text = calloc(len + 1, 1);
	if (c->words == NULL || c->text == NULL) {
		free(copy);
		return -ENOMEM;
	}
	char *save = NULL;
	for (char *w = strtok_r(copy, " \t", &save); w != NULL; w = strtok_r(NULL, " \t", &save)) {
		c->words[c->n_words] = strdup(w);
		if (c->words[c->n_words] == NULL) {
			free(copy);
			return -ENOMEM;
		}
		if (c->n_words > 0)
			strcat(c->text, " ");
		strcat(c->text, w);
		c->n_words++;
	}
	free(copy);
	return c->n_words > 0 ? 0 : -EINVAL;
}

static struct ctl_command *command_find(const char *text)
{
	for (size_t i = 0; i < n_commands; i++)
		if (strcmp(commands[i].text, text) == 0)
			return &commands[i];
	return NULL;
}

int sl_ctl_register(const char *words, sl_ctl_handler_fn fn, void *ctx)
{
	if (words == NULL || fn == NULL)
		return -EINVAL;
	struct ctl_command c = {.fn = fn, .ctx = ctx};
	int rc = command_split(&c, words);
	if (rc < 0) {
		command_free(&c);
		return rc;
	}
	if (command_find(c.text) != NULL) {
		command_free(&c);
		return -EEXIST;
	}
	struct ctl_command *grown = realloc(commands, (n_commands + 1) * sizeof(*commands));
	if (grown == NULL) {
		command_free(&c);
		return -ENOMEM;
	}
	commands = grown;
	commands[n_commands++] = c;
	return 0;
}

int sl_ctl_unregister(const char *words)
{
	struct ctl_command probe = {0};
	if (words == NULL || command_split(&probe, words) < 0) {
		command_free(&probe);
		return -ENOENT;
	}
	struct ctl_command *c = command_find(probe.text);
	command_free(&probe);
	if (c == NULL)
		return -ENOENT;
	command_free(c);
	*c = commands[--n_commands];
	return 0;
}

void sl_ctl_unregister_all(void)
{
	for (size_t i = 0; i < n_commands; i++)
		command_free(&commands[i]);
	free(commands);
	commands = NULL;
	n_commands = 0;
	default_fn = NULL;
	default_help = NULL;
	default_ctx = NULL;
}

void sl_ctl_set_default(sl_ctl_handler_fn fn, sl_ctl_help_fn help, void *ctx)
{
	default_fn = fn;
	default_help = help;
	default_ctx = ctx;
}

static int text_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t sl_ctl_words_after(const char *first, const char **out, size_t max)
{
	size_t n = 0, len = strlen(first);
	for (size_t i = 0; i < n_commands && n < max; i++)
		if (strncmp(commands[i].text, first, len) == 0 && commands[i].text[len] == ' ')
			out[n++] = commands[i].text + len + 1;
	qsort(out, n, sizeof(*out), text_cmp);
	if (n < max)
		out[n] = NULL;
	return n;
}

/* Does the default's help list `text` itself: a line of just its words, or
 * of its words and a usage ("show leak [vrf NAME]"), not a longer command? */
static bool help_lists(const char *help, const char *text)
{
	size_t len = strlen(text);
	for (const char *l = help; l != NULL && *l != '\0';) {
		l += strspn(l, " \t");
		if (strncmp(l, text, len) == 0) {
			const char *rest = l + len;
			if (*rest == '\n' || *rest == '\0' ||
				(*rest == ' ' && (rest[1] == '[' || rest[1] == '<' ||
							 isupper((unsigned char)rest[1]))))
				return true;
		}
		l = strchr(l, '\n');
		l = l ? l + 1 : NULL;
	}
	return false;
}

/* A command both registered and in the default's help (sluiced registers
 * `show leak graph`, lib/show lists it too) is listed once, with its usage. */
static int help_print(FILE *out)
{
	char *help = NULL;
	size_t help_len = 0;
	if (default_help != NULL) {
		FILE *m = open_memstream(&help, &help_len);
		if (m == NULL)
			return SL_CTL_FAILED;
		default_help(m, default_ctx);
		if (fclose(m) != 0) {
			free(help);
			return SL_CTL_FAILED;
		}
	}
	const char **texts = calloc(n_commands + 1, sizeof(*texts));
	if (texts == NULL) {
		free(help);
		return SL_CTL_FAILED;
	}
	size_t n = 0;
	for (size_t i = 0; i < n_commands; i++)
		if (!help_lists(help, commands[i].text))
			texts[n++] = commands[i].text;
	qsort(texts, n, sizeof(*texts), text_cmp);
	fprintf(out, "Commands:\n  help\n");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %s\n", texts[i]);
	free(texts);
	if (help != NULL) {
		fprintf(out, "State (show) commands:\n");
		fwrite(help, 1, help_len, out);
	}
	free(help);
	return SL_CTL_OK;
}

static struct ctl_command *command_match(int argc, char **argv)
{
	struct ctl_command *best = NULL;
	for (size_t i = 0; i < n_commands; i++) {
		struct ctl_command *c = &commands[i];
		if (c->n_words > argc || (best != NULL && c->n_words <= best->n_words))
			continue;
		int w = 0;
		while (w < c->n_words && strcmp(c->words[w], argv[w]) == 0)
			w++;
		if (w == c->n_words)
			best = c;
	}
	return best;
}

int sl_ctl_dispatch(int argc, char **argv, bool json, const char *input, FILE *out, FILE *err)
{
	if (argc < 1 || argv == NULL || argv[0] == NULL) {
		fprintf(err, "empty command; try 'help'\n");
		return SL_CTL_USAGE;
	}
	if (input == NULL)
		input = "";
	struct ctl_command *c = command_match(argc, argv);
	if (c == NULL && argc == 1 && strcmp(argv[0], "help") == 0)
		return help_print(out);
	int status;
	if (c != NULL)
		status = c->fn(argc, argv, json, input, out, err, c->ctx);
	else if (default_fn != NULL && strcmp(argv[0], "show") == 0)
		status = default_fn(argc, argv, json, input, out, err, default_ctx);
	else {
		fprintf(err, "unknown command '%s'; try 'help'\n", argv[0]);
		return SL_CTL_USAGE;
	}
	if (status == SL_CTL_DEFERRED)
		return status;
	return status < 0 ? SL_CTL_FAILED : status;
}
