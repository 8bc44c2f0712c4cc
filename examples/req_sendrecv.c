/*
 * req_sendrecv.c - one asynchronous operation as a tevent request.
 *
 * greet_send() creates the request and starts the work; the caller sets
 * a callback, and in it greet_recv() hands over the result. The program
 * prints the talloc tree of the caller while the request works, and
 * after. Explained on the page "A request: _send, _recv and its state".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc req_sendrecv.c $(pkg-config --cflags --libs tevent talloc)
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
/* Everything the operation needs between its steps. */
struct greet_state {
	char *name;		/* a copy: the caller's string may go */
	char *greeting;		/* the result, until greet_recv() takes it */
};

static void greet_work_done(struct tevent_context *ev,
			    struct tevent_timer *te,
			    struct timeval now, void *private_data);
/*! [state] */

/*! [send] */
static struct tevent_req *greet_send(TALLOC_CTX *mem_ctx,
				     struct tevent_context *ev,
				     const char *name, unsigned delay_ms)
{
	struct tevent_req *req;
	struct greet_state *state;
	struct tevent_timer *te;

	req = tevent_req_create(mem_ctx, &state, struct greet_state);
	if (req == NULL) {
		return NULL;
	}
	state->name = talloc_strdup(state, name);
	if (tevent_req_nomem(state->name, req)) {
		return tevent_req_post(req, ev);
	}
	/* The pretend work is a timer; on the state, it goes with it. */
	te = tevent_add_timer(ev, state,
			      tevent_timeval_current_ofs(0, delay_ms * 1000),
			      greet_work_done, req);
	if (tevent_req_nomem(te, req)) {
		return tevent_req_post(req, ev);
	}
	return req;
}
/*! [send] */

/*! [work done] */
static void greet_work_done(struct tevent_context *ev,
			    struct tevent_timer *te,
			    struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct greet_state *state = tevent_req_data(req, struct greet_state);

	(void)ev;
	(void)te;
	(void)now;

	state->greeting = talloc_asprintf(state, "hello, %s", state->name);
	if (tevent_req_nomem(state->greeting, req)) {
		return;
	}
	tevent_req_done(req);
}
/*! [work done] */

/*! [errno] */
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
/*! [errno] */

/*! [recv] */
/* 0 and the greeting, moved to mem_ctx; or an errno value, and then
 * *greeting is left as it was. */
static int greet_recv(struct tevent_req *req, TALLOC_CTX *mem_ctx,
		      char **greeting)
{
	struct greet_state *state = tevent_req_data(req, struct greet_state);
	int err = req_errno(req);

	if (err == 0) {
		*greeting = talloc_move(mem_ctx, &state->greeting);
	}
	tevent_req_received(req);	/* frees the state */
	return err;
}
/*! [recv] */

/*! [tree] */
/* Print the talloc names under ctx, indented by depth. */
static void print_node(const void *ptr, int depth, int max_depth,
		       int is_ref, void *private_data)
{
	(void)max_depth;
	(void)is_ref;
	(void)private_data;
	printf("  %*s%s\n", 2 * depth, "", talloc_get_name(ptr));
}

static void print_tree(const char *when, const void *ctx)
{
	printf("talloc tree of the caller, %s:\n", when);
	talloc_report_depth_cb(ctx, 0, -1, print_node, NULL);
}
/*! [tree] */

/*! [caller] */
struct caller {
	char *greeting;
	int err;
	bool finished;
};

/* The callback: collect the result, then free the request. */
static void greeted(struct tevent_req *req)
{
	struct caller *c = tevent_req_callback_data(req, struct caller);

	printf("greeted: the callback runs\n");
	c->err = greet_recv(req, c, &c->greeting);
	TALLOC_FREE(req);
	c->finished = true;
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
	struct tevent_req *req;
	struct caller *c;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	if (ev == NULL) {
		goto nomem;
	}

	/*! [main] */
	/* The callback's data: a talloc object of its own type, which
	 * tevent_req_callback_data() checks. Not a struct on the stack. */
	c = talloc_zero(mem_ctx, struct caller);
	if (c == NULL) {
		goto nomem;
	}
	req = greet_send(c, ev, "Ada", 10);
	if (req == NULL) {
		goto nomem;
	}
	tevent_req_set_callback(req, greeted, c);
	/* Here, only a failed allocation finishes it this early. */
	if (!tevent_req_is_in_progress(req)) {
		goto nomem;
	}
	printf("main: greet_send returned, the request is in progress\n");
	print_tree("while the request works", c);

	while (!c->finished) {
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "tevent_loop_once failed\n");
			talloc_free(mem_ctx);
			return 1;
		}
	}
	if (c->err != 0) {
		fprintf(stderr, "greet failed: %s\n", strerror(c->err));
		talloc_free(mem_ctx);
		return 1;
	}
	printf("main: greet_recv gave \"%s\"\n", c->greeting);
	print_tree("after the callback", c);
	/*! [main] */
	talloc_free(mem_ctx);
	return 0;

nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
