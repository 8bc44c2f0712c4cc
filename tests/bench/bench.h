/*
 * bench.h - what every benchmark of tests/bench shares: a clock, the
 * median and range of a series, and the result lines.
 *
 * A benchmark prints its measurements on stdout, one a line, as three
 * fields separated by tabs: NAME, VALUE, UNIT (tests/bench/run.sh
 * collects them into tests/bench/results.txt). Each value measured over
 * repetitions comes as three lines: NAME.median, NAME.min, NAME.max.
 *
 * SPDX-License-Identifier: MIT-0
 */
#ifndef BENCH_H
#define BENCH_H

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Nanoseconds on clock clk: CLOCK_MONOTONIC for wall time, or
 * CLOCK_THREAD_CPUTIME_ID for the CPU time of this thread, which does
 * not count the time other programs had the core. */
static inline double bench_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a;
	double y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Keep freed memory in the process, as a server that has run for a while
 * has it. Otherwise glibc gives the top of its heap back to the kernel
 * whenever a run frees more than 128 KiB there, and the next run pays a
 * page fault for each 4 KiB page it touches anew: on a virtual machine
 * that costs more than all of tevent's work for the requests on it.
 */
static inline void bench_keep_heap(void)
{
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
	mallopt(M_MMAP_THRESHOLD, 1 << 30);
}

/* Sorts v[0..n-1] in place and returns its median. */
static inline double bench_median(double *v, size_t n)
{
	qsort(v, n, sizeof(v[0]), bench_cmp);
	if (n % 2 == 1) {
		return v[n / 2];
	}
	return (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One result line. */
static inline void bench_put(const char *name, double value,
			     const char *unit)
{
	printf("%s\t%.4g\t%s\n", name, value, unit);
}

/* NAME.median, NAME.min and NAME.max of the series v[0..n-1] (sorted
 * in place). */
static inline void bench_put_series(const char *name, double *v, size_t n,
				    const char *unit)
{
	char key[128];
	double med = bench_median(v, n);

	snprintf(key, sizeof(key), "%s.median", name);
	bench_put(key, med, unit);
	snprintf(key, sizeof(key), "%s.min", name);
	bench_put(key, v[0], unit);
	snprintf(key, sizeof(key), "%s.max", name);
	bench_put(key, v[n - 1], unit);
}

/* The number argument of option opt, at least min, or exit 2. */
static inline unsigned long bench_number(const char *prog, int opt,
					 const char *arg, unsigned long min)
{
	char *end;
	unsigned long n = strtoul(arg, &end, 10);

	if (end == arg || *end != '\0' || n < min) {
		fprintf(stderr, "%s: -%c needs a number >= %lu\n", prog, opt,
			min);
		exit(2);
	}
	return n;
}

#endif
