/*
 * Exercise: jobs with a time limit (exercises/pitfall_data_freed_private).
 * Write job_start() and the handlers of its two timers where the
 * comments say; README.md says what they do, and
 * `make exercise NAME=pitfall_data_freed_private` checks the program.
 *
 * SPDX-License-Identifier: MIT-0
 */
/*
 * Build:
 * cc start.c $(pkg-config --cflags --libs tevent talloc)
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

#define RUN_MS 60	/* how long main() runs the jobs */
#define CANCEL_MS 20	/* when main() cancels the job "index" */

/* The owner of the jobs: it counts how they ended. */
struct owner {
	unsigned done;
	unsigned timed_out;
	unsigned cancelled;
};

enum outcome { JOB_DONE, JOB_TIMED_OUT, JOB_CANCELLED };

/* A job: it works for work_ms milliseconds, unless its time limit,
 * limit_ms, comes first. Its owner allocates it, and frees it once it
 * has ended. */
struct job {
	struct owner *owner;
	const char *name;
	unsigned work_ms;
	unsigned limit_ms;
};

/* The owner counts how the job ended, and frees it. */
static void job_finished(struct job *job, enum outcome how)
{
	struct owner *o = job->owner;

	switch (how) {
	case JOB_DONE:
		o->done += 1;
		break;
	case JOB_TIMED_OUT:
		o->timed_out += 1;
		break;
	case JOB_CANCELLED:
		o->cancelled += 1;
		break;
	}
	talloc_free(job);
}

/* The owner gives up on a job that has not ended yet. */
static void job_cancel(struct job *job)
{
	printf("%s: cancelled\n", job->name);
	job_finished(job, JOB_CANCELLED);
}

/* ---- The jobs: your part ---------------------------------------------- */

/* The work is done. */
static void job_work_done(struct tevent_context *ev, struct tevent_timer *te,
			  struct timeval now, void *private_data)
{
	struct job *job = talloc_get_type_abort(private_data, struct job);

	(void)ev;
	(void)te;
	(void)now;
	printf("%s: done after %u ms\n", job->name, job->work_ms);
	job_finished(job, JOB_DONE);
}

/* The time limit came first. */
static void job_timed_out(struct tevent_context *ev, struct tevent_timer *te,
			  struct timeval now, void *private_data)
{
	struct job *job = talloc_get_type_abort(private_data, struct job);

	(void)ev;
	(void)te;
	(void)now;
	printf("%s: timed out after %u ms\n", job->name, job->limit_ms);
	job_finished(job, JOB_TIMED_OUT);
}

/* A job of the owner's, with its two timers; NULL if out of memory. The
 * timers hang off the job: whoever frees the job frees them too. */
static struct job *job_start(struct owner *owner, struct tevent_context *ev,
			     const char *name, unsigned work_ms,
			     unsigned limit_ms)
{
	struct job *job = talloc_zero(owner, struct job);

	if (job == NULL) {
		return NULL;
	}
	job->owner = owner;
	job->name = name;
	job->work_ms = work_ms;
	job->limit_ms = limit_ms;
	if (tevent_add_timer(ev, job,
			     tevent_timeval_current_ofs(0, work_ms * 1000),
			     job_work_done, job) == NULL ||
	    tevent_add_timer(ev, job,
			     tevent_timeval_current_ofs(0, limit_ms * 1000),
			     job_timed_out, job) == NULL) {
		talloc_free(job);
		return NULL;
	}
	return job;
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

/* main()'s own part: the job it cancels, and the end of the run. */
struct run {
	struct job *index;
	bool over;
};

static void cancel_index(struct tevent_context *ev, struct tevent_timer *te,
			 struct timeval now, void *private_data)
{
	struct run *r = talloc_get_type_abort(private_data, struct run);

	(void)ev;
	(void)te;
	(void)now;
	job_cancel(r->index);
	r->index = NULL;
}

static void run_over(struct tevent_context *ev, struct tevent_timer *te,
		     struct timeval now, void *private_data)
{
	struct run *r = talloc_get_type_abort(private_data, struct run);

	(void)ev;
	(void)te;
	(void)now;
	r->over = true;
}

/* Start the three jobs, cancel "index" at CANCEL_MS, stop at RUN_MS. */
static bool run_jobs(TALLOC_CTX *mem_ctx, struct tevent_context *ev)
{
	struct owner *o = talloc_zero(mem_ctx, struct owner);
	struct run *r = talloc_zero(mem_ctx, struct run);
	bool ok = false;

	if (o == NULL || r == NULL) {
		goto done;
	}
	if (job_start(o, ev, "backup", 10, 50) == NULL ||
	    (r->index = job_start(o, ev, "index", 40, 90)) == NULL ||
	    job_start(o, ev, "scan", 70, 30) == NULL) {
		goto done;
	}
	if (tevent_add_timer(ev, r,
			     tevent_timeval_current_ofs(0, CANCEL_MS * 1000),
			     cancel_index, r) == NULL ||
	    tevent_add_timer(ev, r,
			     tevent_timeval_current_ofs(0, RUN_MS * 1000),
			     run_over, r) == NULL) {
		goto done;
	}
	while (!r->over) {
		if (tevent_loop_once(ev) != 0) {
			goto done;
		}
	}
	printf("main: %u done, %u timed out, %u cancelled\n", o->done,
	       o->timed_out, o->cancelled);
	ok = true;
done:
	talloc_free(r);
	talloc_free(o);		/* with the jobs that have not ended */
	return ok;
}

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	bool ok;

	talloc_set_log_stderr();	/* talloc's own messages, if any */
	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	if (ev == NULL) {
		fprintf(stderr, "out of memory\n");
		talloc_free(mem_ctx);
		return 1;
	}
	printf("main: 3 jobs, for %u ms\n", RUN_MS);
	ok = run_jobs(mem_ctx, ev);
	talloc_free(mem_ctx);
	if (!ok) {
		fprintf(stderr, "out of memory, or the loop failed\n");
		return 1;
	}
	return 0;
}
