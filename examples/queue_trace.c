/*
 * queue_trace.c - watching a tevent_queue: trace points and entry tags.
 *
 * A trace callback registered with tevent_set_trace_queue_callback()
 * sees every entry attach to the queue, every trigger call, and every
 * entry detach. Tags name the entries in the timeline. A second
 * component chains to the callback registered before it, found with
 * tevent_get_trace_queue_callback().
 * Explained on the page "Watching a queue" (queue_trace_lesson).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc queue_trace.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [counter] */
/* A component that counts trace points; it registers first. */
struct counts {
	unsigned attach, before, detach;
};

static void count_points(struct tevent_queue_entry *qe,
			 enum tevent_event_trace_point point,
			 void *private_data)
{
	struct counts *n = private_data;

	(void)qe;
	switch (point) {
	case TEVENT_EVENT_TRACE_ATTACH:
		n->attach += 1;
		break;
	case TEVENT_EVENT_TRACE_BEFORE_HANDLER:
		n->before += 1;
		break;
	case TEVENT_EVENT_TRACE_DETACH:
		n->detach += 1;
		break;
	}
}
/*! [counter] */

/*! [timeline] */
/* The timeline: prints each point, then calls the callback it replaced. */
struct timeline {
	struct tevent_queue *queue;
	tevent_trace_queue_callback_t prev_cb;
	void *prev_data;
};

static const char *point_name(enum tevent_event_trace_point point)
{
	switch (point) {
	case TEVENT_EVENT_TRACE_ATTACH:
		return "attach";
	case TEVENT_EVENT_TRACE_BEFORE_HANDLER:
		return "before";
	case TEVENT_EVENT_TRACE_DETACH:
		return "detach";
	}
	return "?";
}

static void print_point(struct tevent_queue_entry *qe,
			enum tevent_event_trace_point point,
			void *private_data)
{
	struct timeline *t = private_data;

	/* One queue in this program: t->queue is the entry's queue. A
	 * trace callback sees the entries of every queue of the context. */
	printf("  trace %-6s tag %llu, queue length %zu\n",
	       point_name(point),
	       (unsigned long long)tevent_queue_entry_get_tag(qe),
	       tevent_queue_length(t->queue));
	if (t->prev_cb != NULL) {
		t->prev_cb(qe, point, t->prev_data);
	}
}

static void timeline_start(struct tevent_context *ev, struct timeline *t)
{
	tevent_get_trace_queue_callback(ev, &t->prev_cb, &t->prev_data);
	tevent_set_trace_queue_callback(ev, print_point, t);
}

static void timeline_stop(struct tevent_context *ev, struct timeline *t)
{
	tevent_set_trace_queue_callback(ev, t->prev_cb, t->prev_data);
}
/*! [timeline] */

/*! [job] */
/* A job that finishes in its trigger; the caller frees it. */
struct job_state {
	const char *name;
};

static void job_trigger(struct tevent_req *req, void *private_data)
{
	struct job_state *state = tevent_req_data(req, struct job_state);

	(void)private_data;

	printf("  trigger: %s\n", state->name);
	tevent_req_done(req);
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

static void job_done(struct tevent_req *req)
{
	printf("  caller: %s, freeing the request\n",
	       job_recv(req) ? "done" : "failed");
	TALLOC_FREE(req);
}

/*
 * The caller's helper: create a request, add it with the trigger given
 * (NULL makes its entry a blocker), tag its entry, and set the callback
 * of a request with a trigger (nothing finishes a blocker). A real
 * program would hide the first three steps in a _send() function.
 */
static struct tevent_req *add_tagged(TALLOC_CTX *mem_ctx,
				     struct tevent_context *ev,
				     struct tevent_queue *queue,
				     const char *name,
				     tevent_queue_trigger_fn_t trigger,
				     uint64_t tag)
{
	struct tevent_req *req;
	struct job_state *state;
	struct tevent_queue_entry *qe;

	req = tevent_req_create(mem_ctx, &state, struct job_state);
	if (req == NULL) {
		return NULL;
	}
	state->name = name;	/* a string literal in this program */
	qe = tevent_queue_add_entry(queue, ev, req, trigger, NULL);
	if (qe == NULL) {
		TALLOC_FREE(req);
		return NULL;
	}
	tevent_queue_entry_set_tag(qe, tag);
	printf("main: added %s, tagged %llu\n", name,
	       (unsigned long long)tag);
	if (trigger != NULL) {
		tevent_req_set_callback(req, job_done, NULL);
	}
	return req;
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
	struct tevent_req *blocker;
	struct counts *n;
	struct timeline *t;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	queue = tevent_queue_create(mem_ctx, "traced");
	n = talloc_zero(mem_ctx, struct counts);
	t = talloc_zero(mem_ctx, struct timeline);
	if (ev == NULL || queue == NULL || n == NULL || t == NULL) {
		goto nomem;
	}

	/*! [main] */
	tevent_set_trace_queue_callback(ev, count_points, n);
	t->queue = queue;
	timeline_start(ev, t);

	if (add_tagged(mem_ctx, ev, queue, "job 1", job_trigger, 1) == NULL ||
	    add_tagged(mem_ctx, ev, queue, "job 2", job_trigger, 2) == NULL) {
		goto nomem;
	}
	blocker = add_tagged(mem_ctx, ev, queue, "a blocker", NULL, 9);
	if (blocker == NULL) {
		goto nomem;
	}
	if (!wait_ms(ev, 20)) {
		goto failed;
	}
	printf("main: 20 ms later, queue length %zu; freeing the blocker\n",
	       tevent_queue_length(queue));
	TALLOC_FREE(blocker);

	timeline_stop(ev, t);
	printf("main: the counter saw %u attach, %u before, %u detach\n",
	       n->attach, n->before, n->detach);
	/*! [main] */

	talloc_free(mem_ctx);
	return 0;

failed:
	fprintf(stderr, "queue_trace: the event loop failed\n");
	talloc_free(mem_ctx);
	return 1;
nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
