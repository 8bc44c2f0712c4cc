/*
 * ir_queue.c - one request path, run N times, for callgrind to count.
 *
 *   ir_queue [-p PATH] N
 *
 * PATH is one of those of tests/bench/requests.h: queue_one (the
 * default: the queue, one request at a time, the very code that
 * bench_cost times), post, immediate, lifecycle, queue_filled. The
 * work happens inside ir_run(), which tests/bench/ir.sh has callgrind
 * count alone (--toggle-collect); two runs with different N give the
 * instructions per request without the cost of starting up.
 *
 * SPDX-License-Identifier: MIT-0
 */
#include <errno.h>
#include <unistd.h>

#include "bench.h"
#include "requests.h"

static const struct {
	const char *name;
	path_fn run;
} paths[] = {
	{ "queue_one", path_queue_one },
	{ "post", path_post },
	{ "immediate", path_immediate },
	{ "lifecycle", path_lifecycle },
	{ "queue_filled", path_queue_filled },
};

/* What callgrind counts. noinline: it must stay a function of its own,
 * with this name, for --toggle-collect to find it. */
__attribute__((noinline)) int ir_run(path_fn run, struct path_run *r)
{
	return run(r);
}

int main(int argc, char **argv)
{
	struct path_run r = { .n = 0 };
	path_fn run = paths[0].run;
	size_t i;
	int opt, err;

	while ((opt = getopt(argc, argv, "p:")) != -1) {
		for (i = 0; opt == 'p' && i < sizeof(paths) / sizeof(paths[0]);
		     i++) {
			if (strcmp(paths[i].name, optarg) == 0) {
				break;
			}
		}
		if (opt != 'p' || i == sizeof(paths) / sizeof(paths[0])) {
			fprintf(stderr, "usage: %s [-p PATH] N\n", argv[0]);
			return 2;
		}
		run = paths[i].run;
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: %s [-p PATH] N\n", argv[0]);
		return 2;
	}
	r.n = bench_number(argv[0], 'N', argv[optind], 1);

	r.mem_ctx = talloc_new(NULL);
	r.ev = tevent_context_init(r.mem_ctx);
	r.queue = tevent_queue_create(r.mem_ctx, "ir");
	if (r.mem_ctx == NULL || r.ev == NULL || r.queue == NULL) {
		fprintf(stderr, "ir_queue: cannot set up tevent\n");
		talloc_free(r.mem_ctx);
		return 1;
	}
	err = ir_run(run, &r);
	talloc_free(r.mem_ctx);
	if (err != 0 || r.sink != r.n) {
		fprintf(stderr, "ir_queue: the run failed: %s\n",
			err != 0 ? strerror(err) : "a request went missing");
		return 1;
	}
	printf("%lu requests, %lu loop turns\n", r.n, r.turns);
	return 0;
}
