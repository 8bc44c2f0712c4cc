/*
 * req_cancel.c - cancelling a request with tevent_req_cancel().
 *
 * The request works in two phases. In the first, its cancel function
 * stops it and fails it with ECANCELED, deferring the caller's callback
 * to the event loop; from the second phase on it has no cancel
 * function, and the cancel is refused. Explained on the page
 * "Cancelling a request".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc req_cancel.c $(pkg-config --cflags --libs tevent talloc)
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
/* commit: send (for send_ms, or until the next turn of the loop if it
 * is 0; may be cancelled), then commit (60 ms; may not: once begun, it
 * must end). Timers stand in for the work. */
struct commit_state {
	struct tevent_context *ev;
	const char *name;
	struct tevent_timer *work;
};

static void commit_sent(struct tevent_context *ev, struct tevent_timer *te,
			struct timeval now, void *private_data);
static void commit_committed(struct tevent_context *ev,
			     struct tevent_timer *te,
			     struct timeval now, void *private_data);
static bool commit_cancel(struct tevent_req *req);
/*! [state] */

static struct timeval in_ms(unsigned ms)
{
	return tevent_timeval_current_ofs(0, ms * 1000);
}

/*! [send] */
static struct tevent_req *commit_send(TALLOC_CTX *mem_ctx,
				      struct tevent_context *ev,
				      const char *name, unsigned send_ms)
{
	struct tevent_req *req;
	struct commit_state *state;

	req = tevent_req_create(mem_ctx, &state, struct commit_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->name = name;
	printf("  %s: sending\n", name);
	state->work = tevent_add_timer(ev, state,
				       send_ms == 0 ? tevent_timeval_zero() :
				       in_ms(send_ms),
				       commit_sent, req);
	if (tevent_req_nomem(state->work, req)) {
		return tevent_req_post(req, ev);
	}
	tevent_req_set_cancel_fn(req, commit_cancel);
	return req;
}
/*! [send] */

/*! [cancel] */
static bool commit_cancel(struct tevent_req *req)
{
	struct commit_state *state = tevent_req_data(req, struct commit_state);

	printf("  cancel function of %s: stops the work, "
	       "fails with ECANCELED\n", state->name);
	TALLOC_FREE(state->work);
	/* We are inside the caller's tevent_req_cancel(): call it back
	 * from the event loop, not from here. */
	tevent_req_defer_callback(req, state->ev);
	tevent_req_error(req, ECANCELED);
	return true;
}
/*! [cancel] */

/*! [phases] */
static void commit_sent(struct tevent_context *ev, struct tevent_timer *te,
			struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct commit_state *state = tevent_req_data(req, struct commit_state);

	(void)te;
	(void)now;
	printf("  %s: sent; committing, which cannot be cancelled\n",
	       state->name);
	tevent_req_set_cancel_fn(req, NULL);
	state->work = tevent_add_timer(ev, state, in_ms(60),
				       commit_committed, req);
	if (tevent_req_nomem(state->work, req)) {
		return;
	}
}

static void commit_committed(struct tevent_context *ev,
			     struct tevent_timer *te,
			     struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct commit_state *state = tevent_req_data(req, struct commit_state);

	(void)ev;
	(void)te;
	(void)now;
	state->work = NULL;
	printf("  %s: committed\n", state->name);
	tevent_req_done(req);
}
/*! [phases] */

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

/*! [recv] */
/* 0, or the errno value of the failure (ECANCELED when cancelled). */
static int commit_recv(struct tevent_req *req)
{
	int err = req_errno(req);

	tevent_req_received(req);
	return err;
}
/*! [recv] */

/*! [caller] */
struct caller {
	const char *name;
	bool finished;
	int err;
};

static void commit_done(struct tevent_req *req)
{
	struct caller *c = tevent_req_callback_data(req, struct caller);

	c->err = commit_recv(req);
	TALLOC_FREE(req);
	c->finished = true;
	printf("  callback of %s: %s\n", c->name,
	       c->err == 0 ? "done" : strerror(c->err));
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

/* Start a request, cancel it after cancel_ms, and turn the loop until
 * its callback has run; false if an allocation or the loop failed. */
static bool run(struct tevent_context *ev, struct caller *c,
		unsigned send_ms, unsigned cancel_ms)
{
	struct tevent_req *req = commit_send(c, ev, c->name, send_ms);
	bool fired = false;
	bool cancelled;

	if (req == NULL) {
		return false;
	}
	tevent_req_set_callback(req, commit_done, c);
	if (tevent_add_timer(ev, c, in_ms(cancel_ms), timer_fired,
			     &fired) == NULL) {
		return false;
	}
	while (!fired && !c->finished) {
		if (tevent_loop_once(ev) != 0) {
			return false;
		}
	}
	if (c->finished) {
		return false;	/* too early: a failed allocation */
	}
	printf("main: %u ms later, tevent_req_cancel(%s)\n", cancel_ms,
	       c->name);
	cancelled = tevent_req_cancel(req);
	printf("main: it returned %s; %s in progress: %s, "
	       "called back: %s\n", cancelled ? "true" : "false", c->name,
	       tevent_req_is_in_progress(req) ? "yes" : "no",
	       c->finished ? "yes" : "no");
	while (!c->finished) {
		if (tevent_loop_once(ev) != 0) {
			return false;
		}
	}
	return true;
}
/*! [caller] */

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
	struct tevent_context *ev;
	struct caller *c;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	c = talloc_zero(mem_ctx, struct caller);
	if (ev == NULL || c == NULL) {
		goto failed;
	}

	/*! [main] */
	printf("main: A starts; cancelled while it sends\n");
	c->name = "A";
	if (!run(ev, c, 10000, 5) || c->err != ECANCELED) {
		goto failed;
	}
	printf("main: B starts; cancelled while it commits\n");
	*c = (struct caller) { .name = "B" };
	if (!run(ev, c, 0, 20) || c->err != 0) {
		goto failed;
	}
	/*! [main] */
	talloc_free(mem_ctx);
	return 0;

failed:
	/* an allocation or the event loop failed */
	fprintf(stderr, "req_cancel: a run failed\n");
	talloc_free(mem_ctx);
	return 1;
}
