/*
 * pitfall_data_freed_private.c - a timer whose private data is freed
 * before it fires.
 *
 * The wrong way hangs the timer off the event context: freeing the job
 * it works on leaves the timer armed, and its handler writes into the
 * freed job; valgrind reports the write. The right way hangs the timer
 * off the job, so that freeing the job cancels it. What the program
 * prints shows whether the handler ran. Explained on the page "Pitfalls
 * of passing data" (pitfalls_data).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_data_freed_private.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [job] */
struct job {
	char name[16];
	unsigned limit_ms;
	bool timed_out;
};

static unsigned handler_calls;	/* counted outside the job */

/* The job took too long. */
static void job_timed_out(struct tevent_context *ev, struct tevent_timer *te,
			  struct timeval now, void *private_data)
{
	struct job *job = private_data;

	(void)ev;
	(void)te;
	(void)now;
	handler_calls += 1;
	job->timed_out = true;
}
/*! [job] */

static void wait_over(struct tevent_context *ev, struct tevent_timer *te,
		      struct timeval now, void *private_data)
{
	bool *over = private_data;

	(void)ev;
	(void)te;
	(void)now;
	*over = true;
}

/* Turn the loop for ms milliseconds; false if that fails. */
static bool wait_ms(struct tevent_context *ev, unsigned ms)
{
	bool over = false;
	struct tevent_timer *te;

	te = tevent_add_timer(ev, ev, tevent_timeval_current_ofs(0, ms * 1000),
			      wait_over, &over);
	if (te == NULL) {
		return false;
	}
	while (!over) {
		if (tevent_loop_once(ev) != 0) {
			return false;
		}
	}
	return true;
}

/*! [run] */
/* Start a job with a 1 ms time limit, give up on it at once, and wait
 * 10 ms. timer_owner == NULL: the timer hangs off the job itself. */
static bool run(struct tevent_context *ev, TALLOC_CTX *timer_owner)
{
	struct job *job = talloc_zero(ev, struct job);

	if (job == NULL) {
		return false;
	}
	strcpy(job->name, "backup");
	job->limit_ms = 1;
	if (tevent_add_timer(ev, timer_owner != NULL ? timer_owner : job,
			     tevent_timeval_current_ofs(0,
						job->limit_ms * 1000),
			     job_timed_out, job) == NULL) {
		talloc_free(job);
		return false;
	}
	talloc_free(job);		/* the caller gives up on the job */
	return wait_ms(ev, 10);
}
/*! [run] */

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
	const char *backend = backend_from_args(argc, argv);
	struct tevent_context *ev;
	bool ok;

	ev = tevent_context_init_byname(NULL, backend);
	if (ev == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	/*! [main] */
	handler_calls = 0;
	ok = run(ev, ev);
	printf("the timer hangs off the event context: the handler ran %u "
	       "time(s)\n", handler_calls);
	handler_calls = 0;
	ok = ok && run(ev, NULL);
	printf("the timer hangs off the job: the handler ran %u time(s)\n",
	       handler_calls);
	/*! [main] */
	talloc_free(ev);
	if (!ok) {
		fprintf(stderr, "pitfall_data_freed_private: out of memory\n");
		return 1;
	}
	return 0;
}
