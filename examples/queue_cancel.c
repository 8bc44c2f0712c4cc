/*
 * queue_cancel.c - leaving a tevent_queue early.
 *
 * Three ways out: a waiting request is freed; a waiting request is
 * cancelled with tevent_req_cancel(), which calls the request's own
 * cancel function, and that function takes it out of the queue and
 * fails it with ECANCELED (tevent_req_cancel() itself does neither);
 * and a running request frees its own queue entry, which lets the next
 * request start while it still works.
 * Explained on the page "Leaving the queue early" (queue_cancel_lesson).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc queue_cancel.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [state] */
struct job_state {
	struct tevent_context *ev;
	const char *name;
	unsigned work_ms;
	struct tevent_queue_entry *qe;	/* our place in the queue */
	bool started;
};

static void job_trigger(struct tevent_req *req, void *private_data);
static bool job_cancel(struct tevent_req *req);
static void job_work_done(struct tevent_context *ev,
			  struct tevent_timer *te,
			  struct timeval now, void *private_data);
/*! [state] */

/*! [send] */
static struct tevent_req *job_send(TALLOC_CTX *mem_ctx,
				   struct tevent_context *ev,
				   struct tevent_queue *queue,
				   const char *name, unsigned work_ms)
{
	struct tevent_req *req;
	struct job_state *state;

	req = tevent_req_create(mem_ctx, &state, struct job_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->work_ms = work_ms;
	state->name = talloc_strdup(state, name);
	if (tevent_req_nomem(state->name, req)) {
		return tevent_req_post(req, ev);
	}
	/* Keep the entry: job_cancel() and job_release_queue() free it. */
	state->qe = tevent_queue_add_entry(queue, ev, req, job_trigger, NULL);
	if (tevent_req_nomem(state->qe, req)) {
		return tevent_req_post(req, ev);
	}
	tevent_req_set_cancel_fn(req, job_cancel);
	return req;
}
/*! [send] */

/*! [trigger] */
static void job_trigger(struct tevent_req *req, void *private_data)
{
	struct job_state *state = tevent_req_data(req, struct job_state);
	struct tevent_timer *te;

	(void)private_data;

	printf("  trigger: %s starts\n", state->name);
	state->started = true;
	te = tevent_add_timer(state->ev, state,
			      tevent_timeval_current_ofs(0,
						state->work_ms * 1000),
			      job_work_done, req);
	if (tevent_req_nomem(te, req)) {
		return;
	}
}
/*! [trigger] */

static void job_work_done(struct tevent_context *ev,
			  struct tevent_timer *te,
			  struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct job_state *state = tevent_req_data(req, struct job_state);

	(void)ev;
	(void)te;
	(void)now;

	printf("  %s: work finished\n", state->name);
	tevent_req_done(req);
}

/*! [cancel] */
/* Called by tevent_req_cancel(): only a job that waits can be cancelled. */
static bool job_cancel(struct tevent_req *req)
{
	struct job_state *state = tevent_req_data(req, struct job_state);

	if (state->started) {
		return false;
	}
	TALLOC_FREE(state->qe);		/* out of the queue */
	/* Tell the caller from the event loop, not inside its own call. */
	tevent_req_defer_callback(req, state->ev);
	tevent_req_error(req, ECANCELED);
	return true;
}
/*! [cancel] */

/*! [release] */
/* A running job gives up its place: the next job may start now. */
static void job_release_queue(struct tevent_req *req)
{
	struct job_state *state = tevent_req_data(req, struct job_state);

	TALLOC_FREE(state->qe);
}
/*! [release] */

/*! [recv] */
/* 0 if the request succeeded, otherwise a nonzero errno value. */
static int req_errno(struct tevent_req *req)
{
	enum tevent_req_state state;
	uint64_t err;

	if (!tevent_req_is_error(req, &state, &err)) {
		return 0;
	}
	switch (state) {
	case TEVENT_REQ_USER_ERROR:
		return (int)err;	/* what tevent_req_error() was given */
	case TEVENT_REQ_TIMED_OUT:
		return ETIMEDOUT;
	case TEVENT_REQ_NO_MEMORY:
		return ENOMEM;
	default:
		return EINVAL;		/* not finished: a caller's bug */
	}
}

static int job_recv(struct tevent_req *req)
{
	int err = req_errno(req);

	tevent_req_received(req);
	return err;
}
/*! [recv] */

/*! [caller] */
struct caller {
	struct tevent_context *ev;
	struct tevent_queue *queue;
	size_t pending;
	int error;		/* the first unexpected failure */
};

/* What the callback needs to know of one job; a child of its request. */
struct job_call {
	struct caller *c;
	const char *name;	/* a string literal: outlives the request */
	struct tevent_req **slot;	/* the caller's pointer, or NULL */
};

static void job_done(struct tevent_req *req)
{
	struct job_call *call = tevent_req_callback_data(req, struct job_call);
	struct caller *c = call->c;
	const char *name = call->name;
	int err = job_recv(req);

	if (call->slot != NULL) {
		*call->slot = NULL;	/* the caller's pointer must not dangle */
	}
	TALLOC_FREE(req);	/* and call with it */
	c->pending -= 1;
	if (err != 0) {
		printf("  caller: %s failed: %s\n", name, strerror(err));
		if (err != ECANCELED && c->error == 0) {
			c->error = err;
		}
		return;
	}
	printf("  caller: %s done\n", name);
}

/* Send a job; if slot is not NULL, keep the request there until the
 * callback frees it. */
static bool add_job(struct caller *c, const char *name, unsigned work_ms,
		    struct tevent_req **slot)
{
	struct tevent_req *req;
	struct job_call *call;

	req = job_send(c, c->ev, c->queue, name, work_ms);
	if (req == NULL) {
		return false;
	}
	call = talloc(req, struct job_call);
	if (call == NULL) {
		TALLOC_FREE(req);
		return false;
	}
	*call = (struct job_call) { .c = c, .name = name, .slot = slot };
	tevent_req_set_callback(req, job_done, call);
	if (slot != NULL) {
		*slot = req;
	}
	c->pending += 1;
	return true;
}

/* Turn the event loop until every job has reported back. */
static bool run_jobs(struct caller *c)
{
	while (c->pending > 0) {
		if (tevent_loop_once(c->ev) != 0) {
			return false;
		}
	}
	return c->error == 0;
}
/*! [caller] */

/*! [free waiting] */
static bool free_a_waiting_request(struct caller *c)
{
	struct tevent_req *b = NULL;

	printf("1. a waiting request is freed\n");
	if (!add_job(c, "A", 10, NULL) || !add_job(c, "B", 10, &b) ||
	    !add_job(c, "C", 10, NULL)) {
		return false;
	}
	TALLOC_FREE(b);		/* B's caller gives up on it */
	c->pending -= 1;
	printf("main: freed B, queue length %zu\n",
	       tevent_queue_length(c->queue));
	return run_jobs(c);
}
/*! [free waiting] */

/*! [cancel waiting] */
static bool cancel_a_waiting_request(struct caller *c)
{
	struct tevent_req *a = NULL, *b = NULL;
	bool ok;

	printf("2. a waiting request is cancelled\n");
	if (!add_job(c, "A", 10, &a) || !add_job(c, "B", 10, &b) ||
	    !add_job(c, "C", 10, NULL)) {
		return false;
	}
	if (tevent_loop_once(c->ev) != 0 ||	/* A starts */
	    a == NULL || b == NULL) {		/* or failed, and is gone */
		return false;
	}
	ok = tevent_req_cancel(a);
	printf("main: tevent_req_cancel(A): %s\n", ok ? "true" : "false");
	ok = tevent_req_cancel(b);
	printf("main: tevent_req_cancel(B): %s, queue length %zu\n",
	       ok ? "true" : "false", tevent_queue_length(c->queue));
	return run_jobs(c);
}
/*! [cancel waiting] */

/*! [release active] */
static bool release_the_active_entry(struct caller *c)
{
	struct tevent_req *a = NULL;

	printf("3. the active request frees its queue entry\n");
	if (!add_job(c, "A", 30, &a) || !add_job(c, "B", 10, NULL)) {
		return false;
	}
	if (tevent_loop_once(c->ev) != 0 ||	/* A starts */
	    a == NULL) {			/* or failed, and is gone */
		return false;
	}
	job_release_queue(a);
	printf("main: A works on without its entry, queue length %zu\n",
	       tevent_queue_length(c->queue));
	return run_jobs(c);
}
/*! [release active] */

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
	TALLOC_CTX *mem_ctx;
	struct caller *c;
	bool ok;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	c = talloc_zero(mem_ctx, struct caller);
	if (c == NULL) {
		goto nomem;
	}
	c->ev = tevent_context_init_byname(c, backend);
	c->queue = tevent_queue_create(c, "jobs");
	if (c->ev == NULL || c->queue == NULL) {
		goto nomem;
	}

	ok = free_a_waiting_request(c) && cancel_a_waiting_request(c) &&
	     release_the_active_entry(c);
	if (!ok) {
		fprintf(stderr, "queue_cancel: failed: %s\n",
			strerror(c->error != 0 ? c->error : ENOMEM));
	}
	talloc_free(mem_ctx);
	return ok ? 0 : 1;

nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
