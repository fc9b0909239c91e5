/* SPDX-License-Identifier: BSD-3-Clause */
/* Seeded random tests: say which seed and step were running when the
 * process takes a fatal signal or a sanitizer reports (cmocka reports only
 * the signal, a sanitizer only the stack). */
#ifndef SEED_CRASH_H
#define SEED_CRASH_H

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Sanitizers end the process with _exit after a report: their death
 * callback names the seed then. */
#if defined(__SANITIZE_ADDRESS__)
#define SEED_CRASH_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define SEED_CRASH_SANITIZER 1
#endif
#endif
#ifdef SEED_CRASH_SANITIZER
#include <sanitizer/common_interface_defs.h>
#endif

static char seed_crash_ctx[192];
static const int seed_crash_sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
static struct sigaction seed_crash_prev[sizeof(seed_crash_sigs) / sizeof(seed_crash_sigs[0])];

/* write(2): safe in a signal handler */
static inline void seed_crash_die(void)
{
	ssize_t rc = write(STDERR_FILENO, seed_crash_ctx, strlen(seed_crash_ctx));
	(void)rc;
}

/* Print the context, put the previous handler back and return: the faulting
 * instruction (or abort) raises the signal again, for cmocka or the default. */
static inline void seed_crash_handler(int sig)
{
	seed_crash_die();
	for (size_t i = 0; i < sizeof(seed_crash_sigs) / sizeof(seed_crash_sigs[0]); i++)
		if (seed_crash_sigs[i] == sig)
			sigaction(sig, &seed_crash_prev[i], NULL);
}

/* Call inside the test function (cmocka installs its handlers before it). */
static inline void seed_crash_install(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = seed_crash_handler;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(seed_crash_sigs) / sizeof(seed_crash_sigs[0]); i++)
		sigaction(seed_crash_sigs[i], &sa, &seed_crash_prev[i]);
#ifdef SEED_CRASH_SANITIZER
	__sanitizer_set_death_callback(seed_crash_die);
#endif
}

#ifdef SEED_CRASH_SANITIZER
/* UBSan calls this on every report; with gcc its runtime is a library of its
 * own, whose death callback the one above does not set. */
void __ubsan_on_report(void);
void __ubsan_on_report(void)
{
	seed_crash_die();
}
#endif

/* What is running now, printf-style ("seed 12 step 3\n"). */
static inline void seed_crash_context(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(seed_crash_ctx, sizeof(seed_crash_ctx), fmt, ap);
	va_end(ap);
}

#endif
