/*
 * data_state.c - where a request keeps its data: the state structure.
 *
 * sum_send() adds up numbers, one per turn of the event loop. Everything
 * the request needs between turns lives in its state, which
 * tevent_req_create() allocates and tevent_req_data() finds again;
 * tevent_req_received() frees it. Explained on the page "Where a request
 * keeps its data" (data_state_lesson).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc data_state.c $(pkg-config --cflags --libs tevent talloc)
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
struct sum_state {
	struct tevent_context *ev;
	struct tevent_immediate *im;	/* one step per loop turn */
	int *numbers;			/* our own copy of the input */
	size_t count;
	size_t next;			/* the index of the next number */
	long total;
};

static int sum_state_destructor(struct sum_state *state);
static void sum_step(struct tevent_context *ev, struct tevent_immediate *im,
		     void *private_data);
/*! [state] */

/*! [send] */
static struct tevent_req *sum_send(TALLOC_CTX *mem_ctx,
				   struct tevent_context *ev,
				   const int *numbers, size_t count)
{
	struct tevent_req *req;
	struct sum_state *state;

	req = tevent_req_create(mem_ctx, &state, struct sum_state);
	if (req == NULL) {
		return NULL;
	}
	printf("sum_send: the state is a \"%s\", child of the request: %s, "
	       "total %ld\n", talloc_get_name(state),
	       talloc_parent(state) == req ? "yes" : "no", state->total);
	talloc_set_destructor(state, sum_state_destructor);
	state->ev = ev;
	state->count = count;
	if (count == 0) {
		tevent_req_done(req);	/* the sum of nothing: 0 */
		return tevent_req_post(req, ev);
	}
	state->numbers = talloc_memdup(state, numbers, count * sizeof(int));
	if (tevent_req_nomem(state->numbers, req)) {
		return tevent_req_post(req, ev);
	}
	state->im = tevent_create_immediate(state);
	if (tevent_req_nomem(state->im, req)) {
		return tevent_req_post(req, ev);
	}
	tevent_schedule_immediate(state->im, ev, sum_step, req);
	return req;
}
/*! [send] */

/*! [step] */
/* One turn of the loop: add one number, then go on or finish. */
static void sum_step(struct tevent_context *ev, struct tevent_immediate *im,
		     void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct sum_state *state = tevent_req_data(req, struct sum_state);
	int n = state->numbers[state->next];

	state->next += 1;
	state->total += n;
	printf("  sum_step: +%d = %ld\n", n, state->total);
	if (state->next < state->count) {
		tevent_schedule_immediate(im, ev, sum_step, req);
		return;
	}
	tevent_req_done(req);
}
/*! [step] */

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

static int sum_recv(struct tevent_req *req, long *total)
{
	struct sum_state *state = tevent_req_data(req, struct sum_state);
	int err = req_errno(req);

	if (err == 0) {
		*total = state->total;	/* a copy: the state goes next */
		printf("  sum_recv: total %ld, now tevent_req_received()\n",
		       *total);
	}
	tevent_req_received(req);
	return err;
}

static int sum_state_destructor(struct sum_state *state)
{
	printf("  (the sum_state of %zu numbers is freed)\n", state->count);
	return 0;
}
/*! [recv] */

/*! [caller] */
struct caller {
	bool done;
	int err;
	long total;
};

static void sum_done(struct tevent_req *req)
{
	struct caller *c = tevent_req_callback_data(req, struct caller);

	c->err = sum_recv(req, &c->total);
	TALLOC_FREE(req);
	c->done = true;
}
/*! [caller] */

/*! [look] */
/* A look inside, for this lesson only: the caller of a request has no
 * business with its state. */
static void look_inside(struct tevent_req *req)
{
	struct sum_state *state = tevent_req_data(req, struct sum_state);

	printf("main: the request is a \"%s\"\n", talloc_get_name(req));
	printf("main: talloc_get_type(state, struct sum_state): %s\n",
	       talloc_get_type(state, struct sum_state) == state ?
	       "the state" : "NULL");
	printf("main: talloc_get_type(state, struct tevent_req): %s\n",
	       talloc_get_type(state, struct tevent_req) == NULL ?
	       "NULL" : "the state");
}
/*! [look] */

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
	int numbers[] = { 3, 1, 4, 1, 5 };
	size_t count = sizeof(numbers) / sizeof(numbers[0]);
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	struct tevent_req *req;
	struct caller *c;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	c = talloc_zero(mem_ctx, struct caller);
	if (ev == NULL || c == NULL) {
		goto nomem;
	}
	/*! [main] */
	req = sum_send(mem_ctx, ev, numbers, count);
	if (req == NULL) {
		goto nomem;
	}
	tevent_req_set_callback(req, sum_done, c);
	memset(numbers, 0, sizeof(numbers));
	printf("main: sent the sum of %zu numbers, then zeroed my array\n",
	       count);
	look_inside(req);

	while (!c->done) {
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "tevent_loop_once failed\n");
			talloc_free(mem_ctx);
			return 1;
		}
	}
	if (c->err != 0) {
		fprintf(stderr, "data_state: the sum failed: %s\n",
			strerror(c->err));
		talloc_free(mem_ctx);
		return 1;
	}
	printf("main: the callback got %ld and freed the request\n",
	       c->total);
	/*! [main] */
	talloc_free(mem_ctx);
	return 0;

nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
