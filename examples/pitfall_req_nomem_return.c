/*
 * pitfall_req_nomem_return.c - going on after tevent_req_nomem().
 *
 * fetch gets a size, then allocates a buffer of that size and reads the
 * body into it. When the allocation fails, tevent_req_nomem() finishes
 * the request and calls the caller back; a handler that does not return
 * then starts the next step all the same, and the request finishes a
 * second time. Then the fix. Explained on the page "Pitfalls of
 * requests".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_req_nomem_return.c $(pkg-config --cflags --libs tevent talloc)
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

struct fetch_state {
	struct tevent_context *ev;
	bool returns;		/* false: the mistake */
	size_t size;
	char *body;
};

static void fetch_got_size(struct tevent_context *ev,
			   struct tevent_timer *te,
			   struct timeval now, void *private_data);
static void fetch_got_body(struct tevent_context *ev,
			   struct tevent_timer *te,
			   struct timeval now, void *private_data);

static struct timeval in_ms(unsigned ms)
{
	return tevent_timeval_current_ofs(0, ms * 1000);
}

static struct tevent_req *fetch_send(TALLOC_CTX *mem_ctx,
				     struct tevent_context *ev,
				     bool returns)
{
	struct tevent_req *req;
	struct fetch_state *state;
	struct tevent_timer *te;

	req = tevent_req_create(mem_ctx, &state, struct fetch_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->returns = returns;
	/* A timer stands in for reading the size. */
	te = tevent_add_timer(ev, state, in_ms(5), fetch_got_size, req);
	if (tevent_req_nomem(te, req)) {
		return tevent_req_post(req, ev);
	}
	return req;
}

/*! [got size] */
static void fetch_got_size(struct tevent_context *ev,
			   struct tevent_timer *te,
			   struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct fetch_state *state = tevent_req_data(req, struct fetch_state);

	(void)te;
	(void)now;
	state->size = 1024 * 1024 * 1024;	/* more than talloc gives */
	state->body = talloc_array(state, char, state->size);
	if (tevent_req_nomem(state->body, req)) {
		if (state->returns) {
			return;			/* the fix */
		}
		/* the mistake: no return, the next step starts anyway */
	}
	te = tevent_add_timer(ev, state, in_ms(5), fetch_got_body, req);
	if (tevent_req_nomem(te, req)) {
		return;
	}
}
/*! [got size] */

static void fetch_got_body(struct tevent_context *ev,
			   struct tevent_timer *te,
			   struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);

	(void)ev;
	(void)te;
	(void)now;
	tevent_req_done(req);	/* (a timer stands in for the reading) */
}

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

/* Unlike a usual _recv(), this one leaves the state in place (no
 * tevent_req_received()), so that the mistake can show: see the page.
 * 0 and the body; or an errno value, and then *body is left as it was. */
static int fetch_recv(struct tevent_req *req, char **body)
{
	struct fetch_state *state = tevent_req_data(req, struct fetch_state);
	int err = req_errno(req);

	if (err == 0) {
		*body = state->body;
	}
	return err;
}

/*! [run] */
struct caller {
	unsigned calls;
	int err;		/* of the last call */
};

/* This caller frees the request after the run, not in the callback:
 * see the page. */
static void fetched(struct tevent_req *req)
{
	struct caller *c = tevent_req_callback_data_void(req);
	char *body = NULL;
	int err = fetch_recv(req, &body);

	c->calls += 1;
	c->err = err;
	if (err != 0) {
		printf("  callback: failed: %s\n", strerror(err));
	} else {
		printf("  callback: done, the body is %s\n",
		       body == NULL ? "NULL" : "there");
	}
}

/* Fetch, and turn the loop until it has no events left. */
static bool run(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		bool returns)
{
	TALLOC_CTX *frame = talloc_new(mem_ctx);
	struct tevent_req *req;
	struct caller c = { .calls = 0 };
	bool ok = false;

	if (frame == NULL) {
		return false;
	}
	req = fetch_send(frame, ev, returns);
	if (req == NULL) {
		goto done;
	}
	tevent_req_set_callback(req, fetched, &c);
	if (tevent_loop_wait(ev) != 0) {
		goto done;
	}
	printf("  the callback ran %u time%s\n", c.calls,
	       c.calls == 1 ? "" : "s");
	/* anything else: an allocation the program needed failed */
	ok = returns ? c.calls == 1 : c.calls == 2 && c.err == 0;
done:
	talloc_free(frame);	/* the request with it */
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
	printf("no return after tevent_req_nomem():\n");
	ok = run(mem_ctx, ev, false);
	if (ok) {
		printf("return after tevent_req_nomem():\n");
		ok = run(mem_ctx, ev, true);
	}
	/*! [main] */
	talloc_free(mem_ctx);
	if (!ok) {
		fprintf(stderr, "pitfall_req_nomem_return: failed\n");
		return 1;
	}
	return 0;
}
