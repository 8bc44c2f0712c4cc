/*
 * Exercise: jobs, some of them quick (exercises/pitfall_req_post).
 * Write the request job_send()/job_recv() where the comments say;
 * README.md says what it does, and `make exercise NAME=pitfall_req_post`
 * checks the program.
 *
 * SPDX-License-Identifier: MIT-0
 */
/*
 * Build:
 * cc start.c $(pkg-config --cflags --libs tevent talloc)
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/* The longest job there is, in milliseconds. */
#define JOB_MAX_MS 100

/* ---- The request: your part ------------------------------------------- */

/*
 * The request's state and the handler of its timer: yours to write.
 * job_send() creates the request: a job of 0 ms is done at once, a job
 * longer than JOB_MAX_MS fails at once with ERANGE, and any other job
 * is done when its timer fires.
 */
static struct tevent_req *job_send(TALLOC_CTX *mem_ctx,
				   struct tevent_context *ev, unsigned ms)
{
	(void)mem_ctx;
	(void)ev;
	(void)ms;
	return NULL;		/* to be written */
}

/* 0 if the job is done, otherwise an errno value. */
static int job_recv(struct tevent_req *req)
{
	(void)req;
	return ENOSYS;		/* to be written */
}

/* ---- The caller: you need not change what follows ----------------------- */

struct caller {
	unsigned unanswered;	/* jobs sent, not over yet */
	bool no_memory;		/* a job failed for lack of memory */
};

/* A job the caller has sent. */
struct sent {
	struct caller *c;
	const char *name;
	struct tevent_req *req;	/* NULL once over */
};

static void job_done(struct tevent_req *req)
{
	struct sent *s = tevent_req_callback_data(req, struct sent);
	int err = job_recv(req);

	TALLOC_FREE(s->req);
	s->c->unanswered -= 1;
	if (err == ENOMEM) {
		s->c->no_memory = true;	/* main() says so, and exits */
	} else if (err != 0) {
		printf("caller: %s failed: %s\n", s->name, strerror(err));
	} else {
		printf("caller: %s done\n", s->name);
	}
}

/* The caller gives up on a job: it frees it. */
static void job_cancel(struct tevent_context *ev, struct tevent_timer *te,
		       struct timeval now, void *private_data)
{
	struct sent *s = talloc_get_type_abort(private_data, struct sent);

	(void)ev;
	(void)te;
	(void)now;
	if (s->req != NULL) {
		printf("caller: cancels %s\n", s->name);
		TALLOC_FREE(s->req);
		s->c->unanswered -= 1;
	}
}

/* Send a job; NULL if an allocation failed. */
static struct sent *send_job(struct tevent_context *ev, struct caller *c,
			     const char *name, unsigned ms)
{
	struct sent *s = talloc_zero(c, struct sent);

	if (s == NULL) {
		return NULL;
	}
	s->c = c;
	s->name = name;
	s->req = job_send(s, ev, ms);
	if (s->req == NULL) {
		return NULL;
	}
	tevent_req_set_callback(s->req, job_done, s);
	c->unanswered += 1;
	return s;
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

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		unsigned ms;
	} jobs[] = {
		{ "A", 60 }, { "B", 0 }, { "C", 500 }, { "D", 10 }, { "E", 30 },
	};
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct tevent_context *ev;
	struct caller *c;
	struct sent *s = NULL;
	struct timeval start = tevent_timeval_current();
	size_t i;

	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	c = talloc_zero(mem_ctx, struct caller);
	if (ev == NULL || c == NULL) {
		goto fail;
	}
	for (i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++) {
		s = send_job(ev, c, jobs[i].name, jobs[i].ms);
		if (s == NULL) {
			goto fail;
		}
	}
	printf("caller: sent A (60 ms), B (0 ms), C (500 ms), D (10 ms), "
	       "E (30 ms)\n");
	/*
	 * The last job sent, E, is cancelled 5 ms after the first was sent
	 * (so before any of their timers, however long sending took).
	 */
	if (tevent_add_timer(ev, c, tevent_timeval_add(&start, 0, 5000),
			     job_cancel, s) == NULL ||
	    tevent_loop_wait(ev) != 0 || c->no_memory) {
		goto fail;
	}
	printf("caller: the loop has no events left; %u jobs unanswered\n",
	       c->unanswered);
	talloc_free(mem_ctx);
	return 0;

fail:
	fprintf(stderr, "out of memory, or the loop failed\n");
	talloc_free(mem_ctx);
	return 1;
}
