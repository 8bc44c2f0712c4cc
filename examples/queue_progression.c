/*
 * queue_progression.c - what moves a tevent_queue on.
 *
 * Request A finishes, but its caller keeps it allocated: the queue stays
 * blocked, and B's trigger does not run, however long we wait. Freeing A
 * removes its queue entry (a talloc child of A with a destructor), and
 * B's trigger runs on the next turn of the event loop.
 * Explained on the page "The tevent_queue tutorial".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc queue_progression.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [request] */
struct step_state {
	const char *name;
};

/* The trigger finishes the request at once: the work is not the point. */
static void step_trigger(struct tevent_req *req, void *private_data)
{
	struct step_state *state = tevent_req_data(req, struct step_state);

	(void)private_data;

	printf("  trigger %s: runs, finishes the request\n", state->name);
	tevent_req_done(req);
}

static struct tevent_req *step_send(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev,
				    struct tevent_queue *queue,
				    const char *name)
{
	struct tevent_req *req;
	struct step_state *state;

	req = tevent_req_create(mem_ctx, &state, struct step_state);
	if (req == NULL) {
		return NULL;
	}
	state->name = talloc_strdup(state, name);
	if (tevent_req_nomem(state->name, req)) {
		return tevent_req_post(req, ev);
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
/*! [request] */

/*! [children] */
/* Print the names of the direct talloc children of ptr. */
static void print_child(const void *ptr, int depth, int max_depth,
			int is_ref, void *private_data)
{
	(void)max_depth;
	(void)is_ref;
	(void)private_data;

	if (depth == 1) {
		printf("    child: %s\n", talloc_get_name(ptr));
	}
}

static void print_children(const char *what, const void *ptr)
{
	printf("  talloc children of %s:\n", what);
	talloc_report_depth_cb(ptr, 0, 1, print_child, NULL);
}
/*! [children] */

/*! [callbacks] */
struct demo {
	struct tevent_queue *queue;
	struct tevent_req *held;	/* A, finished but not yet freed */
	bool b_done;
	bool waited;
	bool failed;			/* a step failed (out of memory) */
};

/* A's caller takes the result and keeps the request, not freeing it. */
static void a_done_keep(struct tevent_req *req)
{
	struct demo *d = tevent_req_callback_data(req, struct demo);

	bool ok = step_recv(req);

	printf("  callback A: %s, request kept\n", ok ? "done" : "failed");
	d->held = req;
	d->failed |= !ok;
}

/* B's caller does it right: take the result, free the request. */
static void b_done_free(struct tevent_req *req)
{
	struct demo *d = tevent_req_callback_data(req, struct demo);

	bool ok = step_recv(req);

	printf("  callback B: %s, request freed\n", ok ? "done" : "failed");
	TALLOC_FREE(req);
	d->b_done = true;
	d->failed |= !ok;
}
/*! [callbacks] */

/*! [timer] */
static void waited(struct tevent_context *ev, struct tevent_timer *te,
		   struct timeval now, void *private_data)
{
	struct demo *d = talloc_get_type_abort(private_data, struct demo);

	(void)ev;
	(void)te;
	(void)now;

	printf("  timer: 20 ms later, B %s, queue length %zu\n",
	       d->b_done ? "is done" : "has not started",
	       tevent_queue_length(d->queue));
	d->waited = true;
}
/*! [timer] */

/*! [trace] */
/*
 * With -t, the program also prints the queue's trace points (see the
 * lesson "Watching a queue"); the site draws its timeline from them.
 * Entries are named by the order they attach: A, then B.
 */
struct tracer {
	const struct tevent_queue_entry *seen[2];
};

static void trace_point(struct tevent_queue_entry *qe,
			enum tevent_event_trace_point point,
			void *private_data)
{
	struct tracer *t = private_data;
	const char *what = "?";
	char name = '?';
	size_t i;

	for (i = 0; i < 2; i++) {
		if (t->seen[i] == NULL && point == TEVENT_EVENT_TRACE_ATTACH) {
			t->seen[i] = qe;
		}
		if (t->seen[i] == qe) {
			name = (char)('A' + i);
			break;
		}
	}
	switch (point) {
	case TEVENT_EVENT_TRACE_ATTACH:
		what = "attach";
		break;
	case TEVENT_EVENT_TRACE_BEFORE_HANDLER:
		what = "before";
		break;
	case TEVENT_EVENT_TRACE_DETACH:
		what = "detach";
		break;
	}
	printf("  trace: %s %c\n", what, name);
}
/*! [trace] */

/*
 * The command line: "-b BACKEND" runs the program on that tevent
 * backend, one of those that tevent_backend_list() names (without it,
 * tevent picks its default); "-t" prints the trace points too. A bad
 * argument ends the program with a usage line on stderr and exit
 * status 2.
 */
struct options {
	const char *backend;
	bool trace;
};

static void usage(const char *prog)
{
	const char **names = tevent_backend_list(NULL);
	size_t i;

	fprintf(stderr, "usage: %s [-b BACKEND] [-t]; BACKEND is one of:",
		prog);
	for (i = 0; names != NULL && names[i] != NULL; i++) {
		fprintf(stderr, " %s", names[i]);
	}
	fprintf(stderr, "\n");
	talloc_free(names);
	exit(2);
}

static bool backend_is_known(const char *backend)
{
	const char **names = tevent_backend_list(NULL);
	bool known = false;
	size_t i;

	for (i = 0; names != NULL && names[i] != NULL; i++) {
		known = known || strcmp(names[i], backend) == 0;
	}
	talloc_free(names);
	return known;
}

static struct options options_from_args(int argc, char **argv)
{
	struct options o = { .backend = NULL, .trace = false };
	int opt;

	opterr = 0;		/* usage() says it all, in one line */
	while ((opt = getopt(argc, argv, "b:t")) != -1) {
		switch (opt) {
		case 'b':
			if (!backend_is_known(optarg)) {
				usage(argv[0]);
			}
			o.backend = optarg;
			break;
		case 't':
			o.trace = true;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc) {
		usage(argv[0]);
	}
	return o;
}

int main(int argc, char **argv)
{
	struct options o = options_from_args(argc, argv);
	struct tracer tracer = { .seen = { NULL, NULL } };
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	struct tevent_req *a, *b;
	struct tevent_timer *te;
	struct demo *d;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, o.backend);
	d = talloc_zero(mem_ctx, struct demo);
	if (ev == NULL || d == NULL) {
		goto nomem;
	}
	d->queue = tevent_queue_create(d, "progression");
	if (d->queue == NULL) {
		goto nomem;
	}
	if (o.trace) {
		tevent_set_trace_queue_callback(ev, trace_point, &tracer);
	}

	/*! [add] */
	a = step_send(mem_ctx, ev, d->queue, "A");
	if (a == NULL) {
		goto nomem;
	}
	tevent_req_set_callback(a, a_done_keep, d);
	b = step_send(mem_ctx, ev, d->queue, "B");
	if (b == NULL) {
		goto nomem;
	}
	tevent_req_set_callback(b, b_done_free, d);
	printf("main: added A and B, queue length %zu\n",
	       tevent_queue_length(d->queue));
	print_children("request A", a);
	printf("  talloc parent of the queue: %s\n",
	       talloc_get_name(talloc_parent(d->queue)));
	print_children("the queue", d->queue);
	/*! [add] */

	/*! [stall] */
	printf("main: one turn of the event loop\n");
	if (tevent_loop_once(ev) != 0) {
		goto loop_failed;
	}
	if (d->failed) {
		goto step_failed;
	}
	printf("main: A finished but is still allocated, "
	       "queue length %zu\n", tevent_queue_length(d->queue));

	te = tevent_add_timer(ev, d, tevent_timeval_current_ofs(0, 20000),
			      waited, d);
	if (te == NULL) {
		goto nomem;
	}
	while (!d->waited) {
		if (tevent_loop_once(ev) != 0) {
			goto loop_failed;
		}
	}
	if (d->failed) {
		goto step_failed;
	}
	/*! [stall] */

	/*! [free] */
	printf("main: talloc_free(A)\n");
	TALLOC_FREE(d->held);
	printf("main: talloc_free returned, queue length %zu, B %s\n",
	       tevent_queue_length(d->queue),
	       d->b_done ? "is done" : "has not started");
	printf("main: one turn of the event loop\n");
	if (tevent_loop_once(ev) != 0) {
		goto loop_failed;
	}
	printf("main: B %s, queue length %zu\n",
	       d->b_done ? "is done" : "has not started",
	       tevent_queue_length(d->queue));
	/*! [free] */

	if (d->failed || !d->b_done) {
		goto step_failed;
	}
	talloc_free(mem_ctx);
	return 0;

step_failed:
	fprintf(stderr, "queue_progression: a step failed\n");
	talloc_free(mem_ctx);
	return 1;
loop_failed:
	fprintf(stderr, "tevent_loop_once failed\n");
	talloc_free(mem_ctx);
	return 1;
nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
