/*
 * queue_teardown.c - freeing a tevent_queue that still has entries.
 *
 * The queue goes, but its requests stay: the active one goes on and
 * finishes, and a waiting one is never triggered and never finishes, so
 * its caller must free it. Then the order that tears everything down
 * cleanly: requests, queue, event context last.
 * Explained on the page "Tearing down" (queue_teardown_lesson).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc queue_teardown.c $(pkg-config --cflags --libs tevent talloc)
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

/* The caller's record of one job: its request, until it is freed. */
struct job_slot {
	struct tevent_req *req;
	bool failed;
};

/* The caller's callback; it clears the caller's pointer as it frees. */
static void job_done(struct tevent_req *req)
{
	struct job_slot *slot = tevent_req_callback_data_void(req);

	slot->failed = !job_recv(req);
	printf("  caller: a job %s, freeing it\n",
	       slot->failed ? "failed" : "is done");
	TALLOC_FREE(slot->req);
}
/*! [job] */

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

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
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
	struct job_slot a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 };

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	queue = tevent_queue_create(mem_ctx, "first");
	if (ev == NULL || queue == NULL) {
		goto nomem;
	}

	/*! [free queue] */
	printf("1. the queue is freed while A works and B waits\n");
	a.req = job_send(mem_ctx, ev, queue, "A", 20);
	b.req = job_send(mem_ctx, ev, queue, "B", 20);
	if (a.req == NULL || b.req == NULL) {
		goto nomem;
	}
	tevent_req_set_callback(a.req, job_done, &a);
	tevent_req_set_callback(b.req, job_done, &b);
	if (tevent_loop_once(ev) != 0) {	/* A starts */
		goto failed;
	}
	if (a.failed || b.failed) {
		goto job_failed;
	}
	TALLOC_FREE(queue);
	printf("main: queue freed; A in progress: %s, B in progress: %s\n",
	       yes_no(tevent_req_is_in_progress(a.req)),
	       yes_no(tevent_req_is_in_progress(b.req)));
	if (!wait_ms(ev, 50)) {
		goto failed;
	}
	if (a.failed || b.failed) {
		goto job_failed;
	}
	printf("main: 50 ms later, A is %s, B in progress: %s\n",
	       a.req == NULL ? "done and freed" : "still there",
	       yes_no(b.req != NULL && tevent_req_is_in_progress(b.req)));
	printf("main: B will never finish; its caller frees it\n");
	TALLOC_FREE(b.req);
	/*! [free queue] */

	/*! [order] */
	printf("2. a clean teardown: requests, then queue, then context\n");
	queue = tevent_queue_create(mem_ctx, "second");
	if (queue == NULL) {
		goto nomem;
	}
	c.req = job_send(mem_ctx, ev, queue, "C", 20);
	d.req = job_send(mem_ctx, ev, queue, "D", 20);
	if (c.req == NULL || d.req == NULL) {
		goto nomem;
	}
	tevent_req_set_callback(c.req, job_done, &c);
	tevent_req_set_callback(d.req, job_done, &d);
	if (tevent_loop_once(ev) != 0) {	/* C starts */
		goto failed;
	}
	if (c.failed || d.failed) {
		goto job_failed;
	}
	printf("main: freeing C (active) and D (waiting)\n");
	TALLOC_FREE(c.req);
	TALLOC_FREE(d.req);
	printf("main: freeing the queue, then the event context\n");
	TALLOC_FREE(queue);
	TALLOC_FREE(ev);
	/*! [order] */

	talloc_free(mem_ctx);
	return 0;

job_failed:
	fprintf(stderr, "queue_teardown: a job failed\n");
	talloc_free(mem_ctx);
	return 1;
failed:
	fprintf(stderr, "queue_teardown: the event loop failed\n");
	talloc_free(mem_ctx);
	return 1;
nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
