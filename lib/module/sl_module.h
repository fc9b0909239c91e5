/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sl_module.h — declared start-up (plain C, no DPDK). Each part of a daemon
 * (ports, FIB, workers, slow path, control socket, ...) describes itself as
 * a module: a name, the names of the modules it needs, init and fini, and
 * optional hooks for the control loop. The file that implements a part
 * registers its module with SL_MODULE_REGISTER; the daemon's main only calls
 * sl_module_init_all, then the hooks, then sl_module_fini_all.
 *
 * sl_module_init_all runs the inits in an order where every module comes
 * after the modules it names (ties in name order, so the order does not
 * depend on link order). A missing dependency, two modules of one name or a
 * cycle start nothing and say why. When an init fails, the modules already
 * started are finalised in reverse order and the failing one is not: an init
 * that fails undoes its own work.
 */
#ifndef SL_MODULE_H
#define SL_MODULE_H

#include <stdbool.h>
#include <stddef.h>

struct sl_module {
	const char *name;
	/* names of the modules whose init must run first, separated by blanks;
	 * NULL or "": none */
	const char *deps;
	/* 0 or a negative errno; NULL: nothing to do. ctx: sl_module_init_all's. */
	int (*init)(void *ctx);
	void (*fini)(void *ctx); /* NULL: nothing to undo */
	/* control-loop hooks of a started module, called in start order; NULL: none */
	unsigned (*poll)(void *ctx); /* each loop: non-zero when it did (or wants) work */
	void (*timers)(void *ctx); /* every 10 ms or so */

	/* private to lib/module */
	struct sl_module *next; /* registration list */
	bool started;
};

struct sl_module_set {
	struct sl_module *head; /* in registration order (reversed) */
	struct sl_module **order; /* started modules, in start order */
	size_t n_order;
	const struct sl_module *failed; /* the init that failed in sl_module_init_all */
};

/* The process's modules (SL_MODULE_REGISTER adds to it). */
extern struct sl_module_set sl_modules;

/* Add m to set (m must outlive it). */
void sl_module_register(struct sl_module_set *set, struct sl_module *m);

/* Register a module of the process from the file that implements it. */
#define SL_MODULE_REGISTER(m)                                                       \
	static void __attribute__((constructor, used)) sl_module_register_##m(void) \
	{                                                                           \
		sl_module_register(&sl_modules, &(m));                              \
	}

/*
 * The start order into order[] (n: the number of modules registered; order
 * holds at least that many). 0, or a negative errno with msg saying why:
 * -EEXIST two modules of one name, -ENOENT a dependency no module has, -ELOOP
 * a cycle (msg names the modules in it or waiting on it).
 */
int sl_module_sort(const struct sl_module_set *set, struct sl_module **order, size_t n, char *msg,
	size_t msg_len);

/* Number of modules registered in set. */
size_t sl_module_count(const struct sl_module_set *set);

/*
 * Sort, then init each module in order. 0, or the negative errno of the sort
 * (msg says why, set->failed is NULL) or of the first init that failed
 * (set->failed; what went wrong is the init's to say); the modules started
 * before it are finalised then, in reverse order. Not to be called again
 * before sl_module_fini_all.
 */
int sl_module_init_all(struct sl_module_set *set, void *ctx, char *msg, size_t msg_len);

/* Finalise the started modules in reverse start order. Idempotent. */
void sl_module_fini_all(struct sl_module_set *set, void *ctx);

/* Run every started module's poll hook; the sum of what they returned. */
unsigned sl_module_poll_all(const struct sl_module_set *set, void *ctx);

/* Run every started module's timers hook. */
void sl_module_timers_all(const struct sl_module_set *set, void *ctx);

#endif
