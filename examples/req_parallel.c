/*
 * req_parallel.c - a request made of two subrequests that run at once.
 *
 * both_send() starts step A and step B together and is done when both
 * are. When one fails, it frees the other, which stops it, and fails
 * with the same error. Explained on the page "Subrequests".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc req_parallel.c $(pkg-config --cflags --libs tevent talloc)
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

/*! [step] */
/* step: a piece of work that takes ms milliseconds (a timer stands in
 * for it) and then succeeds, or fails with the errno value err. */
struct step_spec {
	const char *name;
	unsigned ms;
	int err;
};

struct step_state {
	const struct step_spec *spec;
};

static void step_finished(struct tevent_context *ev,
			  struct tevent_timer *te,
			  struct timeval now, void *private_data);

static struct tevent_req *step_send(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev,
				    const struct step_spec *spec)
{
	struct tevent_req *req;
	struct step_state *state;
	struct tevent_timer *te;

	req = tevent_req_create(mem_ctx, &state, struct step_state);
	if (req == NULL) {
		return NULL;
	}
	state->spec = spec;
	printf("  step %s: starts\n", spec->name);
	te = tevent_add_timer(ev, state,
			      tevent_timeval_current_ofs(0, spec->ms * 1000),
			      step_finished, req);
	if (tevent_req_nomem(te, req)) {
		return tevent_req_post(req, ev);
	}
	return req;
}

static void step_finished(struct tevent_context *ev,
			  struct tevent_timer *te,
			  struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct step_state *state = tevent_req_data(req, struct step_state);

	(void)ev;
	(void)te;
	(void)now;

	if (state->spec->err != 0) {
		printf("  step %s: fails: %s\n", state->spec->name,
		       strerror(state->spec->err));
		tevent_req_error(req, state->spec->err);
		return;
	}
	printf("  step %s: done\n", state->spec->name);
	tevent_req_done(req);
}

/* 0, or the errno value the step failed with. */
static int step_recv(struct tevent_req *req)
{
	int err = req_errno(req);

	tevent_req_received(req);
	return err;
}
/*! [step] */

/*! [state] */
struct both_state {
	struct tevent_req *subreq[2];	/* NULL once finished or freed */
	const struct step_spec *spec[2];
};

static void both_step_done(struct tevent_req *subreq);
/*! [state] */

/*! [send] */
static struct tevent_req *both_send(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev,
				    const struct step_spec *a,
				    const struct step_spec *b)
{
	struct tevent_req *req;
	struct both_state *state;
	size_t i;

	req = tevent_req_create(mem_ctx, &state, struct both_state);
	if (req == NULL) {
		return NULL;
	}
	state->spec[0] = a;
	state->spec[1] = b;
	for (i = 0; i < 2; i++) {
		state->subreq[i] = step_send(state, ev, state->spec[i]);
		if (tevent_req_nomem(state->subreq[i], req)) {
			return tevent_req_post(req, ev);
		}
		tevent_req_set_callback(state->subreq[i], both_step_done,
					req);
	}
	return req;
}
/*! [send] */

/*! [step done] */
static void both_step_done(struct tevent_req *subreq)
{
	struct tevent_req *req =
		tevent_req_callback_data(subreq, struct tevent_req);
	struct both_state *state = tevent_req_data(req, struct both_state);
	size_t i = subreq == state->subreq[0] ? 0 : 1;
	size_t other = 1 - i;
	int err;

	err = step_recv(subreq);
	TALLOC_FREE(state->subreq[i]);
	if (err != 0) {
		if (state->subreq[other] != NULL) {
			printf("  both: %s failed, freeing %s\n",
			       state->spec[i]->name,
			       state->spec[other]->name);
			TALLOC_FREE(state->subreq[other]);
		}
		tevent_req_error(req, err);
		return;
	}
	if (state->subreq[other] == NULL) {
		tevent_req_done(req);	/* that was the last one */
	}
}

/* Its own _recv(), not step_recv(): 0, or the error of the step that
 * failed. */
static int both_recv(struct tevent_req *req)
{
	int err = req_errno(req);

	tevent_req_received(req);
	return err;
}
/*! [step done] */

/*! [caller] */
struct caller {
	bool finished;
	int err;
};

static void both_done(struct tevent_req *req)
{
	struct caller *c = tevent_req_callback_data(req, struct caller);

	c->err = both_recv(req);
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

/* Run both steps to their end, then, if wait is true, 30 ms more, in
 * which nothing should happen; false if an allocation or the loop failed. */
static bool run_both(struct tevent_context *ev, struct caller *c,
		     const struct step_spec *a, const struct step_spec *b,
		     bool wait)
{
	struct tevent_req *req = both_send(c, ev, a, b);
	bool fired = false;

	if (req == NULL) {
		return false;
	}
	tevent_req_set_callback(req, both_done, c);
	c->finished = false;
	while (!c->finished) {
		if (tevent_loop_once(ev) != 0) {
			return false;
		}
	}
	if (!wait) {
		return true;
	}
	if (tevent_add_timer(ev, c, tevent_timeval_current_ofs(0, 30000),
			     timer_fired, &fired) == NULL) {
		return false;
	}
	while (!fired) {
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
	static const struct step_spec a_ok = { "A", 10, 0 };
	static const struct step_spec a_fails = { "A", 5, EIO };
	static const struct step_spec b = { "B", 25, 0 };
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
	printf("main: A (10 ms) and B (25 ms) at once\n");
	if (!run_both(ev, c, &a_ok, &b, false) || c->err != 0) {
		goto failed;
	}
	printf("main: both are done\n");

	printf("main: A, which fails after 5 ms, and B (25 ms)\n");
	if (!run_both(ev, c, &a_fails, &b, true) || c->err != EIO) {
		goto failed;
	}
	printf("main: both failed: %s; 30 ms later, nothing more "
	       "happened\n", strerror(c->err));
	/*! [main] */
	talloc_free(mem_ctx);
	return 0;

failed:
	/* an allocation or the event loop failed */
	fprintf(stderr, "req_parallel: a run failed\n");
	talloc_free(mem_ctx);
	return 1;
}
