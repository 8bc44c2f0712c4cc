/*
 * pitfall_thread_loop_wait.c - tevent_loop_wait() does not wait for
 * reports that worker threads send with
 * tevent_threaded_schedule_immediate().
 *
 * Two workers each send one report. The mistake waits for them with
 * tevent_loop_wait(), which returns at once; the fix turns the loop with
 * tevent_loop_once() until every report has arrived. Explained on the
 * page "Pitfalls with threads".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_thread_loop_wait.c $(pkg-config --cflags --libs tevent talloc)
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

#define NWORKERS 2

/* A worker's report: prepared by the main thread, sent by the worker. */
struct report {
	struct tevent_threaded_context *tctx;
	struct tevent_immediate *im;
	unsigned *received;
};

static void report_arrived(struct tevent_context *ev,
			   struct tevent_immediate *im, void *private_data)
{
	struct report *r = talloc_get_type_abort(private_data,
						 struct report);

	(void)ev;
	(void)im;
	*r->received += 1;
}

static void *worker_main(void *arg)
{
	struct report *r = arg;

	tevent_threaded_schedule_immediate(r->tctx, r->im, report_arrived, r);
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

/* Prepare the reports and start the workers; returns how many started. */
static unsigned start_workers(TALLOC_CTX *mem_ctx,
			      struct tevent_threaded_context *tctx,
			      unsigned *received, pthread_t *threads)
{
	unsigned i;

	for (i = 0; i < NWORKERS; i++) {
		struct report *r = talloc_zero(mem_ctx, struct report);

		if (r == NULL) {
			break;
		}
		r->tctx = tctx;
		r->received = received;
		r->im = tevent_create_immediate(r);
		if (r->im == NULL ||
		    pthread_create(&threads[i], NULL, worker_main, r) != 0) {
			TALLOC_FREE(r);
			break;
		}
	}
	return i;
}

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	struct tevent_threaded_context *tctx;
	pthread_t threads[NWORKERS];
	unsigned i, started, received = 0;
	int ret;

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
	started = start_workers(mem_ctx, tctx, &received, threads);

	/*! [mistake] */
	/* Wrong: a report on its way is no event to tevent_loop_wait(). */
	ret = tevent_loop_wait(ev);
	printf("mistake: tevent_loop_wait() returned %d\n", ret);
	printf("  reports received: %u of %u\n", received, started);
	/*! [mistake] */

	/*! [fix] */
	/* Right: count the reports, and turn the loop until all are in. */
	while (received < started) {
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "tevent_loop_once failed\n");
			exit(1);	/* reports pending: no teardown */
		}
	}
	printf("fix: tevent_loop_once() until every report arrived\n");
	printf("  reports received: %u of %u\n", received, started);
	/*! [fix] */

	for (i = 0; i < started; i++) {
		pthread_join(threads[i], NULL);
	}
	if (started < NWORKERS) {
		goto nomem;
	}
	TALLOC_FREE(tctx);
	talloc_free(mem_ctx);
	return 0;

nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
