/*
 * pitfall_never_freed.c - a finished request that nobody frees.
 *
 * The caller's callback collects the result but does not free the
 * request: the queue stays blocked and the next request never starts. A
 * timer catches the stall. Then the fixed callback, which frees.
 * Explained on the page "Pitfalls" (queue_pitfalls).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_never_freed.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/* A request that finishes in its trigger. */
struct step_state {
	uint8_t dummy;		/* C has no empty structs */
};

static void step_trigger(struct tevent_req *req, void *private_data)
{
	(void)private_data;
	tevent_req_done(req);
}

static struct tevent_req *step_send(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev,
				    struct tevent_queue *queue)
{
	struct tevent_req *req;
	struct step_state *state;

	req = tevent_req_create(mem_ctx, &state, struct step_state);
	if (req == NULL) {
		return NULL;
	}
	if (!tevent_queue_add(queue, ev, req, step_trigger, NULL)) {
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	return req;
}

static bool step_recv(struct tevent_req *req)
{
	enum tevent_req_state state;
	uint64_t err;
	bool ok = !tevent_req_is_error(req, &state, &err);

	tevent_req_received(req);
	return ok;
}

/*! [callbacks] */
/* Wrong: the request is finished, received, and left allocated. */
static void step_done_leaky(struct tevent_req *req)
{
	unsigned *done = tevent_req_callback_data_void(req);

	if (step_recv(req)) {
		*done += 1;
	}
}

/* Right: receive, then free; the free lets the next request go. */
static void step_done(struct tevent_req *req)
{
	unsigned *done = tevent_req_callback_data_void(req);

	if (step_recv(req)) {
		*done += 1;
	}
	TALLOC_FREE(req);
}
/*! [callbacks] */

static void timer_fired(struct tevent_context *ev, struct tevent_timer *te,
			struct timeval now, void *private_data)
{
	bool *fired = private_data;

	(void)ev;
	(void)te;
	(void)now;
	*fired = true;
}

/*! [run] */
/* Two requests; report how many finished within 50 ms. */
static int run(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
	       tevent_req_fn callback)
{
	TALLOC_CTX *frame = talloc_new(mem_ctx);
	struct tevent_queue *queue;
	unsigned done = 0;
	bool fired = false;
	int i;

	if (frame == NULL) {
		return -1;
	}
	queue = tevent_queue_create(frame, "steps");
	if (queue == NULL) {
		goto fail;
	}
	for (i = 0; i < 2; i++) {
		struct tevent_req *req = step_send(frame, ev, queue);

		if (req == NULL) {
			goto fail;
		}
		tevent_req_set_callback(req, callback, &done);
	}
	if (tevent_add_timer(ev, frame, tevent_timeval_current_ofs(0, 50000),
			     timer_fired, &fired) == NULL) {
		goto fail;
	}
	while (!fired && done < 2) {
		if (tevent_loop_once(ev) != 0) {
			goto fail;
		}
	}
	printf("  requests finished: %u of 2, queue length %zu%s\n", done,
	       tevent_queue_length(queue),
	       done < 2 ? ": the queue has stalled" : "");
	TALLOC_FREE(frame);	/* frees what the leaky callback kept */
	return 0;
fail:
	TALLOC_FREE(frame);
	return -1;
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
	int ret;

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
	printf("the callback does not free the request:\n");
	ret = run(mem_ctx, ev, step_done_leaky);
	if (ret == 0) {
		printf("the callback frees the request:\n");
		ret = run(mem_ctx, ev, step_done);
	}
	/*! [main] */
	talloc_free(mem_ctx);
	if (ret != 0) {
		fprintf(stderr, "pitfall_never_freed: failed\n");
		return 1;
	}
	return 0;
}
