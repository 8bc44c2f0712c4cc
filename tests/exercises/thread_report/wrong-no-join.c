/*
 * Exercise: answers from worker threads (exercises/thread_report).
 * Write run_jobs(), its workers and the handler of their reports where
 * the comments say; README.md says what they do, and
 * `make exercise NAME=thread_report` checks the program.
 *
 * SPDX-License-Identifier: MIT-0
 */
/*
 * Build:
 * cc start.c $(pkg-config --cflags --libs tevent talloc)
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

#define NJOBS 3

/*
 * Collatz's chain from n: n / 2 if n is even, 3 n + 1 if it is odd,
 * until 1. Sets *best to the start below limit whose chain takes the
 * most steps, and *steps to their number. No talloc, no tevent: a
 * worker may call it.
 */
static void longest_chain(unsigned limit, unsigned *best, unsigned *steps)
{
	unsigned n, s;

	*best = 1;
	*steps = 0;
	for (n = 1; n < limit; n++) {
		unsigned long long x = n;

		for (s = 0; x != 1; s++) {
			x = (x % 2 == 0) ? x / 2 : 3 * x + 1;
		}
		if (s > *steps) {
			*best = n;
			*steps = s;
		}
	}
}

/* ---- The jobs: your part ---------------------------------------------- */

/*
 * One job. main() fills in number and limit before run_jobs(); the
 * worker writes best and steps; the handler of its report, in the main
 * thread, sets reported. Add the fields your code needs.
 */
struct job {
	unsigned number;
	unsigned limit;
	unsigned best;
	unsigned steps;
	bool reported;
	/* set by the main thread before the worker starts */
	struct tevent_threaded_context *tctx;
	struct tevent_immediate *im;
	unsigned *count;	/* run_jobs()'s count of reports */
	pthread_t thread;
};

/* The handler of a report: it runs in the main thread. */
static void job_reported(struct tevent_context *ev,
			 struct tevent_immediate *im, void *private_data)
{
	struct job *job = talloc_get_type_abort(private_data, struct job);

	(void)ev;
	(void)im;
	job->reported = true;
	*job->count += 1;
}

/* A worker: it computes, then hands its job back to the main thread. */
static void *job_worker(void *arg)
{
	struct job *job = arg;

	longest_chain(job->limit, &job->best, &job->steps);
	tevent_threaded_schedule_immediate(job->tctx, job->im, job_reported,
					   job);
	return NULL;
}

/*
 * Start a worker per job, and return when every worker has reported and
 * ended: true, or false if not every worker could be started.
 */
static bool run_jobs(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		     struct job **jobs, unsigned njobs)
{
	struct tevent_threaded_context *tctx;
	unsigned i, started = 0, count = 0;

	tctx = tevent_threaded_context_create(mem_ctx, ev);
	if (tctx == NULL) {
		return false;
	}
	for (i = 0; i < njobs; i++) {
		struct job *job = jobs[i];

		job->tctx = tctx;
		job->count = &count;
		job->im = tevent_create_immediate(job);
		if (job->im == NULL ||
		    pthread_create(&job->thread, NULL, job_worker, job) != 0) {
			break;
		}
		started += 1;
	}
	/* Count the reports: one on its way is no event to the loop yet. */
	while (count < started) {
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "tevent_loop_once failed\n");
			exit(1);	/* reports pending: no teardown */
		}
	}
	/* Every worker has reported: they are done. */
	TALLOC_FREE(tctx);
	return started == njobs;
}

/* ---- main(): you need not change what follows --------------------------- */
/*! [backend] */
/*
 * The command line: "-b BACKEND" runs the program on that tevent
 * backend, one of those that tevent_backend_list() names; without it,
 * on tevent's default, unless main() names another. A bad argument ends
 * the program with a usage line on stderr and exit status 2.
 */
static void usage(const char *prog)
{
	const char **names = tevent_backend_list(NULL);
	size_t i;

	fprintf(stderr, "usage: %s [-b BACKEND]; BACKEND is one of:", prog);
	for (i = 0; names != NULL && names[i] != NULL; i++) {
		fprintf(stderr, " %s", names[i]);
	}
	fprintf(stderr, "\n");
	talloc_free(names);
	exit(2);
}

static const char *backend_from_args(int argc, char **argv)
{
	const char **names;
	const char *backend = NULL;
	bool known = false;
	size_t i;
	int opt;

	opterr = 0;		/* usage() says it all, in one line */
	while ((opt = getopt(argc, argv, "b:")) != -1) {
		if (opt != 'b') {
			usage(argv[0]);
		}
		backend = optarg;
	}
	if (optind != argc) {
		usage(argv[0]);
	}
	if (backend == NULL) {
		return NULL;
	}
	names = tevent_backend_list(NULL);
	for (i = 0; names != NULL && names[i] != NULL; i++) {
		known = known || strcmp(names[i], backend) == 0;
	}
	talloc_free(names);
	if (!known) {
		usage(argv[0]);
	}
	return backend;
}
/*! [backend] */

int main(int argc, char **argv)
{
	static const unsigned limits[NJOBS] = { 100, 1000, 10000 };
	const char *backend = backend_from_args(argc, argv);
	struct job *jobs[NJOBS];
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	unsigned i;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	if (ev == NULL) {
		goto fail;
	}
	for (i = 0; i < NJOBS; i++) {
		jobs[i] = talloc_zero(mem_ctx, struct job);
		if (jobs[i] == NULL) {
			goto fail;
		}
		jobs[i]->number = i + 1;
		jobs[i]->limit = limits[i];
	}
	printf("main: %u jobs, a worker thread each\n", NJOBS);
	if (!run_jobs(mem_ctx, ev, jobs, NJOBS)) {
		goto fail;
	}
	for (i = 0; i < NJOBS; i++) {
		if (!jobs[i]->reported) {
			fprintf(stderr, "main: job %u has not reported\n",
				jobs[i]->number);
			exit(1);	/* a report may be on its way: no teardown */
		}
	}
	printf("main: all %u jobs reported\n", NJOBS);
	for (i = 0; i < NJOBS; i++) {
		printf("job %u: below %u, %u has the longest chain: %u steps\n",
		       jobs[i]->number, jobs[i]->limit, jobs[i]->best,
		       jobs[i]->steps);
	}
	talloc_free(mem_ctx);
	return 0;

fail:
	fprintf(stderr, "out of memory, or the loop failed\n");
	talloc_free(mem_ctx);
	return 1;
}
