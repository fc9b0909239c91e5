/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * commit_history.c — the revisions of the running configuration, in memory
 * and one file each in the history directory (sl_commit.h). A file is
 *   sluice-commit 1
 *   id 42
 *   time 1765000000
 *   who uid 0
 *   comment free text, one line
 *   added 3
 *   removed 1
 *   length 1234
 *   <blank line>
 *   <length bytes: the rendered configuration>
 * written whole by commit_write_atomic; the length tells a cut file from a
 * whole one, should anything but sluiced have written it.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "commit_priv.h"

#define HISTORY_MAGIC "sluice-commit 1"
#define HISTORY_SUFFIX ".commit"

struct sl_history {
	char *dir; /* NULL: in memory only */
	size_t keep, bytes_max;
	struct sl_rev *v; /* oldest first */
	size_t n, cap;
	size_t bytes; /* of the texts held */
	uint64_t next_id;
};

static void rev_free(struct sl_rev *r)
{
	free(r->comment);
	free(r->text);
}

static int rev_cmp(const void *a, const void *b)
{
	const struct sl_rev *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int rev_path(const struct sl_history *h, uint64_t id, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%012" PRIu64 HISTORY_SUFFIX, h->dir, id);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* "000000000042.commit" → 42; false for any other name. */
static bool rev_name(const char *name, uint64_t *id)
{
	size_t len = strlen(name), sl = strlen(HISTORY_SUFFIX);
	if (len <= sl || strcmp(name + len - sl, HISTORY_SUFFIX) != 0)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < len - sl; i++) {
		if (!isdigit((unsigned char)name[i]) || v > UINT64_MAX / 10 - 1)
			return false;
		v = v * 10 + (uint64_t)(name[i] - '0');
	}
	*id = v;
	return v > 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 65536;
			char *g = realloc(buf, cap + 1);
			if (g == NULL) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = g;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static bool u64_read(const char *s, uint64_t *out)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return false;
	*out = v;
	return true;
}

/* One revision file into r; a reason (for the warning) when it is not one. */
static const char *rev_parse(char *buf, size_t len, uint64_t id, struct sl_rev *r)
{
	memset(r, 0, sizeof(*r));
	char *p = buf, *end = buf + len;
	uint64_t v, length = UINT64_MAX;
	bool have_id = false, have_time = false;
	size_t n = 0;
	for (;; n++) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			return "cut short in its header";
		*nl = '\0';
		char *line = p;
		p = nl + 1;
		if (n == 0) {
			if (strcmp(line, HISTORY_MAGIC) != 0)
				return "not a revision file (no '" HISTORY_MAGIC "' line)";
			continue;
		}
		if (line[0] == '\0')
			break;
		char *val = strchr(line, ' ');
		const char *key = line;
		if (val == NULL)
			val = line + strlen(line);
		else
			*val++ = '\0';
		if (strcmp(key, "id") == 0) {
			if (!u64_read(val, &v) || v != id)
				return "its id is not the one of its name";
			have_id = true;
		} else if (strcmp(key, "time") == 0) {
			if (!u64_read(val, &v))
				return "bad time";
			r->time = (int64_t)v;
			have_time = true;
		} else if (strcmp(key, "who") == 0) {
			snprintf(r->who, sizeof(r->who), "%s", val);
		} else if (strcmp(key, "comment") == 0) {
			free(r->comment);
			r->comment = strdup(val);
		} else if (strcmp(key, "added") == 0 || strcmp(key, "removed") == 0) {
			if (!u64_read(val, &v))
				return "bad line count";
			*(key[0] == 'a' ? &r->added : &r->removed) = (size_t)v;
		} else if (strcmp(key, "length") == 0) {
			if (!u64_read(val, &length))
				return "bad length";
		} /* other keys: from a newer sluiced, ignored */
	}
	if (!have_id || !have_time || length == UINT64_MAX)
		return "its header lacks id, time or length";
	if ((uint64_t)(end - p) != length)
		return "its configuration is not as long as its header says (cut short?)";
	r->id = id;
	r->text = malloc(length + 1);
	if (r->comment == NULL)
		r->comment = strdup("");
	if (r->text == NULL || r->comment == NULL)
		return "out of memory";
	memcpy(r->text, p, length);
	r->text[length] = '\0';
	return NULL;
}

static void history_trim(struct sl_history *h)
{
	size_t drop = 0;
	size_t bytes = h->bytes;
	/* the newest two stay whatever their size: the running one and the one
	 * a commit-confirm or `rollback 1` goes back to */
	while (h->n - drop > 2 && (h->n - drop > h->keep || bytes > h->bytes_max)) {
		struct sl_rev *r = &h->v[drop++];
		bytes -= strlen(r->text);
		char path[4096];
		if (h->dir != NULL && rev_path(h, r->id, path, sizeof(path)) == 0)
			unlink(path);
		rev_free(r);
	}
	if (drop == 0)
		return;
	memmove(h->v, h->v + drop, (h->n - drop) * sizeof(*h->v));
	h->n -= drop;
	h->bytes = bytes;
}

static int history_add(struct sl_history *h, const struct sl_rev *r)
{
	if (sl_grow(&h->v, &h->cap, h->n, sizeof(*h->v)) < 0)
		return -ENOMEM;
	h->v[h->n++] = *r;
	h->bytes += strlen(r->text);
	return 0;
}

static int history_load(struct sl_history *h, FILE *warn)
{
	DIR *d = opendir(h->dir);
	if (d == NULL)
		return -errno;
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		char path[4096];
		uint64_t id;
		if (e->d_name[0] == '.') {
			/* a write cut short by a crash: never renamed into place */
			size_t l = strlen(e->d_name);
			if (l > 7 && strstr(e->d_name, HISTORY_SUFFIX ".") != NULL &&
				snprintf(path, sizeof(path), "%s/%s", h->dir, e->d_name) <
					(int)sizeof(path))
				unlink(path);
			continue;
		}
		if (!rev_name(e->d_name, &id)) {
			if (warn != NULL)
				fprintf(warn, "history: %s/%s: not a revision file name, ignored\n",
					h->dir, e->d_name);
			continue;
		}
		/* an id is never given twice, even when its file is unreadable */
		if (id >= h->next_id)
			h->next_id = id + 1;
		if (snprintf(path, sizeof(path), "%s/%s", h->dir, e->d_name) >= (int)sizeof(path))
			continue;
		size_t len;
		char *buf = slurp(path, &len);
		if (buf == NULL) {
			if (errno == ENOMEM)
				rc = -ENOMEM;
			else if (warn != NULL)
				fprintf(warn, "history: %s: cannot read it (%s), ignored\n", path,
					strerror(errno));
			continue;
		}
		struct sl_rev r;
		const char *why = rev_parse(buf, len, id, &r);
		free(buf);
		if (why != NULL) {
			rev_free(&r);
			if (warn != NULL)
				fprintf(warn, "history: %s: %s; ignored\n", path, why);
			continue;
		}
		if ((rc = history_add(h, &r)) < 0)
			rev_free(&r);
	}
	closedir(d);
	if (rc == 0 && h->n > 1)
		qsort(h->v, h->n, sizeof(*h->v), rev_cmp);
	return rc;
}

struct sl_history *sl_history_open(const char *dir, FILE *warn)
{
	struct sl_history *h = calloc(1, sizeof(*h));
	if (h == NULL)
		return NULL;
	h->keep = SL_HISTORY_KEEP;
	h->bytes_max = SL_HISTORY_BYTES_MAX;
	h->next_id = 1;
	if (dir == NULL)
		return h;
	int rc = 0;
	if ((h->dir = strdup(dir)) == NULL)
		rc = -ENOMEM;
	else if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		rc = -errno;
	if (rc == 0)
		rc = history_load(h, warn);
	if (rc < 0) {
		sl_history_free(h);
		errno = -rc;
		return NULL;
	}
	history_trim(h);
	return h;
}

void sl_history_free(struct sl_history *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->n; i++)
		rev_free(&h->v[i]);
	free(h->v);
	free(h->dir);
	free(h);
}

void sl_history_limits(struct sl_history *h, size_t keep, size_t bytes_max)
{
	h->keep = keep < 2 ? 2 : keep;
	h->bytes_max = bytes_max;
	history_trim(h);
}

size_t sl_history_count(const struct sl_history *h)
{
	return h->n;
}

const struct sl_rev *sl_history_at(const struct sl_history *h, size_t n)
{
	return n < h->n ? &h->v[h->n - 1 - n] : NULL;
}

const struct sl_rev *sl_history_find(const struct sl_history *h, uint64_t id)
{
	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].id == id)
			return &h->v[i];
	return NULL;
}

uint64_t sl_history_next_id(const struct sl_history *h)
{
	return h->next_id;
}

static int rev_fill(FILE *f, void *ctx)
{
	const struct sl_rev *r = ctx;
	fprintf(f,
		HISTORY_MAGIC "\nid %" PRIu64 "\ntime %" PRId64 "\nwho %s\ncomment %s\n"
			      "added %zu\nremoved %zu\nlength %zu\n\n",
		r->id, r->time, r->who, r->comment, r->added, r->removed, strlen(r->text));
	fputs(r->text, f);
	return ferror(f) ? -EIO : 0;
}

/* One line of printable text, at most SL_HISTORY_COMMENT_MAX bytes. */
static char *comment_clean(const char *c)
{
	size_t len = c ? strlen(c) : 0;
	if (len > SL_HISTORY_COMMENT_MAX)
		len = SL_HISTORY_COMMENT_MAX;
	char *s = malloc(len + 1);
	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++)
		s[i] = (unsigned char)c[i] < 0x20 || c[i] == 0x7f ? ' ' : c[i];
	s[len] = '\0';
	return s;
}

int sl_history_record(
	struct sl_history *h, const char *who, const char *comment, const char *text, FILE *err)
{
	struct sl_rev r = {.id = h->next_id, .time = (int64_t)time(NULL)};
	snprintf(r.who, sizeof(r.who), "%s", who ? who : "");
	for (char *p = r.who; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	r.comment = comment_clean(comment);
	r.text = strdup(text);
	const struct sl_rev *prev = sl_history_at(h, 0);
	int rc = r.comment && r.text
			 ? sl_text_diff(prev ? prev->text : "", text, NULL, &r.added, &r.removed)
			 : -ENOMEM;
	if (rc == 0)
		rc = history_add(h, &r);
	if (rc < 0) {
		rev_free(&r);
		fprintf(err, "history: out of memory: revision %" PRIu64 " not recorded\n",
			h->next_id);
		return rc;
	}
	h->next_id++;
	if (h->dir != NULL) {
		char path[4096];
		rc = rev_path(h, r.id, path, sizeof(path));
		if (rc == 0)
			rc = commit_write_atomic(
				path, NULL, rev_fill, &h->v[h->n - 1], "history", err);
		else
			fprintf(err, "history: %s: name too long\n", h->dir);
	}
	history_trim(h);
	return rc;
}

struct touch {
	const char *path;
	size_t len;
	bool hit;
};

static int touch_cb(void *ctx, char sign, const char *line, size_t len)
{
	(void)sign;
	struct touch *t = ctx;
	if (len < 4 || memcmp(line, "set ", 4) != 0)
		return 0;
	line += 4, len -= 4;
	if (len >= t->len && memcmp(line, t->path, t->len) == 0 &&
		(len == t->len || line[t->len] == ' '))
		t->hit = true;
	return t->hit;
}

const struct sl_rev *sl_history_touched(
	const struct sl_history *h, uint64_t since, const char *path)
{
	for (size_t i = h->n; i-- > 1;) {
		if (h->v[i].id <= since)
			break;
		struct touch t = {path, strlen(path), false};
		commit_diff_lines(h->v[i - 1].text, h->v[i].text, touch_cb, &t);
		if (t.hit)
			return &h->v[i];
	}
	return NULL;
}
