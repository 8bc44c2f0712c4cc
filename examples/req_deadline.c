/*
 * req_deadline.c - a deadline for a request, and a cleanup function.
 *
 * The caller gives each request a deadline with tevent_req_set_endtime()
 * (and takes the last one's away with tevent_req_reset_endtime()).
 * The request's cleanup function reports every call, with the state the
 * request has entered, and stops the request's work when it ends early:
 * at the deadline, or when the caller frees it. Explained on the page
 * "Deadlines and cleanup".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc req_deadline.c $(pkg-config --cflags --libs tevent talloc)
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

static const char *state_name(enum tevent_req_state state)
{
	switch (state) {
	case TEVENT_REQ_INIT:
		return "TEVENT_REQ_INIT";
	case TEVENT_REQ_IN_PROGRESS:
		return "TEVENT_REQ_IN_PROGRESS";
	case TEVENT_REQ_DONE:
		return "TEVENT_REQ_DONE";
	case TEVENT_REQ_USER_ERROR:
		return "TEVENT_REQ_USER_ERROR";
	case TEVENT_REQ_TIMED_OUT:
		return "TEVENT_REQ_TIMED_OUT";
	case TEVENT_REQ_NO_MEMORY:
		return "TEVENT_REQ_NO_MEMORY";
	case TEVENT_REQ_RECEIVED:
		return "TEVENT_REQ_RECEIVED";
	}
	return "?";
}

/*! [state] */
/* slow: work that takes work_ms (a timer stands in for it). */
struct slow_state {
	const char *name;
	struct tevent_timer *work;	/* NULL once it has fired or stopped */
};

static void slow_worked(struct tevent_context *ev, struct tevent_timer *te,
			struct timeval now, void *private_data);
static void slow_cleanup(struct tevent_req *req,
			 enum tevent_req_state req_state);
/*! [state] */

/*! [send] */
static struct tevent_req *slow_send(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev,
				    const char *name, unsigned work_ms)
{
	struct tevent_req *req;
	struct slow_state *state;

	req = tevent_req_create(mem_ctx, &state, struct slow_state);
	if (req == NULL) {
		return NULL;
	}
	state->name = name;
	tevent_req_set_cleanup_fn(req, slow_cleanup);
	state->work = tevent_add_timer(ev, state,
				       tevent_timeval_current_ofs(0,
							work_ms * 1000),
				       slow_worked, req);
	if (tevent_req_nomem(state->work, req)) {
		return tevent_req_post(req, ev);
	}
	return req;
}

static void slow_worked(struct tevent_context *ev, struct tevent_timer *te,
			struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct slow_state *state = tevent_req_data(req, struct slow_state);

	(void)ev;
	(void)te;
	(void)now;
	state->work = NULL;	/* tevent frees a timer that has fired */
	tevent_req_done(req);
}
/*! [send] */

/*! [cleanup] */
static void slow_cleanup(struct tevent_req *req,
			 enum tevent_req_state req_state)
{
	struct slow_state *state = tevent_req_data(req, struct slow_state);

	printf("  cleanup of %s: %s%s\n", state->name,
	       state_name(req_state),
	       state->work != NULL ? ", stops the work" : "");
	TALLOC_FREE(state->work);
}
/*! [cleanup] */

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
/* 0, or the errno value of the failure: ETIMEDOUT at the deadline. */
static int slow_recv(struct tevent_req *req)
{
	int err = req_errno(req);

	printf("  slow_recv: calls tevent_req_received()\n");
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

static void slow_done(struct tevent_req *req)
{
	struct caller *c = tevent_req_callback_data(req, struct caller);

	printf("  callback of %s\n", c->name);
	c->err = slow_recv(req);
	TALLOC_FREE(req);
	c->finished = true;
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

/* Send a request with work_ms of work and a deadline in deadline_ms
 * (taken away at once if reset); turn the loop until it has finished,
 * or, if give_up_ms is not 0, until then, and free it. false if
 * something could not be allocated or the loop failed. */
static bool run(struct tevent_context *ev, struct caller *c,
		unsigned work_ms, unsigned deadline_ms, bool reset,
		unsigned give_up_ms)
{
	struct tevent_req *req;
	bool fired = false;

	if (give_up_ms != 0 &&
	    tevent_add_timer(ev, c,
			     tevent_timeval_current_ofs(0, give_up_ms * 1000),
			     timer_fired, &fired) == NULL) {
		return false;
	}
	req = slow_send(c, ev, c->name, work_ms);
	if (req == NULL) {
		return false;
	}
	tevent_req_set_callback(req, slow_done, c);
	if (!tevent_req_set_endtime(req, ev,
			tevent_timeval_current_ofs(0, deadline_ms * 1000))) {
		return false;	/* failed: NO_MEMORY, and called back */
	}
	if (reset) {
		tevent_req_reset_endtime(req);
	}
	while (!c->finished && !fired) {
		if (tevent_loop_once(ev) != 0) {
			return false;
		}
	}
	if (!c->finished) {
		printf("main: gives up on %s after %u ms and frees it\n",
		       c->name, give_up_ms);
		TALLOC_FREE(req);
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
	printf("main: quick: 5 ms of work, a deadline in 40 ms\n");
	c->name = "quick";
	if (!run(ev, c, 5, 40, false, 0) || c->err != 0) {
		goto failed;
	}
	printf("main: quick is done\n");

	printf("main: slow: 10 s of work, a deadline in 10 ms\n");
	*c = (struct caller) { .name = "slow" };
	if (!run(ev, c, 10000, 10, false, 0) || c->err != ETIMEDOUT) {
		goto failed;
	}
	printf("main: slow failed: %s\n", strerror(c->err));

	printf("main: dropped: 10 s of work, a deadline in 5 s\n");
	*c = (struct caller) { .name = "dropped" };
	if (!run(ev, c, 10000, 5000, false, 10) || c->finished) {
		goto failed;
	}

	printf("main: patient: 20 ms of work, a deadline in 10 ms, "
	       "taken away at once\n");
	*c = (struct caller) { .name = "patient" };
	if (!run(ev, c, 20, 10, true, 0) || c->err != 0) {
		goto failed;
	}
	printf("main: patient is done\n");
	/*! [main] */
	talloc_free(mem_ctx);
	return 0;

failed:
	/* an allocation or the event loop failed */
	fprintf(stderr, "req_deadline: a run failed\n");
	talloc_free(mem_ctx);
	return 1;
}
