/*
 * req_sequence.c - a request made of two subrequests, one after the other.
 *
 * pair_send() runs step A, and when A has succeeded, step B. A step that
 * fails fails the pair with the same error, and the next step never
 * starts. Explained on the page "Subrequests".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc req_sequence.c $(pkg-config --cflags --libs tevent talloc)
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
struct pair_state {
	struct tevent_context *ev;	/* for starting the second step */
	const struct step_spec *second;
};

static void pair_first_done(struct tevent_req *subreq);
static void pair_second_done(struct tevent_req *subreq);
/*! [state] */

/*! [send] */
static struct tevent_req *pair_send(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev,
				    const struct step_spec *first,
				    const struct step_spec *second)
{
	struct tevent_req *req, *subreq;
	struct pair_state *state;

	req = tevent_req_create(mem_ctx, &state, struct pair_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->second = second;

	subreq = step_send(state, ev, first);	/* on the state */
	if (tevent_req_nomem(subreq, req)) {
		return tevent_req_post(req, ev);
	}
	tevent_req_set_callback(subreq, pair_first_done, req);
	return req;
}
/*! [send] */

/*! [first done] */
static void pair_first_done(struct tevent_req *subreq)
{
	struct tevent_req *req =
		tevent_req_callback_data(subreq, struct tevent_req);
	struct pair_state *state = tevent_req_data(req, struct pair_state);
	int err;

	err = step_recv(subreq);
	TALLOC_FREE(subreq);
	if (tevent_req_error(req, err)) {
		return;		/* err was not 0: the pair has failed */
	}

	subreq = step_send(state, state->ev, state->second);
	if (tevent_req_nomem(subreq, req)) {
		return;
	}
	tevent_req_set_callback(subreq, pair_second_done, req);
}
/*! [first done] */

/*! [second done] */
static void pair_second_done(struct tevent_req *subreq)
{
	struct tevent_req *req =
		tevent_req_callback_data(subreq, struct tevent_req);
	int err;

	err = step_recv(subreq);
	TALLOC_FREE(subreq);
	if (tevent_req_error(req, err)) {
		return;
	}
	tevent_req_done(req);
}

/* Its own _recv(), not step_recv(): 0, or the error of the step that
 * failed. */
static int pair_recv(struct tevent_req *req)
{
	int err = req_errno(req);

	tevent_req_received(req);
	return err;
}
/*! [second done] */

/*! [tree] */
static void print_node(const void *ptr, int depth, int max_depth,
		       int is_ref, void *private_data)
{
	(void)max_depth;
	(void)is_ref;
	(void)private_data;
	printf("    %*s%s\n", 2 * depth, "", talloc_get_name(ptr));
}
/*! [tree] */

/*! [caller] */
struct caller {
	bool finished;
	int err;
};

static void pair_done(struct tevent_req *req)
{
	struct caller *c = tevent_req_callback_data(req, struct caller);

	c->err = pair_recv(req);
	TALLOC_FREE(req);
	c->finished = true;
}

/* Run one pair to its end; false if the event loop failed. */
static bool run_pair(struct tevent_context *ev, struct caller *c,
		     const struct step_spec *first,
		     const struct step_spec *second, bool show_tree)
{
	struct tevent_req *req = pair_send(c, ev, first, second);

	if (req == NULL) {
		return false;
	}
	tevent_req_set_callback(req, pair_done, c);
	c->finished = false;
	if (show_tree) {
		printf("  the talloc tree of the pair while A works:\n");
		talloc_report_depth_cb(req, 0, -1, print_node, NULL);
	}
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
	static const struct step_spec a_ok = { "A", 10, 0 };
	static const struct step_spec a_fails = { "A", 10, ENOENT };
	static const struct step_spec b_ok = { "B", 10, 0 };
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
	printf("main: a pair of two good steps\n");
	if (!run_pair(ev, c, &a_ok, &b_ok, true) || c->err != 0) {
		goto failed;
	}
	printf("main: the pair is done\n");

	printf("main: a pair whose first step fails\n");
	if (!run_pair(ev, c, &a_fails, &b_ok, false) || c->err != ENOENT) {
		goto failed;
	}
	printf("main: the pair failed: %s\n", strerror(c->err));
	/*! [main] */
	talloc_free(mem_ctx);
	return 0;

failed:
	/* an allocation or the event loop failed */
	fprintf(stderr, "req_sequence: a run failed\n");
	talloc_free(mem_ctx);
	return 1;
}
