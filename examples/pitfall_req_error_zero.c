/*
 * pitfall_req_error_zero.c - tevent_req_error() with an error of 0.
 *
 * ask tries twice to get an answer and, when both tries go unanswered,
 * fails with the last error it saw. No try saw an error, so that is 0:
 * tevent_req_error() refuses it, and the request never finishes. Then
 * the fix: an error that cannot be 0. Explained on the page "Pitfalls
 * of requests".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_req_error_zero.c $(pkg-config --cflags --libs tevent talloc)
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

struct ask_state {
	struct tevent_context *ev;
	bool fixed;
	unsigned tries;
	int last_err;		/* the error of the last answer; 0 if none */
};

static void ask_no_answer(struct tevent_context *ev,
			  struct tevent_timer *te,
			  struct timeval now, void *private_data);

static struct timeval in_ms(unsigned ms)
{
	return tevent_timeval_current_ofs(0, ms * 1000);
}

/* One try: nobody ever answers here, so a 5 ms timer ends each. */
static bool ask_try(struct tevent_req *req)
{
	struct ask_state *state = tevent_req_data(req, struct ask_state);

	state->tries += 1;
	return tevent_add_timer(state->ev, state, in_ms(5), ask_no_answer,
				req) != NULL;
}

static struct tevent_req *ask_send(TALLOC_CTX *mem_ctx,
				   struct tevent_context *ev, bool fixed)
{
	struct tevent_req *req;
	struct ask_state *state;

	req = tevent_req_create(mem_ctx, &state, struct ask_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->fixed = fixed;
	if (!ask_try(req)) {
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	return req;
}

/*! [no answer] */
static void ask_no_answer(struct tevent_context *ev,
			  struct tevent_timer *te,
			  struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct ask_state *state = tevent_req_data(req, struct ask_state);
	int err;

	(void)ev;
	(void)te;
	(void)now;
	printf("  try %u: no answer\n", state->tries);
	if (state->tries < 2) {
		if (!ask_try(req)) {
			tevent_req_oom(req);
		}
		return;
	}
	err = state->last_err;			/* the mistake: may be 0 */
	if (state->fixed && err == 0) {
		err = ETIMEDOUT;		/* the fix */
	}
	if (!tevent_req_error(req, err)) {
		printf("  tevent_req_error(req, %d) returned false\n", err);
	}
}
/*! [no answer] */

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

static int ask_recv(struct tevent_req *req)
{
	int err = req_errno(req);

	tevent_req_received(req);
	return err;
}

/*! [run] */
struct caller {
	bool called;
	int err;
};

static void asked(struct tevent_req *req)
{
	struct caller *c = tevent_req_callback_data(req, struct caller);

	c->called = true;
	c->err = ask_recv(req);
	TALLOC_FREE(req);
	printf("  callback: failed: %s\n", strerror(c->err));
}

/* Ask, and turn the loop until it has no events left. */
static bool run(TALLOC_CTX *mem_ctx, struct tevent_context *ev, bool fixed)
{
	TALLOC_CTX *frame = talloc_new(mem_ctx);
	struct caller *c = talloc_zero(frame, struct caller);
	struct tevent_req *req;
	bool ok = false;

	if (c == NULL) {
		goto done;
	}
	req = ask_send(frame, ev, fixed);
	if (req == NULL) {
		goto done;
	}
	tevent_req_set_callback(req, asked, c);
	if (tevent_loop_wait(ev) != 0) {
		goto done;
	}
	if (!c->called) {
		printf("  the loop has no events left, and no callback ran;"
		       "\n  the request is in progress: %s\n",
		       tevent_req_is_in_progress(req) ? "yes" : "no");
	}
	ok = fixed ? c->err == ETIMEDOUT : !c->called;
done:
	talloc_free(frame);
	return ok;
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
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	bool ok;

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
	/*! [main] */
	printf("failing with the last error seen, which is 0:\n");
	ok = run(mem_ctx, ev, false);
	if (ok) {
		printf("failing with ETIMEDOUT when no error was seen:\n");
		ok = run(mem_ctx, ev, true);
	}
	/*! [main] */
	talloc_free(mem_ctx);
	if (!ok) {
		fprintf(stderr, "pitfall_req_error_zero: failed\n");
		return 1;
	}
	return 0;
}
