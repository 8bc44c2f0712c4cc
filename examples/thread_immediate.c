/*
 * thread_immediate.c - worker threads report back to the main thread's
 * event loop with tevent_threaded_schedule_immediate().
 *
 * The main thread owns the event context. It prepares three jobs, each
 * with an immediate event of its own, and starts a worker thread per
 * job. A worker counts primes, then hands its job back through a
 * threaded context; the handler runs in the main thread, which prints
 * the results in job order. Explained on the page "Reporting back from
 * a thread".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc thread_immediate.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
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

/*! [job] */
/*
 * One job. The main thread fills in the first part and allocates the
 * immediate before it starts the worker; from then on only the worker
 * touches the job, until it hands it back with
 * tevent_threaded_schedule_immediate(). After that only the main thread
 * does.
 */
struct job {
	/* set by the main thread before the worker starts */
	unsigned number;
	unsigned limit;
	pthread_t main_thread;
	struct tevent_threaded_context *tctx;
	struct tevent_immediate *im;
	unsigned *reported;		/* the main thread's counter */
	/* set by the worker */
	unsigned primes;
	bool worker_in_main_thread;
	/* set by the handler, in the main thread */
	bool handler_in_main_thread;
};
/*! [job] */

static unsigned count_primes(unsigned limit)
{
	unsigned n, d, count = 0;

	for (n = 2; n < limit; n++) {
		for (d = 2; d * d <= n && n % d != 0; d++) {
		}
		if (d * d > n) {
			count += 1;
		}
	}
	return count;
}

static void job_reported(struct tevent_context *ev,
			 struct tevent_immediate *im, void *private_data);

/*! [worker] */
/* The worker thread: no talloc calls, no tevent calls but one. */
static void *job_worker(void *arg)
{
	struct job *job = arg;

	job->worker_in_main_thread =
		pthread_equal(pthread_self(), job->main_thread);
	job->primes = count_primes(job->limit);

	/* Hand the job back; the handler runs in the main thread. */
	tevent_threaded_schedule_immediate(job->tctx, job->im,
					   job_reported, job);
	return NULL;
}
/*! [worker] */

/*! [handler] */
/* Runs in the thread that turns the event loop: the main thread. */
static void job_reported(struct tevent_context *ev,
			 struct tevent_immediate *im, void *private_data)
{
	struct job *job = talloc_get_type_abort(private_data, struct job);

	(void)ev;
	(void)im;
	job->handler_in_main_thread =
		pthread_equal(pthread_self(), job->main_thread);
	*job->reported += 1;
}
/*! [handler] */
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

static const char *thread_name(bool in_main_thread)
{
	return in_main_thread ? "the main thread" : "a worker thread";
}

/*! [start] */
/* Prepare the jobs and start one worker per job; returns how many
 * workers were started (each will report exactly once). */
static unsigned start_workers(TALLOC_CTX *mem_ctx,
			      struct tevent_threaded_context *tctx,
			      unsigned *reported, struct job **jobs,
			      pthread_t *threads)
{
	unsigned i;

	for (i = 0; i < NJOBS; i++) {
		struct job *job = talloc_zero(mem_ctx, struct job);

		if (job == NULL) {
			break;
		}
		job->number = i + 1;
		job->limit = 10000 * (i + 1);
		job->main_thread = pthread_self();
		job->tctx = tctx;
		job->reported = reported;
		job->im = tevent_create_immediate(job);
		if (job->im == NULL ||
		    pthread_create(&threads[i], NULL, job_worker, job) != 0) {
			TALLOC_FREE(job);
			break;
		}
		jobs[i] = job;
	}
	return i;
}
/*! [start] */

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	struct tevent_threaded_context *tctx;
	struct job *jobs[NJOBS] = { NULL };
	pthread_t threads[NJOBS];
	unsigned i, started, reported = 0;
	int ret = 0;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	/*! [main] */
	ev = tevent_context_init_byname(mem_ctx, backend);
	if (ev == NULL) {
		goto nomem;
	}
	tctx = tevent_threaded_context_create(mem_ctx, ev);
	if (tctx == NULL) {
		goto nomem;
	}

	started = start_workers(mem_ctx, tctx, &reported, jobs, threads);
	printf("main: %u workers started, the main thread turns the loop\n",
	       started);

	/* Not tevent_loop_wait(): a report on its way is no event yet. */
	while (reported < started) {
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "tevent_loop_once failed\n");
			exit(1);	/* reports pending: no teardown */
		}
	}
	for (i = 0; i < started; i++) {
		pthread_join(threads[i], NULL);
	}
	if (started < NJOBS) {
		goto nomem;
	}

	printf("main: all %u reports arrived\n", reported);
	for (i = 0; i < NJOBS; i++) {
		struct job *job = jobs[i];

		printf("job %u: %u primes below %u\n", job->number,
		       job->primes, job->limit);
		printf("  counted in %s, handled in %s\n",
		       thread_name(job->worker_in_main_thread),
		       thread_name(job->handler_in_main_thread));
	}
	/* Every report has arrived: the threaded context can go. */
	TALLOC_FREE(tctx);
	/*! [main] */
	talloc_free(mem_ctx);
	return ret;

nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
