/*
 * pitfall_req_no_post.c - a request that finishes inside its _send()
 * without tevent_req_post().
 *
 * lookup_send() finds the answer in a cache and is done at once. Without
 * tevent_req_post() the callback, which the caller sets only after
 * _send() has returned, never runs. Then the fix. Explained on the page
 * "Pitfalls of requests".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_req_no_post.c $(pkg-config --cflags --libs tevent talloc)
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

/*! [send] */
/* lookup: the answer for a key; "cached" is known at once. */
struct lookup_state {
	const char *answer;
};

static struct tevent_req *lookup_send(TALLOC_CTX *mem_ctx,
				      struct tevent_context *ev,
				      const char *key, bool post)
{
	struct tevent_req *req;
	struct lookup_state *state;

	req = tevent_req_create(mem_ctx, &state, struct lookup_state);
	if (req == NULL) {
		return NULL;
	}
	if (strcmp(key, "cached") == 0) {
		state->answer = "from the cache";
		tevent_req_done(req);
		if (!post) {
			return req;			/* the mistake */
		}
		return tevent_req_post(req, ev);	/* the fix */
	}
	/* (the slow way, which this program never takes) */
	tevent_req_error(req, ENOENT);
	return tevent_req_post(req, ev);
}
/*! [send] */

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

/* 0 and the answer; or an errno value, and then *answer is left as it
 * was. */
static int lookup_recv(struct tevent_req *req, const char **answer)
{
	struct lookup_state *state =
		tevent_req_data(req, struct lookup_state);
	int err = req_errno(req);

	if (err == 0) {
		*answer = state->answer;	/* static: no need to move */
	}
	tevent_req_received(req);
	return err;
}

/*! [run] */
struct caller {
	bool called;
	int err;
};

static void looked_up(struct tevent_req *req)
{
	struct caller *c = tevent_req_callback_data(req, struct caller);
	const char *answer = NULL;

	c->called = true;
	c->err = lookup_recv(req, &answer);
	TALLOC_FREE(req);
	if (c->err == 0) {
		printf("  callback: the answer is \"%s\"\n", answer);
	}
}

/* Look up "cached", and turn the loop until it has no events left. */
static bool run(TALLOC_CTX *mem_ctx, struct tevent_context *ev, bool post)
{
	TALLOC_CTX *frame = talloc_new(mem_ctx);
	struct caller *c = talloc_zero(frame, struct caller);
	struct tevent_req *req;
	bool ok = false;

	if (c == NULL) {
		goto done;
	}
	req = lookup_send(frame, ev, "cached", post);
	if (req == NULL) {
		goto done;
	}
	tevent_req_set_callback(req, looked_up, c);
	if (tevent_loop_wait(ev) != 0) {
		goto done;
	}
	if (!c->called) {
		printf("  the loop has no events left, and no callback ran;"
		       "\n  the request is in progress: %s\n",
		       tevent_req_is_in_progress(req) ? "yes" : "no");
	}
	ok = c->err == 0;
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
	printf("done inside lookup_send, returned without tevent_req_post:\n");
	ok = run(mem_ctx, ev, false);
	if (ok) {
		printf("done inside lookup_send, returned through "
		       "tevent_req_post:\n");
		ok = run(mem_ctx, ev, true);
	}
	/*! [main] */
	talloc_free(mem_ctx);
	if (!ok) {
		fprintf(stderr, "pitfall_req_no_post: failed\n");
		return 1;
	}
	return 0;
}
