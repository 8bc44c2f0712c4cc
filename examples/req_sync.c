/*
 * req_sync.c - tevent_wakeup_send() as a subrequest, and a synchronous
 * wrapper around a request with tevent_req_poll().
 *
 * hello_send() waits with a wakeup request, then makes a greeting. The
 * program runs it once asynchronously, then twice through hello_sync(),
 * which blocks until the request is over. Explained on the page
 * "Waiting: tevent_wakeup and tevent_req_poll".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc req_sync.c $(pkg-config --cflags --libs tevent talloc)
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
struct hello_state {
	const char *name;
	char *text;
};

static void hello_woke_up(struct tevent_req *subreq);
/*! [state] */

/*! [send] */
static struct tevent_req *hello_send(TALLOC_CTX *mem_ctx,
				     struct tevent_context *ev,
				     const char *name, unsigned delay_ms)
{
	struct tevent_req *req, *subreq;
	struct hello_state *state;

	req = tevent_req_create(mem_ctx, &state, struct hello_state);
	if (req == NULL) {
		return NULL;
	}
	if (name[0] == '\0') {
		tevent_req_error(req, EINVAL);
		return tevent_req_post(req, ev);
	}
	state->name = name;
	subreq = tevent_wakeup_send(state, ev,
				    tevent_timeval_current_ofs(0,
							delay_ms * 1000));
	if (tevent_req_nomem(subreq, req)) {
		return tevent_req_post(req, ev);
	}
	tevent_req_set_callback(subreq, hello_woke_up, req);
	return req;
}

static void hello_woke_up(struct tevent_req *subreq)
{
	struct tevent_req *req =
		tevent_req_callback_data(subreq, struct tevent_req);
	struct hello_state *state = tevent_req_data(req, struct hello_state);
	bool ok;

	ok = tevent_wakeup_recv(subreq);
	TALLOC_FREE(subreq);
	if (!ok) {
		tevent_req_oom(req);	/* its timer could not be made */
		return;
	}
	state->text = talloc_asprintf(state, "hello, %s", state->name);
	if (tevent_req_nomem(state->text, req)) {
		return;
	}
	tevent_req_done(req);
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

/*! [recv] */
/* 0 and the text, moved to mem_ctx; or an errno value, and then *text
 * is left as it was. */
static int hello_recv(struct tevent_req *req, TALLOC_CTX *mem_ctx,
		      char **text)
{
	struct hello_state *state = tevent_req_data(req, struct hello_state);
	int err = req_errno(req);

	if (err == 0) {
		*text = talloc_move(mem_ctx, &state->text);
	}
	tevent_req_received(req);
	return err;
}
/*! [recv] */

/* The backend of the program's -b option, for hello_sync()'s own
 * event context. */
static const char *sync_backend;

/*! [sync] */
/* Greet name after delay_ms, and return only then: 0 and the text on
 * mem_ctx, or an errno value. */
static int hello_sync(TALLOC_CTX *mem_ctx, const char *name,
		      unsigned delay_ms, char **text)
{
	TALLOC_CTX *frame = talloc_new(mem_ctx);
	struct tevent_context *ev;
	struct tevent_req *req;
	int err = ENOMEM;

	if (frame == NULL) {
		return ENOMEM;
	}
	ev = tevent_context_init_byname(frame, sync_backend);
	if (ev == NULL) {
		goto done;
	}
	req = hello_send(frame, ev, name, delay_ms);
	if (req == NULL) {
		goto done;
	}
	if (!tevent_req_poll(req, ev)) {
		err = errno != 0 ? errno : EIO;	/* the loop failed */
		goto done;
	}
	printf("  hello_sync: tevent_req_poll returned true\n");
	err = hello_recv(req, mem_ctx, text);
done:
	talloc_free(frame);	/* the request and the context with it */
	return err;
}
/*! [sync] */

/*! [caller] */
struct caller {
	bool finished;
	int err;
	char *text;
};

static void hello_done(struct tevent_req *req)
{
	struct caller *c = tevent_req_callback_data(req, struct caller);

	c->err = hello_recv(req, c, &c->text);
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
	char *text = NULL;
	int err;

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
	sync_backend = backend;

	/*! [main] */
	printf("main: hello_send(\"Ada\", 10 ms), with a callback\n");
	req = hello_send(c, ev, "Ada", 10);
	if (req == NULL) {
		goto nomem;
	}
	tevent_req_set_callback(req, hello_done, c);
	while (!c->finished) {
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "tevent_loop_once failed\n");
			talloc_free(mem_ctx);
			return 1;
		}
	}
	if (c->err != 0) {
		goto nomem;	/* the only way it fails here */
	}
	printf("main: the callback got \"%s\"\n", c->text);

	printf("main: hello_sync(\"Bea\", 10 ms)\n");
	err = hello_sync(mem_ctx, "Bea", 10, &text);
	if (err != 0) {
		goto nomem;
	}
	printf("main: hello_sync returned 0, \"%s\"\n", text);

	printf("main: hello_sync(\"\", 10 ms)\n");
	err = hello_sync(mem_ctx, "", 10, &text);
	if (err != EINVAL) {
		goto nomem;
	}
	printf("main: hello_sync returned %s\n", strerror(err));
	/*! [main] */
	talloc_free(mem_ctx);
	return 0;

nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
