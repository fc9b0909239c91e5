/* SPDX-License-Identifier: BSD-3-Clause */
/* One line: tokenize, resolve the path against the schema, then set or delete. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_priv.h"

#define VAL_MAX 320

/* One resolved position of a path. */
struct step {
	const struct conf_schema *schema; /* keyword: its schema; value: its keyword's */
	bool is_value;
	char name[VAL_MAX];
};

/* A line's resolved path (≈ 40 KiB: kept in struct sl_conf, allocated once,
 * because a malloc of this size per line costs glibc a consolidation). */
struct conf_plan {
	struct step st[CONF_MAX_TOKENS];
	int n;
	/* MULTI with split_spaces: the last value may be several */
	char extra[CONF_MAX_TOKENS][VAL_MAX];
	int nextra;
};

static bool is_presence_node(const struct sl_conf_node *n)
{
	return (n->is_value && n->schema->kind == CONF_TAG) ||
	       (!n->is_value && n->schema->kind == CONF_FLAG);
}

static bool is_object(const struct sl_conf_node *n)
{
	if (n->schema->obj == CONF_OBJ_NONE || n->parent == NULL)
		return false;
	return n->schema->kind == CONF_TAG ? n->is_value : !n->is_value;
}

static void path_text(const struct conf_plan *p, int upto, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < upto && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%s", i ? " " : "", p->st[i].name);
}

/* Resolve tokens (conf_lex's: tok[ntok] ends the last) against the schema.
 * strict_values: values must parse (set); otherwise an unparsable value is
 * kept as given (delete: it cannot exist). */
static int resolve(char **tok, int ntok, bool is_set, struct conf_plan *p, unsigned line,
	struct sl_errors *errs)
{
	const struct conf_schema *parent = conf_schema_root(); /* whose children are keywords */
	const struct conf_schema *val_of = NULL; /* keyword expecting a value next */
	const struct conf_schema *last = NULL;
	bool done = false, last_is_value = false;
	char path[1024], list[512], canon[VAL_MAX];

	p->n = 0;
	p->nextra = 0;
	for (int i = 0; i < ntok; i++) {
		const char *t = tok[i];
		size_t tlen = (size_t)(tok[i + 1] - tok[i]) - 1; /* no strlen */
		const struct conf_schema *kw = NULL;

		/* the path so far, for messages only: built lazily */
#define PATH() (path_text(p, p->n, path, sizeof(path)), path)
		if (done) {
			sl_errors_add(errs, line,
				"unexpected '%s' after '%s' (the path is complete)", t, PATH());
			return -EINVAL;
		}
		if (tlen >= VAL_MAX) {
			sl_errors_add(errs, line,
				"token too long after '%s' (at most %d characters)", PATH(),
				VAL_MAX - 1);
			return -EINVAL;
		}
		/* a leaf with keyword children (rd vpn export) takes the keyword first */
		if (val_of && val_of->kind != CONF_TAG)
			kw = conf_schema_child(val_of, t);
		if (val_of && kw == NULL) {
			bool split = val_of->split_spaces && strpbrk(t, " \t");
			if (!split &&
				val_of->type->parse(val_of->type, t, canon, sizeof(canon)) < 0) {
				if (is_set) {
					sl_errors_add(errs, line, "%s: %s (after '%s'; valid: %s)",
						t, canon, PATH(), val_of->type->valid);
					return -EINVAL;
				}
				conf_strlcpy(canon, t, sizeof(canon));
			}
			if (split) {
				/* "65000:1 65000:2" → separate values, each checked */
				char *save = NULL, *w, copy[VAL_MAX];
				conf_strlcpy(copy, t, sizeof(copy));
				bool first = true;
				for (w = strtok_r(copy, " \t", &save); w;
					w = strtok_r(NULL, " \t", &save)) {
					if (val_of->type->parse(
						    val_of->type, w, canon, sizeof(canon)) < 0) {
						sl_errors_add(errs, line,
							"%s: %s (after '%s'; valid: %s)", w, canon,
							PATH(), val_of->type->valid);
						return -EINVAL;
					}
					if (first) {
						conf_strlcpy(p->st[p->n].name, canon, VAL_MAX);
						first = false;
					} else if (p->nextra < CONF_MAX_TOKENS) {
						conf_strlcpy(p->extra[p->nextra++], canon, VAL_MAX);
					} else {
						sl_errors_add(errs, line,
							"too many values after '%s' (at most %d)",
							PATH(), CONF_MAX_TOKENS + 1);
						return -EINVAL;
					}
				}
				if (first) {
					sl_errors_add(errs, line,
						"missing value after '%s' (valid: %s)", PATH(),
						val_of->type->valid);
					return -EINVAL;
				}
			} else {
				conf_strlcpy(p->st[p->n].name, canon, VAL_MAX);
			}
			p->st[p->n].schema = val_of;
			p->st[p->n].is_value = true;
			p->n++;
			last_is_value = true;
			if (val_of->kind == CONF_TAG) {
				parent = val_of;
			} else {
				done = true;
			}
			val_of = NULL;
			continue;
		}
		if (kw == NULL)
			kw = conf_schema_child(parent, t);
		if (kw == NULL) {
			conf_schema_valid_list(parent, list, sizeof(list));
			if (parent == NULL || list[0] == '\0')
				sl_errors_add(errs, line,
					"unexpected '%s' after '%s' (the path is complete)", t,
					PATH());
			else
				sl_errors_add(errs, line,
					"unknown node '%s' after '%s' (valid: %s)", t,
					p->n ? PATH() : (is_set ? "set" : "delete"), list);
			return -EINVAL;
		}
		val_of = NULL;
		p->st[p->n].schema = kw;
		p->st[p->n].is_value = false;
		memcpy(p->st[p->n].name, t, tlen + 1); /* t is kw->name (strcmp) */
		p->n++;
		last = kw;
		last_is_value = false;
		switch (kw->kind) {
		case CONF_CONTAINER:
			parent = kw;
			break;
		case CONF_FLAG:
			parent = kw->children ? kw : NULL;
			done = kw->children == NULL;
			break;
		case CONF_TAG:
		case CONF_LEAF:
		case CONF_MULTI:
			val_of = kw;
			parent = NULL;
			break;
		}
	}
	if (p->n == 0) {
		conf_schema_valid_list(conf_schema_root(), list, sizeof(list));
		sl_errors_add(errs, line, "'%s' needs a path (valid: %s)",
			is_set ? "set" : "delete", list);
		return -EINVAL;
	}
#undef PATH
	if (!is_set || last_is_value || done)
		return 0;
	path_text(p, p->n, path, sizeof(path));
	if (val_of) {
		sl_errors_add(errs, line, "missing value after '%s' (valid: %s)", path,
			val_of->type->valid);
		return -EINVAL;
	}
	if (last && last->kind == CONF_FLAG)
		return 0;
	conf_schema_valid_list(parent, list, sizeof(list));
	sl_errors_add(errs, line, "incomplete path '%s' (continue with one of: %s)", path, list);
	return -EINVAL;
}

/*
 * The path to record for a change (see sl_conf.h): h is the highest node the
 * line created (set) or the node it deleted, leaf the end of the line's path.
 * Empty containers created or pruned on the way carry no meaning, so the
 * shallowest object between h and leaf wins, then the deepest one above h.
 */
static const struct sl_conf_node *record_point(
	const struct sl_conf_node *h, const struct sl_conf_node *leaf)
{
	const struct sl_conf_node *below = NULL;

	for (const struct sl_conf_node *n = leaf; n && n->parent; n = n->parent) {
		if (is_object(n))
			below = n;
		if (n == h)
			break;
	}
	if (below)
		return below;
	for (const struct sl_conf_node *n = h; n && n->parent; n = n->parent)
		if (is_object(n))
			return n;
	return h;
}

/* Child name of node, the path's step i (kw: its schema when a keyword): from
 * the memo when the last line walked the same way, instead of a hash and a
 * probe. A keyword node is named by its schema: no strcmp. */
static struct sl_conf_node *walk_child(struct conf_memo *m, int i, struct sl_conf_node *node,
	const char *name, const struct conf_schema *kw)
{
	const struct sl_conf_node *v = i < m->n ? m->v[i] : NULL;

	if (v != NULL && v->parent == node &&
		(kw ? !v->is_value && v->schema == kw : strcmp(v->name, name) == 0))
		return m->v[i];
	return conf_node_child(node, name);
}

/* child is the path's step i (steps 0..i-1 noted just before). */
static void walk_note(struct conf_memo *m, int i, struct sl_conf_node *child)
{
	if (i < m->n && m->v[i] == child)
		return; /* v[i + 1...] stay: still child's descendants */
	if (i > m->n || i >= CONF_MEMO_MAX)
		return; /* the chain broke above (a detach on the way) */
	m->v[i] = child;
	child->memo = true;
	m->n = i + 1;
}

static int set_one(
	struct sl_conf *c, const struct conf_plan *p, const char *last_value, unsigned line)
{
	struct sl_conf_node *node = c->root, *highest = NULL;
	int rc;

	for (int i = 0; i < p->n; i++) {
		const struct step *s = &p->st[i];
		const char *name = (i == p->n - 1 && last_value) ? last_value : s->name;
		struct sl_conf_node *child = walk_child(&c->pool.memo, i, node, name,
			name == s->name && !s->is_value ? s->schema : NULL);

		if (child == NULL && s->is_value && s->schema->kind == CONF_LEAF) {
			/* single-valued: the new value replaces the old one */
			struct sl_conf_node *old;
			size_t cursor = 0;
			while ((old = (struct sl_conf_node *)sl_conf_child_next(node, &cursor)) !=
				NULL) {
				if (!old->is_value)
					continue;
				if ((rc = conf_txn_remove(c, old)) < 0)
					return rc;
				cursor = 0; /* the table changed under the cursor */
			}
		}
		if (child == NULL) {
			child = conf_node_new(&c->pool, name, s->schema, s->is_value);
			if (child == NULL)
				return -ENOMEM;
			if ((rc = conf_node_attach(&c->pool, node, child)) < 0) {
				conf_node_free(&c->pool, child);
				return rc;
			}
			if ((rc = conf_txn_created(c, child, line)) < 0) {
				conf_node_detach(&c->pool, child);
				conf_node_free(&c->pool, child);
				return rc;
			}
			if ((rc = conf_refs_add_tree(&c->refs, child)) < 0) {
				/* the undo entry just pushed names child: drop it with
				 * child, or an abort would walk freed memory */
				c->nundo--;
				conf_refs_del_tree(&c->refs, child);
				conf_node_detach(&c->pool, child);
				conf_node_free(&c->pool, child);
				return rc;
			}
			if (highest == NULL)
				highest = child;
		}
		walk_note(&c->pool.memo, i, child);
		node = child;
	}
	if (highest) {
		c->validated = false;
		return conf_change_record(c, record_point(highest, node), line);
	}
	return 0;
}

static int do_set(struct sl_conf *c, const struct conf_plan *p, unsigned line)
{
	int rc = set_one(c, p, NULL, line);

	/* a VyOS keyword without effect here: kept (it renders back), noticed */
	for (int i = 0; rc == 0 && i < p->n; i++)
		if (!p->st[i].is_value && p->st[i].schema->noop != NULL) {
			rc = conf_notice_record(c, p->st[i].schema, line);
			break;
		}

	for (int i = 0; rc == 0 && i < p->nextra; i++)
		rc = set_one(c, p, p->extra[i], line);
	return rc;
}

/* The node a delete names (last_value: one of several values), or NULL with
 * the error. */
static struct sl_conf_node *delete_target(struct sl_conf *c, const struct conf_plan *p,
	const char *last_value, unsigned line, struct sl_errors *errs)
{
	struct sl_conf_node *node = c->root;
	char path[1024];

	for (int i = 0; i < p->n && node; i++) {
		const struct step *s = &p->st[i];
		bool last = i == p->n - 1 && last_value;
		node = walk_child(&c->pool.memo, i, node, last ? last_value : s->name,
			!last && !s->is_value ? s->schema : NULL);
		if (node)
			walk_note(&c->pool.memo, i, node);
	}
	if (node == NULL) {
		path_text(p, p->n, path, sizeof(path));
		if (last_value) {
			size_t off = strlen(path);
			char *sp = strrchr(path, ' ');
			off = sp ? (size_t)(sp - path) : 0;
			snprintf(
				path + off, sizeof(path) - off, "%s%s", off ? " " : "", last_value);
		}
		sl_errors_add(errs, line, "nothing to delete: '%s' is not configured", path);
	}
	return node;
}

static int delete_one(struct sl_conf *c, const struct conf_plan *p, const char *last_value,
	unsigned line, struct sl_errors *errs)
{
	struct sl_conf_node *node = delete_target(c, p, last_value, line, errs), *top;
	int rc;

	if (node == NULL)
		return -EINVAL;
	/* removing the last child of a non-presence node removes that node too */
	for (top = node; top->parent && top->parent->parent && top->parent->kids.n == 1 &&
			 !is_presence_node(top->parent);
		top = top->parent)
		;
	if ((rc = conf_change_record(c, record_point(node, node), line)) < 0)
		return rc;
	c->validated = false;
	while (node != top) {
		struct sl_conf_node *up = node->parent;
		if ((rc = conf_txn_remove(c, node)) < 0)
			return rc;
		node = up;
	}
	return conf_txn_remove(c, top);
}

static int do_delete(
	struct sl_conf *c, const struct conf_plan *p, unsigned line, struct sl_errors *errs)
{
	/* all the values first: a line is refused whole, never half done */
	for (int i = 0; i < p->nextra; i++)
		if (delete_target(c, p, p->extra[i], line, errs) == NULL)
			return -EINVAL;
	int rc = delete_one(c, p, NULL, line, errs);

	for (int i = 0; rc == 0 && i < p->nextra; i++)
		rc = delete_one(c, p, p->extra[i], line, errs);
	return rc;
}

static const struct {
	const char *word;
	enum sl_conf_line kind;
} commands[] = {
	{"set", SL_CONF_LINE_SET},
	{"delete", SL_CONF_LINE_DELETE},
	{"configure", SL_CONF_LINE_CONFIGURE},
	{"commit", SL_CONF_LINE_COMMIT},
	{"exit", SL_CONF_LINE_EXIT},
	{"save", SL_CONF_LINE_SAVE},
};

int sl_conf_exec(struct sl_conf *c, const char *line, unsigned lineno, struct sl_errors *errs,
	enum sl_conf_line *kind)
{
	size_t len = strlen(line);
	char stackbuf[512], *buf, *tok[CONF_MAX_TOKENS + 1], err[128];
	struct conf_plan *plan;
	enum sl_conf_line k = SL_CONF_LINE_EMPTY;
	int ntok, rc = 0;
	size_t ci;

	if (kind)
		*kind = SL_CONF_LINE_EMPTY;
	if (!c->in_txn)
		return -EBUSY;
	buf = len < sizeof(stackbuf) ? stackbuf : malloc(len + 1);
	if (buf == NULL)
		return -ENOMEM;
	ntok = conf_lex(line, buf, len + 1, tok, CONF_MAX_TOKENS, err, sizeof(err));
	if (ntok < 0) {
		sl_errors_add(errs, lineno, "%s", err);
		rc = -EINVAL;
		goto out;
	}
	if (ntok == 0)
		goto out;
	for (ci = 0; ci < sizeof(commands) / sizeof(commands[0]); ci++)
		if (strcmp(tok[0], commands[ci].word) == 0)
			break;
	if (ci == sizeof(commands) / sizeof(commands[0])) {
		sl_errors_add(errs, lineno,
			"unknown command '%s' (valid: set, delete, configure, commit, exit, save)",
			tok[0]);
		rc = -EINVAL;
		goto out;
	}
	k = commands[ci].kind;
	if (k != SL_CONF_LINE_SET && k != SL_CONF_LINE_DELETE) {
		if (ntok > 1) {
			sl_errors_add(errs, lineno, "unexpected '%s' after '%s'", tok[1], tok[0]);
			rc = -EINVAL;
		}
		goto out;
	}
	if (c->plan == NULL && (c->plan = malloc(sizeof(*c->plan))) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	plan = c->plan;
	rc = resolve(tok + 1, ntok - 1, k == SL_CONF_LINE_SET, plan, lineno, errs);
	if (rc == 0)
		rc = k == SL_CONF_LINE_SET ? do_set(c, plan, lineno)
					   : do_delete(c, plan, lineno, errs);
out:
	if (rc < 0)
		c->failed = true;
	if (kind)
		*kind = k;
	if (buf != stackbuf)
		free(buf);
	return rc;
}

/* A text of this many lines reserves its change and undo arrays first. */
#define RESERVE_LINES 4096

int sl_conf_exec_text(struct sl_conf *c, const char *text, unsigned first_lineno,
	struct sl_errors *errs, bool *saw_save)
{
	unsigned lineno = first_lineno;
	int rc = 0;

	if (saw_save)
		*saw_save = false;
	if (!c->in_txn)
		return -EBUSY;
	size_t lines = 0;
	for (const char *p = text; (p = strchr(p, '\n')) != NULL; p++, lines++)
		sl_progress();
	if (lines >= RESERVE_LINES)
		conf_txn_reserve(c, lines + 1);
	while (*text) {
		const char *nl = strchr(text, '\n');
		sl_progress();
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		char stackline[512], *line = len < sizeof(stackline) ? stackline : malloc(len + 1);
		enum sl_conf_line kind;
		int r;

		if (line == NULL)
			return -ENOMEM;
		memcpy(line, text, len);
		line[len] = '\0';
		r = sl_conf_exec(c, line, lineno, errs, &kind);
		if (line != stackline)
			free(line);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			rc = -EINVAL;
		if (kind == SL_CONF_LINE_SAVE && saw_save)
			*saw_save = true;
		lineno++;
		text += len + (nl ? 1 : 0);
	}
	return rc;
}

int sl_conf_check_line(const char *line, unsigned lineno, struct sl_errors *errs)
{
	struct sl_conf *c = sl_conf_new();
	int rc;

	if (c == NULL)
		return -ENOMEM;
	sl_conf_begin(c);
	rc = sl_conf_exec(c, line, lineno, errs, NULL);
	sl_conf_abort(c);
	sl_conf_free(c);
	return rc;
}
