/*
 * bench_cost.c - what a request costs: with a loop, with a queue.
 *
 * Six paths (tests/bench/requests.h), from a plain function call to a
 * request that waits in a tevent_queue, each run N times in a row.
 * After a warm-up run of each, every repetition runs all six, in an
 * order that rotates from one repetition to the next, so that a slow
 * moment of the machine falls on all of them alike. Time is the CPU
 * time of the thread; ratios are taken within each repetition, and
 * their median is reported. Also: the turns of the event loop
 * (tevent_loop_once() calls) that each path needs per request.
 *
 *   bench_cost [-b BACKEND] [-r REPS] [-n REQUESTS]
 *
 * Prints result lines (tests/bench/bench.h); make bench runs it.
 *
 * SPDX-License-Identifier: MIT-0
 */
#include <errno.h>
#include <unistd.h>

#include "bench.h"
#include "requests.h"

#define CALLS_PER_REQUEST 500	/* calls are cheap: run more of them */

static const struct path {
	const char *name;
	path_fn run;
} paths[] = {
	{ "call", path_call },
	{ "lifecycle", path_lifecycle },
	{ "immediate", path_immediate },
	{ "post", path_post },
	{ "queue_one", path_queue_one },
	{ "queue_filled", path_queue_filled },
};
#define NPATHS (sizeof(paths) / sizeof(paths[0]))
enum { CALL, LIFECYCLE, IMMEDIATE, POST, QUEUE_ONE, QUEUE_FILLED };

/* Ratios reported: paths[a] against paths[b]. */
static const struct { int a, b; } ratios[] = {
	{ LIFECYCLE, CALL }, { POST, IMMEDIATE }, { QUEUE_ONE, IMMEDIATE },
	{ QUEUE_ONE, POST }, { QUEUE_FILLED, IMMEDIATE },
	{ QUEUE_FILLED, QUEUE_ONE },
};
#define NRATIOS (sizeof(ratios) / sizeof(ratios[0]))

struct bench {
	struct tevent_context *ev;
	struct tevent_queue *queue;
	unsigned long n;
	double turns[NPATHS];	/* per request, from the last run */
};

/* Run path p once: its time per request, in ns; < 0 on failure. */
static double run_path(struct bench *b, size_t p)
{
	struct path_run r = {
		.ev = b->ev, .queue = b->queue, .n = b->n,
	};
	double t0, t1;
	int err;

	if (p == CALL) {
		r.n = b->n * CALLS_PER_REQUEST;
	}
	r.mem_ctx = talloc_new(NULL);
	if (r.mem_ctx == NULL) {
		return -1;
	}
	t0 = bench_ns(CLOCK_THREAD_CPUTIME_ID);
	err = paths[p].run(&r);
	t1 = bench_ns(CLOCK_THREAD_CPUTIME_ID);
	talloc_free(r.mem_ctx);
	if (err != 0 || r.sink != r.n) {
		fprintf(stderr, "bench_cost: %s failed: %s\n", paths[p].name,
			err != 0 ? strerror(err) : "a request went missing");
		return -1;
	}
	b->turns[p] = (double)r.turns / (double)r.n;
	return (t1 - t0) / (double)r.n;
}

/* The times of one repetition, per path. */
struct rep {
	double ns[NPATHS];
};

/* The warm-up, then reps repetitions of every path, into rep[]. */
static int measure(struct bench *b, struct rep *rep, unsigned reps)
{
	size_t p, i;
	unsigned k;

	for (p = 0; p < NPATHS; p++) {
		if (run_path(b, p) < 0) {
			return 1;
		}
	}
	for (k = 0; k < reps; k++) {
		for (i = 0; i < NPATHS; i++) {
			p = (i + k) % NPATHS;	/* rotate the order */
			rep[k].ns[p] = run_path(b, p);
			if (rep[k].ns[p] < 0) {
				return 1;
			}
		}
	}
	return 0;
}

static int bench_run(struct bench *b, unsigned reps)
{
	struct rep *rep = talloc_array(NULL, struct rep, reps);
	double *v = talloc_array(rep, double, reps);
	char name[64];
	size_t p, i;
	unsigned k;

	if (rep == NULL || v == NULL) {
		fprintf(stderr, "bench_cost: out of memory\n");
		talloc_free(rep);
		return 1;
	}
	if (measure(b, rep, reps) != 0) {
		talloc_free(rep);
		return 1;
	}
	for (p = 0; p < NPATHS; p++) {
		for (k = 0; k < reps; k++) {
			v[k] = rep[k].ns[p];
		}
		snprintf(name, sizeof(name), "cost.%s.ns", paths[p].name);
		bench_put_series(name, v, reps, "ns");
		snprintf(name, sizeof(name), "cost.%s.turns", paths[p].name);
		bench_put(name, b->turns[p], "turns/request");
	}
	for (i = 0; i < NRATIOS; i++) {
		for (k = 0; k < reps; k++) {
			v[k] = rep[k].ns[ratios[i].a] /
			       rep[k].ns[ratios[i].b];
		}
		snprintf(name, sizeof(name), "cost.ratio.%s_vs_%s",
			 paths[ratios[i].a].name, paths[ratios[i].b].name);
		bench_put_series(name, v, reps, "x");
	}
	bench_put("cost.requests_per_run", (double)b->n, "requests");
	bench_put("cost.repetitions", reps, "runs");
	talloc_free(rep);
	return 0;
}

int main(int argc, char **argv)
{
	struct bench b = { .n = 20000 };
	const char *backend = NULL;
	unsigned reps = 21;
	TALLOC_CTX *mem_ctx;
	int opt, ret;

	while ((opt = getopt(argc, argv, "b:r:n:")) != -1) {
		switch (opt) {
		case 'b':
			backend = optarg;
			break;
		case 'r':
			reps = bench_number(argv[0], opt, optarg, 1);
			break;
		case 'n':
			b.n = bench_number(argv[0], opt, optarg, 1);
			break;
		default:
			fprintf(stderr, "usage: %s [-b BACKEND] [-r REPS] "
				"[-n REQUESTS]\n", argv[0]);
			return 2;
		}
	}
	bench_keep_heap();
	mem_ctx = talloc_new(NULL);
	b.ev = tevent_context_init_byname(mem_ctx, backend);
	b.queue = tevent_queue_create(mem_ctx, "bench");
	if (mem_ctx == NULL || b.ev == NULL || b.queue == NULL) {
		fprintf(stderr, "bench_cost: cannot set up tevent\n");
		talloc_free(mem_ctx);
		return 1;
	}
	ret = bench_run(&b, reps);
	talloc_free(mem_ctx);
	return ret;
}
