/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_conf.h — the VyOS-style configuration tree (plain C, no DPDK).
 *
 * The configuration is a generic tree of tokens. Every `set` line is a path:
 * `set interfaces ethernet eth1 address 10.1.0.1/24` makes the nodes
 * interfaces → ethernet → eth1 → address → 10.1.0.1/24. A schema (registered
 * per area in conf_schema_*.c) says what each position may hold: a keyword,
 * a tag value (a name: `vrf name X`, `route P`, `rule 10`), a single leaf
 * value (`table 10`: setting another replaces it), a multi leaf value
 * (`address`, route-targets, `import vrf`, `state`) or a valueless leaf
 * (`disable`, `blackhole`). Values are the last tokens: they are children of
 * their leaf node, so `sl_conf_leaf_value(vrf, "table")` reads "10".
 *
 * Transactions: sl_conf_begin(), then sl_conf_exec() per line (changes go to
 * the live tree and are recorded in an undo log), then sl_conf_validate()
 * (semantic checks, incremental) and sl_conf_commit() or sl_conf_abort().
 * Abort restores the tree exactly (its rendering is byte-identical).
 * Reading the tree is allowed at any time, also inside a transaction (the
 * tree then shows the candidate).
 *
 * Changed paths (what the commit layer re-derives): each line that changes
 * the tree records ONE path, deduplicated over the transaction, kept with
 * the first line number that touched it. A recorded path P means "the subtree
 * at P may have changed: P may have been created, deleted or modified". The
 * path is cut at "object" granularity — objects are:
 *   interfaces ethernet ETH                       interfaces ethernet ETH vif V
 *   vrf name V                                    vrf name V table
 *   vrf name V description                        vrf name V leak-firewall
 *   vrf name V leak-nat
 *   vrf name V protocols bgp
 *   vrf name V protocols static route P           protocols static route P
 *   policy prefix-list N                          policy route-map N
 *   firewall ipv4 name N
 * Rule: for `set`, with H the highest node the line created, the recorded
 * path is the shallowest object on the line's path at or below H, else the
 * deepest object above H, else H itself. For `delete`, with D the node the
 * line names, it is the deepest object at or above D, else D (empty parents
 * pruned by a delete are not recorded). Consequences:
 *  - a one-route change records only [.. static route P] (also when it is the
 *    VRF's first or last route);
 *  - an RT/RD/import change records [vrf name V protocols bgp];
 *  - `delete vrf name V` or a new VRF records [vrf name V] (the whole VRF,
 *    routes included, must be re-derived); `delete vrf` records [vrf];
 *  - a `set` that changes nothing (value already present) records nothing;
 *  - replacing a single value (`table 10` → `table 20`) records [.. table].
 * Changed paths stay readable after commit/abort until the next begin.
 *
 * Validation (sl_conf_validate) checks only what the transaction touched plus
 * references to and from it: undefined VRFs / interfaces / prefix-lists /
 * route-maps / firewall rulesets, deletion of a referenced object (the error
 * names the referrer), duplicate table ids, `import vrf` of itself, prefix-list
 * ge/le (FRR: len < ge <= le <= 32), a static route with no next-hop /
 * interface / blackhole, `interface IFACE` of a static route (IFACE must be
 * configured and belong to the route's `vrf V`, or without it to the route's
 * own VRF; an interface or vif without `vrf` is in the default VRF), and a
 * bgp address-family without `system-as` (refused: an error), both `rd` and
 * `rd vpn export` in one VRF (refused), a VRF without `table` (refused, as in
 * VyOS: every VRF needs its table id), firewall ports without protocol
 * tcp/udp and `icmp type` without protocol icmp, a firewall rule without
 * `action`, and a prefix-list or route-map rule without `action` in a policy
 * that is applied (a route-map named by `route-map vpn import|export`, a
 * prefix-list such a route-map matches; an unapplied one is a warning of
 * sl_conf_lint, so that a list kept as documentation still loads).
 *
 * Errors go to struct sl_errors (sl_types.h): line = the line number given
 * to sl_conf_exec (for validation errors: the line that created the
 * offending node — the reference, the rule — in this transaction, else the
 * first line that touched its object), msg = the offending token, where, and what is valid,
 * e.g. "unknown node 'adress' after 'interfaces ethernet eth1' (valid:
 * address, description, disable, ip, mtu, vif, vrf)". Messages never start with
 * "line N:" — the caller prints that from .line.
 *
 * Reading the configuration (e.g. lib/commit re-deriving a changed route):
 *   vrf = sl_conf_findv(c, "vrf", "name", "CUSTOMER-A", NULL);
 *   sl_conf_leaf_value(vrf, "table")                          → "10" or NULL
 *   routes = sl_conf_findv(c, "vrf", "name", V, "protocols", "static", "route", NULL);
 *   for each child r of routes (sl_conf_child_next, unordered):
 *     sl_conf_node_name(r)                                    → "10.100.0.0/16"
 *     children of sl_conf_child(r, "next-hop") are addresses; under each,
 *       sl_conf_leaf_value(nh, "distance"), sl_conf_leaf_value(nh, "vrf");
 *     children of sl_conf_child(r, "interface") are "ethN"/"ethN.V", same leaves;
 *     sl_conf_child(r, "blackhole") (with an optional "distance" leaf).
 *   The default VRF's routes: sl_conf_findv(c, "protocols", "static", "route", NULL).
 *   af = sl_conf_findv(c, "vrf", "name", V, "protocols", "bgp", "address-family",
 *                      "ipv4-unicast", NULL);
 *   RD: sl_conf_leaf_value(af, "rd") (it skips the keyword child "vpn") or, VyOS
 *   spelling, the "export" leaf under
 *   sl_conf_child(sl_conf_child(af, "rd"), "vpn"); RTs: sl_conf_leaf_values() of
 *   "import"/"export"/"both" under sl_conf_child(af, "route-target") and under its
 *   "vpn" child; sl_conf_leaf_values(sl_conf_child(af, "import"), "vrf") for
 *   `import vrf`; flags with sl_conf_has() ("import" → "vpn", "redistribute" →
 *   "connected"). An interface or vif belongs to the VRF of its "vrf" leaf, or to
 *   the default VRF without one (a vif does not inherit its parent's VRF); as
 *   "vrf" is a single-valued leaf, an interface can never be in two VRFs.
 *
 * Value rules worth knowing: route / prefix-list / firewall prefixes refuse
 * host bits; interface addresses allow them but refuse /0, 0.0.0.0,
 * 127.0.0.0/8, multicast/reserved (>= 224.0.0.0) and, for lengths <= 30, the
 * network and broadcast addresses (/31 and /32 are fine). Numbers have no leading zeros. RD/RT values are stored
 * normalised (sl_rt_fmt). A quoted route-target value with spaces
 * ("65000:1 65000:2") is split into separate values.
 */
#ifndef SL_CONF_H
#define SL_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sl_types.h"

struct sl_conf;
struct sl_conf_node;

/* An empty configuration; NULL with errno ENOMEM. */
struct sl_conf *sl_conf_new(void);
/* Frees everything (an open transaction is dropped, i.e. its changes stay). */
void sl_conf_free(struct sl_conf *conf);

/* Open a transaction; -EBUSY if one is open. Clears the previous changed paths. */
int sl_conf_begin(struct sl_conf *conf);

/* What a line was: the non-config keywords are reported, not acted upon. */
enum sl_conf_line {
	SL_CONF_LINE_EMPTY, /* blank or comment */
	SL_CONF_LINE_SET,
	SL_CONF_LINE_DELETE,
	SL_CONF_LINE_CONFIGURE,
	SL_CONF_LINE_COMMIT,
	SL_CONF_LINE_EXIT,
	SL_CONF_LINE_SAVE,
};

/*
 * Execute one line inside the open transaction. `kind` (may be NULL) says
 * what the line was. Returns 0, -EINVAL (syntax/schema/value error, appended
 * to errs with `lineno`; the tree is unchanged by this line), -EBUSY when no
 * transaction is open, -ENOMEM. A failed line marks the transaction failed:
 * sl_conf_commit() then refuses it.
 */
int sl_conf_exec(struct sl_conf *conf, const char *line, unsigned lineno, struct sl_errors *errs,
	enum sl_conf_line *kind);

/*
 * Execute every line of `text` (lines numbered from first_lineno), going on
 * after errors so that all are reported. *saw_save (may be NULL) is set when
 * a `save` line was seen. `commit`/`configure`/`exit` lines are accepted and
 * ignored (the whole text is one transaction). Returns 0 or -EINVAL / -EBUSY.
 */
int sl_conf_exec_text(struct sl_conf *conf, const char *text, unsigned first_lineno,
	struct sl_errors *errs, bool *saw_save);

/* Semantic checks of the open transaction. Returns 0 or -EINVAL (errors
 * appended); -EBUSY when no transaction is open. */
int sl_conf_validate(struct sl_conf *conf, struct sl_errors *errs);

/* Make the transaction's changes permanent. Validates first when the
 * transaction changed since the last sl_conf_validate(). Returns 0, -EINVAL
 * when any line or check failed (errors appended; the transaction stays open:
 * abort it), -EBUSY when no transaction is open. */
int sl_conf_commit(struct sl_conf *conf, struct sl_errors *errs);

/* Undo every change of the open transaction; -EBUSY when none is open. */
int sl_conf_abort(struct sl_conf *conf);

bool sl_conf_in_transaction(const struct sl_conf *conf);

/* Changed paths of the current (or last) transaction, in first-touch order. */
size_t sl_conf_change_count(const struct sl_conf *conf);
/* Path i: *tokens points to ntokens strings owned by conf (valid until the
 * next begin); *line the first line that touched it. -ERANGE past the end. */
int sl_conf_change_get(const struct sl_conf *conf, size_t i, const char *const **tokens,
	size_t *ntokens, unsigned *line);

/*
 * What a changed path is: the schema's object kinds, so that readers switch
 * on a kind instead of comparing tokens (one more schema level then cannot
 * silently break them). Area kinds are paths above the objects (a `delete`
 * of a whole area); the keys of a change are filled as the kind says.
 */
enum sl_conf_obj_kind {
	SL_CHG_OTHER, /* none of the below (`system ...`: no RIB object) */
	SL_CHG_INTERFACES, /* [interfaces], [interfaces ethernet]: any interface */
	SL_CHG_INTERFACE, /* interfaces ethernet ETH: iface = name = ETH */
	SL_CHG_VIF, /* interfaces ethernet ETH vif V: iface = ETH, name = V */
	SL_CHG_VRFS, /* [vrf], [vrf name]: any VRF */
	SL_CHG_VRF, /* vrf name V, the whole VRF: vrf = name = V */
	SL_CHG_VRF_TABLE, /* vrf name V table: vrf = V */
	SL_CHG_VRF_DESCRIPTION, /* vrf name V description: vrf = V */
	SL_CHG_VRF_LEAK_FIREWALL, /* vrf name V leak-firewall: vrf = V */
	SL_CHG_VRF_IP, /* vrf name V ip (answer-across-leaks): vrf = V */
	SL_CHG_VRF_LEAK_NAT, /* vrf name V leak-nat: vrf = V */
	SL_CHG_VRF_BGP, /* vrf name V protocols bgp: vrf = V */
	SL_CHG_STATICS, /* [protocols], [protocols static ...]: the default VRF's routes */
	SL_CHG_STATIC_ROUTE, /* [vrf name V] protocols static route P: vrf = V (NULL:
			      * the default VRF), name = P */
	SL_CHG_POLICIES, /* [policy]: every prefix-list and route-map */
	SL_CHG_PREFIX_LISTS, /* [policy prefix-list] */
	SL_CHG_PREFIX_LIST, /* policy prefix-list N: name = N */
	SL_CHG_ROUTE_MAPS, /* [policy route-map] */
	SL_CHG_ROUTE_MAP, /* policy route-map N: name = N */
	SL_CHG_FIREWALL, /* [firewall], [firewall ipv4], [firewall ipv4 name] */
	SL_CHG_RULESET, /* firewall ipv4 name N: name = N */
	SL_CHG_INTENTS, /* [policy intent] */
	SL_CHG_INTENT, /* policy intent N: name = N */
};

/* A changed path as a typed record. Strings are owned by conf (valid until
 * the next begin); keys the kind does not name are NULL. */
struct sl_conf_change {
	enum sl_conf_obj_kind kind;
	const char *vrf; /* the VRF the path is in (vrf name V ...) */
	const char *iface; /* the interface the path is in (interfaces ethernet ETH ...) */
	const char *name; /* the object's own key: ETH, V (vif or VRF), P, N */
	const char *const *tokens; /* the path itself */
	size_t ntokens;
	unsigned line; /* the first line that touched it */
};
/* Change i as a typed record; 0 or -ERANGE past the end. */
int sl_conf_change_at(const struct sl_conf *conf, size_t i, struct sl_conf_change *out);
/* The node at change i's path, known while the transaction is open and the
 * node that was recorded is still in the tree; NULL: look the path up. It
 * spares a reader of a big change the lookups by path, each a few cache
 * misses in a big table (a VRF's routes). */
const struct sl_conf_node *sl_conf_change_node(const struct sl_conf *conf, size_t i);
/* Start loading change i's recorded node into the cache (a reader that goes
 * through the changes in order asks a few ahead). */
void sl_conf_change_prefetch(const struct sl_conf *conf, size_t i);

/* Forget the last transaction's changed paths once its readers are done, so
 * that the next sl_conf_begin() does not pay for freeing a big one (a load
 * of 1M lines: ~150 ms in the next one-line commit). No-op in a transaction. */
void sl_conf_changes_release(struct sl_conf *conf);

/* ---- Reading the tree. Node pointers stay valid until the node is removed
 * (by a line, or by an abort of the transaction that created it). ---- */

const struct sl_conf_node *sl_conf_root(const struct sl_conf *conf);
/* Node at path (n tokens from the root); NULL when absent. */
const struct sl_conf_node *sl_conf_find(
	const struct sl_conf *conf, const char *const *path, size_t n);
/* Same, path given as NULL-terminated arguments: sl_conf_findv(c, "vrf", "name", "A", NULL). */
const struct sl_conf_node *sl_conf_findv(const struct sl_conf *conf, ...) __attribute__((sentinel));
/* Child by name, O(1). NULL when absent. */
const struct sl_conf_node *sl_conf_child(const struct sl_conf_node *node, const char *name);
const char *sl_conf_node_name(const struct sl_conf_node *node);
const struct sl_conf_node *sl_conf_node_parent(const struct sl_conf_node *node);
size_t sl_conf_child_count(const struct sl_conf_node *node);
/* Unordered, fast iteration: start with *cursor = 0; NULL at the end. Do not
 * change the tree while iterating. */
const struct sl_conf_node *sl_conf_child_next(const struct sl_conf_node *node, size_t *cursor);
/* Children in canonical order (keywords in schema order, values naturally:
 * numbers numerically, addresses/prefixes by address then length, names by
 * strcmp). *out is malloc'ed (free it); 0 or -ENOMEM. */
int sl_conf_children_sorted(
	const struct sl_conf_node *node, const struct sl_conf_node ***out, size_t *n);
/* The single value of leaf `leaf` under node ("table" → "10"); NULL if unset. */
const char *sl_conf_leaf_value(const struct sl_conf_node *node, const char *leaf);
/* True when child `name` exists (valueless leaves: "disable", "blackhole"). */
bool sl_conf_has(const struct sl_conf_node *node, const char *name);
/* The values of multi leaf `leaf` under node, sorted canonically: *out is a
 * malloc'ed array of n strings owned by the tree (free only the array).
 * n = 0 and *out = NULL when unset. 0 or -ENOMEM. */
int sl_conf_leaf_values(
	const struct sl_conf_node *node, const char *leaf, const char ***out, size_t *n);

/* Render the tree as `set` lines in canonical order; loading them gives the
 * identical tree. 0 or -EIO. */
int sl_conf_render(const struct sl_conf *conf, FILE *out);
/* Same, into a malloc'ed string (free it); NULL with errno on failure. */
char *sl_conf_render_str(const struct sl_conf *conf);

/*
 * Notices of the current (or last) transaction: one per VyOS keyword it used
 * that sluice accepts without effect (`label vpn export`, `protocols bgp
 * system-as`, `import vpn`, ...), at the first line that used it, counting
 * the others. Appended to out as warnings (not errors); returns how many.
 */
size_t sl_conf_notices(const struct sl_conf *conf, struct sl_errors *out);

/*
 * Whole-configuration advice, appended to out as warnings (nothing is
 * refused): two VRFs with the same RD; prefix-lists and route-maps applied
 * nowhere (a route-map no `route-map vpn import|export` names, a prefix-list
 * no applied route-map matches); rules without `action` in such unapplied
 * policies (refused once applied); static leaks (`route P interface I vrf Z`,
 * `next-hop A vrf Z`) into a VRF whose BGP import has a route-map, which
 * that route-map does not filter. Inside a transaction each warning carries
 * the line that created what it names (0 for what is older); outside, 0.
 * Costs a walk of the policies, the VRFs and the static routes of VRFs with
 * an import route-map. Returns how many warnings it added.
 */
size_t sl_conf_lint(const struct sl_conf *conf, struct sl_errors *out);

/* Syntax/schema check of one line without a transaction or any change
 * (references are not checked). 0 or -EINVAL with the error appended. */
int sl_conf_check_line(const char *line, unsigned lineno, struct sl_errors *errs);

/* ---- Differences (conf_diff.c): a candidate against its base ---- */

/*
 * The lines that take a tree equal to `from` to one equal to `to`, as one
 * transaction: first the `delete` lines (the highest node `to` lacks; none
 * for the old value of a single-valued leaf that `to` sets anew), then the
 * `set` lines (each rendered line of `to` that `from` lacks, and a node `to`
 * keeps bare whose children all go, as their delete may prune it). Executed
 * in order on `from` they give `to` (byte-identical rendering). Returns how
 * many lines, or -ENOMEM / -EIO.
 */
long sl_conf_diff(const struct sl_conf *from, const struct sl_conf *to, FILE *out);
/* Same, into a malloc'ed string (free it); *nlines (may be NULL) their
 * number. NULL with errno on failure. */
char *sl_conf_diff_str(const struct sl_conf *from, const struct sl_conf *to, long *nlines);

/*
 * Both renderings merged in canonical order, each line marked: "+ set ..."
 * only in `to`, "- set ..." only in `from`, "  set ..." in both (printed
 * only when all). Returns the number of marked lines, or -ENOMEM / -EIO.
 */
long sl_conf_compare(const struct sl_conf *from, const struct sl_conf *to, bool all, FILE *out);

/* ---- Completion and abbreviations (conf_complete.c), for the CLI ---- */

/* One choice at the cursor: word is what to insert, or a placeholder in
 * angle brackets ("<value>") when any value of a type fits; help is one
 * line. Both are valid only during the call. */
typedef void sl_conf_choice_fn(void *ctx, const char *word, const char *help);

/*
 * The choices for the word being typed after `set`/`delete` words[0..n)
 * (the words after the verb; keywords may be abbreviated): the keywords,
 * enum words and known names (values at that position in conf, and the
 * objects a reference names: VRFs, interfaces, prefix-lists, route-maps,
 * firewall rulesets) that start with prefix, plus a "<value>" placeholder
 * with the type's valid text where a free value is expected. conf may be
 * NULL (no names). Returns the number of choices (cb called per choice, in
 * sorted order, duplicates dropped), or -EINVAL when words[0..n) do not
 * resolve (the reason, naming the bad word and the choices, in err).
 */
int sl_conf_complete(const struct sl_conf *conf, const char *const *words, int n,
	const char *prefix, sl_conf_choice_fn *cb, void *ctx, char *err, size_t errsz);

/*
 * Expand keyword abbreviations of the path words[0..n) (after `set`/
 * `delete`) in place: each word where a keyword is expected and that is the
 * unique prefix of one keyword becomes that keyword (a static string).
 * Values are left alone. 0, or -EINVAL with "ambiguous 'x' after 'path'
 * (could be: a, b)" / "unknown node 'x' after 'path' (valid: ...)" in err.
 */
int sl_conf_expand(const char **words, int n, char *err, size_t errsz);

/* The names of one kind of object configured in conf, sorted, each given
 * to cb with help naming the kind; returns how many. */
enum sl_conf_name_kind {
	SL_NAMES_VRF,
	SL_NAMES_IFACE, /* ethN and ethN.V */
	SL_NAMES_PREFIX_LIST,
	SL_NAMES_ROUTE_MAP,
	SL_NAMES_RULESET,
	SL_NAMES_INTENT,
};
int sl_conf_names(const struct sl_conf *conf, enum sl_conf_name_kind kind, const char *prefix,
	sl_conf_choice_fn *cb, void *ctx);

#endif
