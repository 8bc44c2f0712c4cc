/*
 * queue_blocker.c - holding a tevent_queue with a blocker.
 *
 * A request added with a NULL trigger is a blocker: it starts no work,
 * and when it is at the head the queue stays put until it is freed.
 * Here writes are queued before the connection is up; a blocker holds
 * them back until the program "connects" (a timer stands in for it).
 * Explained on the page "Blockers" (queue_blocker_lesson).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc queue_blocker.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [hold] */
/* A request that only holds a place in the queue until it is freed. */
struct hold_state {
	uint8_t dummy;		/* C has no empty structs */
};

static struct tevent_req *hold_send(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev,
				    struct tevent_queue *queue)
{
	struct tevent_req *req;
	struct hold_state *state;

	req = tevent_req_create(mem_ctx, &state, struct hold_state);
	if (req == NULL) {
		return NULL;
	}
	if (!tevent_queue_add(queue, ev, req, NULL, NULL)) {	/* blocker */
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	return req;
}
/*! [hold] */

/*! [write] */
/* A pretend write: its trigger prints and finishes at once. */
struct write_state {
	const char *what;
};

static void write_trigger(struct tevent_req *req, void *private_data)
{
	struct write_state *state = tevent_req_data(req, struct write_state);

	(void)private_data;

	printf("  trigger: writing %s\n", state->what);
	tevent_req_done(req);
}

static struct tevent_req *write_send(TALLOC_CTX *mem_ctx,
				     struct tevent_context *ev,
				     struct tevent_queue *queue,
				     const char *what)
{
	struct tevent_req *req;
	struct write_state *state;

	req = tevent_req_create(mem_ctx, &state, struct write_state);
	if (req == NULL) {
		return NULL;
	}
	state->what = talloc_strdup(state, what);
	if (tevent_req_nomem(state->what, req)) {
		return tevent_req_post(req, ev);
	}
	if (!tevent_queue_add(queue, ev, req, write_trigger, NULL)) {
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	return req;
}

/* true if the write succeeded */
static bool write_recv(struct tevent_req *req)
{
	enum tevent_req_state state;
	uint64_t err;
	bool ok = !tevent_req_is_error(req, &state, &err);

	tevent_req_received(req);
	return ok;
}

/* The caller's side: writes not yet reported back, and any failure. */
struct caller {
	size_t pending;
	bool failed;
};

/* The caller's callback: the write is over; receive it, free it. */
static void write_done(struct tevent_req *req)
{
	struct caller *c = tevent_req_callback_data_void(req);

	if (!write_recv(req)) {
		printf("  caller: a write failed\n");
		c->failed = true;
	}
	TALLOC_FREE(req);
	c->pending -= 1;
}

/*
 * A blocker's request finishes only if hold_send() failed, or if
 * somebody finishes it: main() does, to show that this changes nothing.
 * The request stays allocated; main() frees it.
 */
static void hold_done(struct tevent_req *req)
{
	struct caller *c = tevent_req_callback_data_void(req);
	enum tevent_req_state state;
	uint64_t err;

	if (tevent_req_is_error(req, &state, &err)) {
		printf("  caller: a blocker failed\n");
		c->failed = true;
	}
}
/*! [write] */

/*! [wait] */
static void timer_fired(struct tevent_context *ev, struct tevent_timer *te,
			struct timeval now, void *private_data)
{
	bool *fired = private_data;

	(void)ev;
	(void)te;
	(void)now;
	*fired = true;
}

/* Turn the event loop for ms milliseconds. */
static bool wait_ms(struct tevent_context *ev, unsigned ms)
{
	bool fired = false;

	if (tevent_add_timer(ev, ev, tevent_timeval_current_ofs(0, ms * 1000),
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
/*! [wait] */

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
	struct tevent_req *connecting, *flush;
	struct caller c = { .pending = 0, .failed = false };
	const char *writes[] = { "hello", "world" };
	size_t i;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	queue = tevent_queue_create(mem_ctx, "connection");
	if (ev == NULL || queue == NULL) {
		goto nomem;
	}

	/*! [main] */
	/* Writes may be queued before the connection is up. */
	connecting = hold_send(mem_ctx, ev, queue);
	if (connecting == NULL) {
		goto nomem;
	}
	tevent_req_set_callback(connecting, hold_done, &c);
	for (i = 0; i < 2; i++) {
		struct tevent_req *req = write_send(mem_ctx, ev, queue,
						    writes[i]);
		if (req == NULL) {
			goto nomem;
		}
		tevent_req_set_callback(req, write_done, &c);
		c.pending += 1;
	}
	/* A flush point: later writes wait until the flush is over. */
	flush = hold_send(mem_ctx, ev, queue);
	if (flush == NULL) {
		goto nomem;
	}
	tevent_req_set_callback(flush, hold_done, &c);
	{
		struct tevent_req *req = write_send(mem_ctx, ev, queue,
						    "after the flush");
		if (req == NULL) {
			goto nomem;
		}
		tevent_req_set_callback(req, write_done, &c);
		c.pending += 1;
	}
	printf("main: queue length %zu: blocker, 2 writes, blocker, write\n",
	       tevent_queue_length(queue));

	if (!wait_ms(ev, 20)) {
		goto failed;
	}
	printf("main: 20 ms later, writes pending: %zu\n", c.pending);

	tevent_req_done(connecting);
	printf("main: finished the blocker's request, but did not free it\n");
	if (!wait_ms(ev, 20)) {
		goto failed;
	}
	printf("main: 20 ms later, writes pending: %zu\n", c.pending);

	printf("main: connected, freeing the first blocker\n");
	TALLOC_FREE(connecting);
	if (!wait_ms(ev, 20)) {
		goto failed;
	}
	printf("main: 20 ms later, writes pending: %zu, queue length %zu\n",
	       c.pending, tevent_queue_length(queue));

	printf("main: flushed, freeing the second blocker\n");
	TALLOC_FREE(flush);
	while (c.pending > 0) {
		if (tevent_loop_once(ev) != 0) {
			goto failed;
		}
	}
	printf("main: all writes done, queue length %zu\n",
	       tevent_queue_length(queue));
	/*! [main] */

	talloc_free(mem_ctx);
	if (c.failed) {
		fprintf(stderr, "queue_blocker: a request failed\n");
		return 1;
	}
	return 0;

failed:
	fprintf(stderr, "queue_blocker: the event loop failed\n");
	talloc_free(mem_ctx);
	return 1;
nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
