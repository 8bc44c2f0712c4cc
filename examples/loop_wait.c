/*
 * loop_wait.c - when tevent_loop_wait() returns.
 *
 * A timer that adds itself again three times keeps the loop running;
 * once it stops, tevent_loop_wait() returns. Then a queue that is held
 * by a finished request nobody freed: tevent_loop_wait() returns at once,
 * with the next request still waiting. Explained on the page "When
 * tevent_loop_wait() returns".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc loop_wait.c $(pkg-config --cflags --libs tevent talloc)
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

/*! [tick] */
struct ticker {
	unsigned ticks;
	unsigned max;
	bool failed;
};

/* Each tick adds the next one, until max: then no event is left. */
static void tick(struct tevent_context *ev, struct tevent_timer *te,
		 struct timeval now, void *private_data)
{
	struct ticker *t = private_data;

	(void)te;
	(void)now;
	t->ticks += 1;
	printf("  tick %u\n", t->ticks);
	if (t->ticks == t->max) {
		return;
	}
	if (tevent_add_timer(ev, t, tevent_timeval_current_ofs(0, 2000),
			     tick, t) == NULL) {
		t->failed = true;
	}
}
/*! [tick] */

/*! [step] */
/* A request that takes its turn in a queue and then 2 ms of work. */
struct step_state {
	struct tevent_context *ev;
	const char *name;
};

static void step_trigger(struct tevent_req *req, void *private_data);
static void step_work_done(struct tevent_context *ev,
			   struct tevent_timer *te,
			   struct timeval now, void *private_data);

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
	state->ev = ev;
	state->name = name;
	if (!tevent_queue_add(queue, ev, req, step_trigger, NULL)) {
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	return req;
}

static void step_trigger(struct tevent_req *req, void *private_data)
{
	struct step_state *state = tevent_req_data(req, struct step_state);
	struct tevent_timer *te;

	(void)private_data;
	printf("  %s starts\n", state->name);
	te = tevent_add_timer(state->ev, state,
			      tevent_timeval_current_ofs(0, 2000),
			      step_work_done, req);
	if (tevent_req_nomem(te, req)) {
		return;
	}
}

static void step_work_done(struct tevent_context *ev,
			   struct tevent_timer *te,
			   struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);

	(void)ev;
	(void)te;
	(void)now;
	tevent_req_done(req);
}

static int step_recv(struct tevent_req *req)
{
	enum tevent_req_state state;
	uint64_t err;

	if (tevent_req_is_error(req, &state, &err)) {
		tevent_req_received(req);
		return state == TEVENT_REQ_USER_ERROR ? (int)err : ENOMEM;
	}
	tevent_req_received(req);
	return 0;
}
/*! [step] */

/*! [caller] */
struct caller {
	unsigned finished;
	int error;
};

/* The caller takes the result, and (on purpose, here) keeps the
 * request: main() frees it later. */
static void step_done(struct tevent_req *req)
{
	struct caller *c = tevent_req_callback_data(req, struct caller);
	int err = step_recv(req);

	if (err != 0) {
		c->error = err;
		return;
	}
	c->finished += 1;
	printf("  a step finished; its request is not freed\n");
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

/*! [loop_wait] */
/* tevent_loop_wait(), and what it returned. */
static int loop_wait(struct tevent_context *ev)
{
	int ret = tevent_loop_wait(ev);

	printf("tevent_loop_wait() returned %d\n", ret);
	return ret;
}
/*! [loop_wait] */

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	struct tevent_queue *queue;
	struct tevent_req *a, *b;
	struct ticker *t;
	struct caller *c;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	t = talloc_zero(mem_ctx, struct ticker);
	c = talloc_zero(mem_ctx, struct caller);
	queue = tevent_queue_create(mem_ctx, "steps");
	if (ev == NULL || t == NULL || c == NULL || queue == NULL) {
		goto fail;
	}

	/*! [ticks] */
	printf("a timer that adds itself again, three ticks:\n");
	t->max = 3;
	if (tevent_add_timer(ev, t, tevent_timeval_current_ofs(0, 2000),
			     tick, t) == NULL ||
	    loop_wait(ev) != 0 || t->failed) {
		goto fail;
	}
	/*! [ticks] */

	/*! [stalled] */
	printf("two steps in a queue; the caller keeps the first:\n");
	a = step_send(mem_ctx, ev, queue, "A");
	b = step_send(mem_ctx, ev, queue, "B");
	if (a == NULL || b == NULL) {
		goto fail;
	}
	tevent_req_set_callback(a, step_done, c);
	tevent_req_set_callback(b, step_done, c);
	if (loop_wait(ev) != 0 || c->error != 0) {
		goto fail;
	}
	printf("  finished %u of 2, queue length %zu\n",
	       c->finished, tevent_queue_length(queue));
	/*! [stalled] */

	/*! [release] */
	printf("main frees A and waits again:\n");
	TALLOC_FREE(a);
	if (loop_wait(ev) != 0 || c->error != 0) {
		goto fail;
	}
	TALLOC_FREE(b);
	printf("  finished %u of 2, queue length %zu\n",
	       c->finished, tevent_queue_length(queue));
	/*! [release] */
	talloc_free(mem_ctx);
	return 0;

fail:
	fprintf(stderr, "loop_wait: out of memory, or the loop failed\n");
	talloc_free(mem_ctx);
	return 1;
}
