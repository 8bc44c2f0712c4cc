/*
 * queue_stop_start.c - pausing a tevent_queue.
 *
 * tevent_queue_stop() keeps the queue from triggering anything: a trigger
 * that was already scheduled does not run, and freeing the active request
 * does not start the next one. The active request itself goes on.
 * tevent_queue_start() lets the queue go on, from the event loop.
 * Explained on the page "Pausing a queue" (queue_stop_start_lesson).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc queue_stop_start.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [job] */
/* A job whose work is a timer of work_ms milliseconds. */
struct job_state {
	struct tevent_context *ev;	/* the trigger is not given one */
	const char *name;
	unsigned work_ms;
};

static void job_work_done(struct tevent_context *ev,
			  struct tevent_timer *te,
			  struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct job_state *state = tevent_req_data(req, struct job_state);

	(void)ev;
	(void)te;
	(void)now;

	printf("  %s: work finished\n", state->name);
	tevent_req_done(req);
}

static void job_trigger(struct tevent_req *req, void *private_data)
{
	struct job_state *state = tevent_req_data(req, struct job_state);
	struct tevent_timer *te;

	(void)private_data;

	printf("  trigger: %s starts\n", state->name);
	te = tevent_add_timer(state->ev, state,
			      tevent_timeval_current_ofs(0,
						state->work_ms * 1000),
			      job_work_done, req);
	if (tevent_req_nomem(te, req)) {
		return;
	}
}

static struct tevent_req *job_send(TALLOC_CTX *mem_ctx,
				   struct tevent_context *ev,
				   struct tevent_queue *queue,
				   const char *name, unsigned work_ms)
{
	struct tevent_req *req;
	struct job_state *state;

	req = tevent_req_create(mem_ctx, &state, struct job_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->work_ms = work_ms;
	state->name = talloc_strdup(state, name);
	if (tevent_req_nomem(state->name, req)) {
		return tevent_req_post(req, ev);
	}
	if (!tevent_queue_add(queue, ev, req, job_trigger, NULL)) {
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	return req;
}

/* true if the job succeeded */
static bool job_recv(struct tevent_req *req)
{
	enum tevent_req_state state;
	uint64_t err;
	bool ok = !tevent_req_is_error(req, &state, &err);

	tevent_req_received(req);
	return ok;
}

/* The caller's side: jobs not yet reported back, and any failure. */
struct caller {
	size_t pending;
	bool failed;
};

/* The caller's callback: receive, report, then free the request. */
static void job_done(struct tevent_req *req)
{
	struct caller *c = tevent_req_callback_data_void(req);
	bool ok = job_recv(req);

	TALLOC_FREE(req);
	c->pending -= 1;
	c->failed |= !ok;
	printf("  caller: a job %s, request freed\n",
	       ok ? "is done" : "failed");
}
/*! [job] */

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

/*! [show] */
static void show(const char *what, struct tevent_queue *queue)
{
	printf("main: %s; running: %s, length %zu\n", what,
	       tevent_queue_running(queue) ? "yes" : "no",
	       tevent_queue_length(queue));
}
/*! [show] */

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
	struct caller c = { .pending = 0, .failed = false };
	const char *names[] = { "A", "B" };
	size_t i;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	queue = tevent_queue_create(mem_ctx, "jobs");
	if (ev == NULL || queue == NULL) {
		goto nomem;
	}

	/*! [scheduled] */
	for (i = 0; i < 2; i++) {
		struct tevent_req *req = job_send(mem_ctx, ev, queue,
						  names[i], 20);
		if (req == NULL) {
			goto nomem;
		}
		tevent_req_set_callback(req, job_done, &c);
		c.pending += 1;
	}
	show("added A and B, A's trigger is scheduled", queue);
	tevent_queue_stop(queue);
	show("stopped", queue);
	if (!wait_ms(ev, 20)) {
		goto failed;
	}
	show("20 ms later, nothing has started", queue);
	tevent_queue_start(queue);
	show("started", queue);
	/*! [scheduled] */

	/*! [active] */
	if (tevent_loop_once(ev) != 0) {	/* A starts */
		goto failed;
	}
	tevent_queue_stop(queue);
	show("stopped while A works", queue);
	if (!wait_ms(ev, 40)) {
		goto failed;
	}
	show("40 ms later, A is done and freed, B has not started", queue);
	tevent_queue_start(queue);
	show("started", queue);
	while (c.pending > 0) {
		if (tevent_loop_once(ev) != 0) {
			goto failed;
		}
	}
	show("all done", queue);
	/*! [active] */

	if (c.failed) {
		fprintf(stderr, "queue_stop_start: a job failed\n");
		talloc_free(mem_ctx);
		return 1;
	}
	talloc_free(mem_ctx);
	return 0;

failed:
	fprintf(stderr, "queue_stop_start: the event loop failed\n");
	talloc_free(mem_ctx);
	return 1;
nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
