/*
 * Exercise: waiting for the workers (exercises/pitfall_thread_wait).
 * This program does not do what README.md says: run
 * `make exercise NAME=pitfall_thread_wait`, find out why, and repair
 * it.
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

#define NWORKERS 3

/*
 * A worker's job. The main thread fills it in, and makes its immediate
 * event, before the worker starts; the worker writes the sum and hands
 * the job back with tevent_threaded_schedule_immediate(); from then on
 * only the main thread touches it.
 */
struct job {
	unsigned number;
	unsigned limit;
	unsigned long sum;	/* the worker's answer */
	struct tevent_threaded_context *tctx;
	struct tevent_immediate *im;
	unsigned *arrived;	/* the main thread's count of reports */
	pthread_t thread;
};

/* The sum of the decimal digits of every number below limit. */
static unsigned long digit_sum_below(unsigned limit)
{
	unsigned long sum = 0;
	unsigned n, m;

	for (n = 1; n < limit; n++) {
		for (m = n; m > 0; m /= 10) {
			sum += m % 10;
		}
	}
	return sum;
}

/* The report has arrived: this runs in the main thread. */
static void job_arrived(struct tevent_context *ev,
			struct tevent_immediate *im, void *private_data)
{
	struct job *job = talloc_get_type_abort(private_data, struct job);

	(void)ev;
	(void)im;
	*job->arrived += 1;
}

/* A worker: no talloc call, and one tevent call, made for threads. */
static void *worker(void *arg)
{
	struct job *job = arg;

	job->sum = digit_sum_below(job->limit);
	tevent_threaded_schedule_immediate(job->tctx, job->im, job_arrived,
					   job);
	return NULL;
}

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

/* Prepare the jobs and start a worker for each; returns how many
 * started (each will report exactly once). */
static unsigned start_workers(TALLOC_CTX *mem_ctx,
			      struct tevent_threaded_context *tctx,
			      unsigned *arrived, struct job **jobs)
{
	unsigned i, limit = 1000;

	for (i = 0; i < NWORKERS; i++, limit *= 10) {
		struct job *job = talloc_zero(mem_ctx, struct job);

		if (job == NULL) {
			break;
		}
		job->number = i + 1;
		job->limit = limit;
		job->tctx = tctx;
		job->arrived = arrived;
		job->im = tevent_create_immediate(job);
		if (job->im == NULL ||
		    pthread_create(&job->thread, NULL, worker, job) != 0) {
			TALLOC_FREE(job);
			break;
		}
		jobs[i] = job;
	}
	return i;
}

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	struct tevent_threaded_context *tctx;
	struct job *jobs[NWORKERS] = { NULL };
	unsigned i, started, arrived = 0;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	tctx = (ev == NULL) ? NULL :
		tevent_threaded_context_create(mem_ctx, ev);
	if (tctx == NULL) {
		goto nomem;
	}
	started = start_workers(mem_ctx, tctx, &arrived, jobs);
	printf("main: %u workers started\n", started);

	/* Wait for the workers to finish: then every report is sent. */
	for (i = 0; i < started; i++) {
		pthread_join(jobs[i]->thread, NULL);
	}
	/* The workers are done with the threaded context. */
	TALLOC_FREE(tctx);
	/* Turn the loop until every report has arrived. */
	while (arrived < started) {
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "tevent_loop_once failed\n");
			exit(1);	/* reports pending: no teardown */
		}
	}
	printf("main: %u of %u reports arrived\n", arrived, started);
	if (arrived < started) {
		fprintf(stderr, "main: a report is missing\n");
		exit(1);	/* reports pending: no teardown */
	}
	if (started < NWORKERS) {
		goto nomem;
	}
	for (i = 0; i < NWORKERS; i++) {
		printf("worker %u: the digits below %u add up to %lu\n",
		       jobs[i]->number, jobs[i]->limit, jobs[i]->sum);
	}
	talloc_free(mem_ctx);
	return 0;

nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
