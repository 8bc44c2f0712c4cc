/*
 * queue_optimize_empty.c - tevent_queue_add_optimize_empty() and its trap.
 *
 * On an empty, running queue, and only for a request whose callback is
 * not set yet, tevent_queue_add_optimize_empty() calls the trigger inside
 * the call. If the trigger finishes the request there, _send() must
 * return it through tevent_req_post(), or the caller is never told.
 * Explained on the page "Triggering at once" (queue_optimize_empty_lesson).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc queue_optimize_empty.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [lookup] */
/* A lookup whose answer is cached: its trigger finishes at once. */
struct lookup_state {
	const char *key;
	bool in_send;		/* set while lookup_send() runs */
};

static void lookup_trigger(struct tevent_req *req, void *private_data)
{
	struct lookup_state *state = tevent_req_data(req, struct lookup_state);

	(void)private_data;

	printf("  trigger %s: runs %s\n", state->key,
	       state->in_send ? "inside the _send() call" : "from the loop");
	tevent_req_done(req);
}
/*! [lookup] */

/*! [unsafe send] */
/* The trap: the request may already be finished when this returns. */
static struct tevent_req *lookup_send_unsafe(TALLOC_CTX *mem_ctx,
					     struct tevent_context *ev,
					     struct tevent_queue *queue,
					     const char *key)
{
	struct tevent_req *req;
	struct lookup_state *state;

	req = tevent_req_create(mem_ctx, &state, struct lookup_state);
	if (req == NULL) {
		return NULL;
	}
	state->key = key;	/* a string literal in this program */
	state->in_send = true;
	if (tevent_queue_add_optimize_empty(queue, ev, req,
					    lookup_trigger, NULL) == NULL) {
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	state->in_send = false;
	return req;
}
/*! [unsafe send] */

/*! [send] */
/* The fix: a request that finished inside the call goes out posted. */
static struct tevent_req *lookup_send(TALLOC_CTX *mem_ctx,
				      struct tevent_context *ev,
				      struct tevent_queue *queue,
				      const char *key)
{
	struct tevent_req *req;
	struct lookup_state *state;

	req = tevent_req_create(mem_ctx, &state, struct lookup_state);
	if (req == NULL) {
		return NULL;
	}
	state->key = key;	/* a string literal in this program */
	state->in_send = true;
	if (tevent_queue_add_optimize_empty(queue, ev, req,
					    lookup_trigger, NULL) == NULL) {
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	state->in_send = false;
	if (!tevent_req_is_in_progress(req)) {
		return tevent_req_post(req, ev);
	}
	return req;
}
/*! [send] */

/*! [caller] */
struct caller {
	const char *answered;	/* key of the last answer, or NULL */
	bool failed;		/* a lookup failed */
};

static bool lookup_recv(struct tevent_req *req, const char **pkey)
{
	struct lookup_state *state = tevent_req_data(req, struct lookup_state);
	enum tevent_req_state req_state;
	uint64_t err;
	bool ok = !tevent_req_is_error(req, &req_state, &err);

	if (ok) {
		*pkey = state->key;	/* a literal: outlives the state */
	}
	tevent_req_received(req);
	return ok;
}

static void lookup_done(struct tevent_req *req)
{
	struct caller *c = tevent_req_callback_data(req, struct caller);
	const char *key = NULL;
	bool ok = lookup_recv(req, &key);

	TALLOC_FREE(req);
	if (!ok) {
		printf("  caller: a lookup failed\n");
		c->failed = true;
		return;
	}
	c->answered = key;
	printf("  caller: answer for %s\n", key);
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

static bool answered(const struct caller *c, const char *key)
{
	return c->answered != NULL && strcmp(c->answered, key) == 0;
}

/* Turn the loop until key is answered, or give up after ms. */
static bool wait_answer(struct tevent_context *ev, struct caller *c,
			const char *key, unsigned ms)
{
	bool fired = false;
	struct tevent_timer *te;

	te = tevent_add_timer(ev, c, tevent_timeval_current_ofs(0, ms * 1000),
			      timer_fired, &fired);
	if (te == NULL) {
		return false;
	}
	while (!fired && !answered(c, key)) {
		if (tevent_loop_once(ev) != 0) {
			break;
		}
	}
	if (!fired) {
		TALLOC_FREE(te);	/* only then: tevent freed it if it fired */
	}
	return answered(c, key);
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
	struct tevent_queue *queue;
	struct caller *c;
	struct tevent_req *a, *b, *d;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	queue = tevent_queue_create(mem_ctx, "lookups");
	c = talloc_zero(mem_ctx, struct caller);
	if (ev == NULL || queue == NULL || c == NULL) {
		goto nomem;
	}

	/*! [when] */
	printf("1. the fixed lookup_send(), empty queue, then a busy one\n");
	a = lookup_send(mem_ctx, ev, queue, "A");
	b = lookup_send(mem_ctx, ev, queue, "B");
	if (a == NULL || b == NULL) {
		goto nomem;
	}
	tevent_req_set_callback(a, lookup_done, c);
	tevent_req_set_callback(b, lookup_done, c);
	printf("main: callbacks set, queue length %zu\n",
	       tevent_queue_length(queue));
	if (!wait_answer(ev, c, "B", 50) || c->failed) {
		goto failed;
	}
	/*! [when] */

	/*! [trap] */
	printf("2. lookup_send_unsafe() on an empty queue\n");
	d = lookup_send_unsafe(mem_ctx, ev, queue, "C");
	if (d == NULL) {
		goto nomem;
	}
	tevent_req_set_callback(d, lookup_done, c);
	printf("main: callback set; request in progress: %s\n",
	       tevent_req_is_in_progress(d) ? "yes" : "no");
	if (wait_answer(ev, c, "C", 50) || c->failed) {
		goto failed;	/* then the trap did not spring */
	}
	printf("main: no answer for C after 50 ms, queue length %zu\n",
	       tevent_queue_length(queue));
	TALLOC_FREE(d);
	/*! [trap] */

	talloc_free(mem_ctx);
	return 0;

failed:
	fprintf(stderr, "queue_optimize_empty: a lookup failed\n");
	talloc_free(mem_ctx);
	return 1;

nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
