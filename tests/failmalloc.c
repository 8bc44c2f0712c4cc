/*
 * failmalloc.so: preloaded into an example by `make check-oom`. It counts
 * the calls of malloc(), calloc() and realloc() from the moment it is
 * loaded, and makes call number FAILMALLOC_AT fail (return NULL, errno
 * ENOMEM). With FAILMALLOC_COUNT=FILE it writes the number of calls at
 * exit into FILE: the number of injection points of a clean run. With
 * FAILMALLOC_TRACE=FILE it writes, at the call that fails, the return
 * addresses of the stack (one a line, in hex) and then the process's
 * /proc/self/maps into FILE, so that exercises/check.sh can say which
 * line of a learner's program made that allocation.
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
#include <execinfo.h>
#include <fcntl.h>
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
static const char *trace_file;
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

/* trace(): the stack and the memory map, into trace_file (no malloc:
 * backtrace() was called once at start, and loaded what it needs). */
static void trace(void)
{
	void *frames[64];
	char line[32], buf[4096];
	int n, i, fd, maps, k;
	ssize_t got;
	uintptr_t a;

	fd = open(trace_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		return;
	}
	n = backtrace(frames, 64);
	for (i = 0; i < n; i++) {
		a = (uintptr_t)frames[i];
		k = sizeof(line);
		line[--k] = '\n';
		do {
			line[--k] = "0123456789abcdef"[a % 16];
			a /= 16;
		} while (a != 0);
		line[--k] = 'x';
		line[--k] = '0';
		(void)!write(fd, line + k, sizeof(line) - k);
	}
	(void)!write(fd, "maps\n", 5);
	maps = open("/proc/self/maps", O_RDONLY);
	while (maps >= 0 && (got = read(maps, buf, sizeof(buf))) > 0) {
		(void)!write(fd, buf, got);
	}
	if (maps >= 0) {
		close(maps);
	}
	close(fd);
}

/* 1 if this call is the one to fail. */
static int fail_now(void)
{
	calls += 1;
	if (fail_at != 0 && calls == fail_at) {
		if (trace_file != NULL) {
			trace();
		}
		return 1;
	}
	return 0;
}

static __attribute__((constructor)) void failmalloc_start(void)
{
	const char *at = getenv("FAILMALLOC_AT");

	resolve();
	count_file = getenv("FAILMALLOC_COUNT");
	trace_file = getenv("FAILMALLOC_TRACE");
	if (trace_file != NULL) {
		void *frame;

		backtrace(&frame, 1);	/* loads libgcc_s now, not later */
	}
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
