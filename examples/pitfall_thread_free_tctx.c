/*
 * pitfall_thread_free_tctx.c - freeing the threaded context while a
 * worker's report is still on its way.
 *
 * A worker sends a report with tevent_threaded_schedule_immediate().
 * The mistake, run in a child process, frees the threaded context
 * before the loop has picked the report up: the report never arrives,
 * and its immediate event can no longer be freed (tevent aborts). The
 * fix frees the threaded context after the last report. Explained on
 * the page "Pitfalls with threads".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_thread_free_tctx.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/* A worker's report: prepared by the main thread, sent by the worker. */
struct report {
	struct tevent_threaded_context *tctx;
	struct tevent_immediate *im;
	bool arrived;
};

static void report_arrived(struct tevent_context *ev,
			   struct tevent_immediate *im, void *private_data)
{
	struct report *r = talloc_get_type_abort(private_data,
						 struct report);

	(void)ev;
	(void)im;
	r->arrived = true;
}

static void *worker_main(void *arg)
{
	struct report *r = arg;

	tevent_threaded_schedule_immediate(r->tctx, r->im, report_arrived, r);
	return NULL;
}

static void timer_fired(struct tevent_context *ev, struct tevent_timer *te,
			struct timeval now, void *private_data)
{
	bool *fired = private_data;

	(void)ev;
	(void)te;
	(void)now;
	*fired = true;
}

/* Turn the loop for ms milliseconds, or until the report arrives. */
static bool wait_for_report(struct tevent_context *ev, struct report *r,
			    unsigned ms)
{
	bool fired = false;
	struct tevent_timer *te;

	te = tevent_add_timer(ev, r, tevent_timeval_current_ofs(0, ms * 1000),
			      timer_fired, &fired);
	if (te == NULL) {
		return false;
	}
	while (!fired && !r->arrived) {
		if (tevent_loop_once(ev) != 0) {
			return false;
		}
	}
	if (!fired) {
		TALLOC_FREE(te);
	}
	return true;
}

/* A context, a threaded context and a report that a worker has sent
 * (the worker has ended). NULL if something failed. */
static struct report *report_sent(TALLOC_CTX *mem_ctx,
				  struct tevent_context *ev)
{
	struct report *r = talloc_zero(mem_ctx, struct report);
	pthread_t thread;

	if (r == NULL) {
		return NULL;
	}
	r->tctx = tevent_threaded_context_create(mem_ctx, ev);
	r->im = tevent_create_immediate(r);
	if (r->tctx == NULL || r->im == NULL ||
	    pthread_create(&thread, NULL, worker_main, r) != 0) {
		return NULL;	/* (mem_ctx goes soon: no report is sent) */
	}
	pthread_join(thread, NULL);
	return r;
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

/*! [mistake] */
/* In a child process: exit status 3 if it could not set up, 10 if the
 * report arrived, 11 if it did not and its immediate could be freed. */
static void mistake(const char *backend)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct tevent_context *ev = NULL;
	struct report *r = NULL;

	if (mem_ctx != NULL) {
		ev = tevent_context_init_byname(mem_ctx, backend);
	}
	if (ev != NULL) {
		r = report_sent(mem_ctx, ev);
	}
	if (r == NULL) {
		_exit(3);
	}
	TALLOC_FREE(r->tctx);		/* wrong: the report is on its way */
	if (!wait_for_report(ev, r, 20)) {
		_exit(3);
	}
	if (r->arrived) {
		_exit(10);
	}
	TALLOC_FREE(r->im);		/* tevent aborts here */
	_exit(11);
}
/*! [mistake] */

static bool run_mistake(const char *backend)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid == -1) {
		return false;
	}
	if (pid == 0) {
		mistake(backend);
	}
	if (waitpid(pid, &status, 0) != pid) {
		return false;
	}
	printf("mistake: free the threaded context, then turn the loop\n");
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT) {
		printf("  the report did not arrive; freeing its immediate "
		       "aborted the process\n");
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 11) {
		printf("  the report did not arrive; its immediate was "
		       "freed\n");
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 10) {
		printf("  the report arrived\n");
	} else {
		return false;	/* the child could not set up */
	}
	return true;
}

/*! [fix] */
static bool fix(TALLOC_CTX *mem_ctx, const char *backend)
{
	struct tevent_context *ev;
	struct report *r;

	ev = tevent_context_init_byname(mem_ctx, backend);
	r = (ev == NULL) ? NULL : report_sent(mem_ctx, ev);
	if (r == NULL) {
		return false;
	}
	if (!wait_for_report(ev, r, 20)) {
		fprintf(stderr, "out of memory\n");
		exit(1);	/* a report is on its way: no teardown */
	}
	if (!r->arrived) {
		fprintf(stderr, "the report did not arrive\n");
		exit(1);	/* its immediate cannot be freed */
	}
	printf("fix: turn the loop until the report is in, then free\n");
	printf("  the report arrived\n");
	TALLOC_FREE(r->tctx);	/* right: nothing is on its way */
	return true;
}
/*! [fix] */

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx;

	if (!run_mistake(backend)) {
		fprintf(stderr, "the child could not set up\n");
		return 1;
	}
	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL || !fix(mem_ctx, backend)) {
		fprintf(stderr, "out of memory\n");
		talloc_free(mem_ctx);
		return 1;
	}
	talloc_free(mem_ctx);
	return 0;
}
