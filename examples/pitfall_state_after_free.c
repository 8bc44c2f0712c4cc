/*
 * pitfall_state_after_free.c - reading a request's state after the free.
 *
 * The state belongs to the request: freeing the request frees it. The
 * wrong callback keeps a pointer into the state across the free and
 * reads through it; valgrind reports the read. The right one takes what
 * it needs through _recv() first. What the program prints is the same
 * either way; only a memory checker sees the difference.
 * Explained on the page "Pitfalls" (queue_pitfalls).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_state_after_free.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

struct count_state {
	int count;
};

static void count_trigger(struct tevent_req *req, void *private_data)
{
	struct count_state *state = tevent_req_data(req, struct count_state);

	(void)private_data;
	state->count = 42;
	tevent_req_done(req);
}

static struct tevent_req *count_send(TALLOC_CTX *mem_ctx,
				     struct tevent_context *ev,
				     struct tevent_queue *queue)
{
	struct tevent_req *req;
	struct count_state *state;

	req = tevent_req_create(mem_ctx, &state, struct count_state);
	if (req == NULL) {
		return NULL;
	}
	if (!tevent_queue_add(queue, ev, req, count_trigger, NULL)) {
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	return req;
}

static bool count_recv(struct tevent_req *req, int *count)
{
	struct count_state *state = tevent_req_data(req, struct count_state);
	enum tevent_req_state req_state;
	uint64_t err;

	if (tevent_req_is_error(req, &req_state, &err)) {
		tevent_req_received(req);
		return false;
	}
	*count = state->count;
	tevent_req_received(req);
	return true;
}

/*! [callbacks] */
struct result {
	bool called;
	bool ok;
	int count;
};

/* Wrong: state points into memory that the free gives back. */
static void count_done_wrong(struct tevent_req *req)
{
	struct result *r = tevent_req_callback_data_void(req);
	struct count_state *state = tevent_req_data(req, struct count_state);

	TALLOC_FREE(req);
	r->count = state->count;	/* reads freed memory */
	r->called = true;
}

/* Right: take the result through _recv(), then free. */
static void count_done(struct tevent_req *req)
{
	struct result *r = tevent_req_callback_data_void(req);

	r->ok = count_recv(req, &r->count);
	TALLOC_FREE(req);
	r->called = true;
}
/*! [callbacks] */

/* Run one count request through the queue; false if it never finished. */
static bool run(struct tevent_context *ev, struct tevent_queue *queue,
		tevent_req_fn callback, struct result *r)
{
	struct tevent_req *req;

	*r = (struct result) { .called = false };
	req = count_send(ev, ev, queue);
	if (req == NULL) {
		return false;
	}
	tevent_req_set_callback(req, callback, r);
	while (!r->called) {
		if (tevent_loop_once(ev) != 0) {
			return false;
		}
	}
	return true;
}

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
	struct result r;
	bool ok;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	queue = tevent_queue_create(mem_ctx, "counts");
	if (ev == NULL || queue == NULL) {
		fprintf(stderr, "out of memory\n");
		talloc_free(mem_ctx);
		return 1;
	}
	/*! [main] */
	/* The value the wrong callback reads from freed memory is
	 * undefined, so it is not printed. */
	ok = run(ev, queue, count_done_wrong, &r);
	printf("wrong callback: %s\n", ok ? "called" : "never called");
	ok = ok && run(ev, queue, count_done, &r) && r.ok;
	printf("right callback: %s, count %d\n", ok ? "called" : "failed",
	       r.count);
	/*! [main] */
	talloc_free(mem_ctx);
	if (!ok) {
		fprintf(stderr, "pitfall_state_after_free: a count request failed\n");
		return 1;
	}
	return 0;
}
