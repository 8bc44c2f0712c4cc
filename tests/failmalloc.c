/*
 * failmalloc.so: preloaded into an example by `make check-oom`. It counts
 * the calls of malloc(), calloc() and realloc() from the moment it is
 * loaded, and makes call number FAILMALLOC_AT fail (return NULL, errno
 * ENOMEM). With FAILMALLOC_COUNT=FILE it writes the number of calls at
 * exit into FILE: the number of injection points of a clean run.
 *
 * It sits in front of whatever malloc comes next (glibc's, or that of
 * AddressSanitizer), found with dlsym(RTLD_NEXT). dlsym itself may call
 * calloc before that is known; those calls are served from a small
 * static buffer and never freed.
 *
 * SPDX-License-Identifier: MIT-0
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *(*next_malloc)(size_t);
static void *(*next_calloc)(size_t, size_t);
static void *(*next_realloc)(void *, size_t);
static void (*next_free)(void *);

static unsigned long calls;
static unsigned long fail_at;
static const char *count_file;
static int resolving;

static _Alignas(16) char bootstrap[4096];
static size_t bootstrap_used;

static int in_bootstrap(const void *p)
{
	return (const char *)p >= bootstrap &&
	       (const char *)p < bootstrap + sizeof(bootstrap);
}

static void resolve(void)
{
	if (next_malloc != NULL || resolving) {
		return;
	}
	resolving = 1;
	next_malloc = dlsym(RTLD_NEXT, "malloc");
	next_calloc = dlsym(RTLD_NEXT, "calloc");
	next_realloc = dlsym(RTLD_NEXT, "realloc");
	next_free = dlsym(RTLD_NEXT, "free");
	resolving = 0;
}

/* 1 if this call is the one to fail. */
static int fail_now(void)
{
	calls += 1;
	return fail_at != 0 && calls == fail_at;
}

static __attribute__((constructor)) void failmalloc_start(void)
{
	const char *at = getenv("FAILMALLOC_AT");

	resolve();
	count_file = getenv("FAILMALLOC_COUNT");
	fail_at = (at != NULL) ? strtoul(at, NULL, 10) : 0;
	calls = 0;
}

static __attribute__((destructor)) void failmalloc_end(void)
{
	FILE *f;

	if (count_file == NULL) {
		return;
	}
	f = fopen(count_file, "w");	/* this allocates, after the count */
	if (f != NULL) {
		fprintf(f, "%lu\n", calls);
		fclose(f);
	}
}

void *malloc(size_t size)
{
	resolve();
	if (fail_now()) {
		errno = ENOMEM;
		return NULL;
	}
	return next_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	if (next_calloc == NULL) {	/* inside dlsym() */
		size_t total = (n * size + 15) & ~(size_t)15;

		if (bootstrap_used + total > sizeof(bootstrap)) {
			return NULL;
		}
		bootstrap_used += total;
		return memset(bootstrap + bootstrap_used - total, 0, total);
	}
	if (fail_now()) {
		errno = ENOMEM;
		return NULL;
	}
	return next_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	resolve();
	if (in_bootstrap(p)) {
		size_t room = (size_t)(bootstrap + sizeof(bootstrap) -
				       (char *)p);
		void *q = malloc(size);

		if (q != NULL) {
			memcpy(q, p, size < room ? size : room);
		}
		return q;
	}
	if (fail_now()) {
		errno = ENOMEM;
		return NULL;
	}
	return next_realloc(p, size);
}

void free(void *p)
{
	if (p == NULL || in_bootstrap(p)) {
		return;
	}
	resolve();
	next_free(p);
}
