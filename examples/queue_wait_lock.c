/*
 * queue_wait_lock.c - holding a tevent_queue across several steps.
 *
 * A transaction has two asynchronous steps that must not interleave with
 * another transaction's. It takes its turn with tevent_queue_wait_send()
 * and keeps the finished wait request as a lock: the queue stays held
 * until the transaction frees it. Freeing the transaction, even in the
 * middle, frees the lock with it.
 * Explained on the page "Holding the queue like a lock"
 * (queue_wait_lesson).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc queue_wait_lock.c $(pkg-config --cflags --libs tevent talloc)
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
struct txn_state {
	struct tevent_context *ev;
	const char *name;
	struct tevent_req *lock;	/* the finished wait request */
	int step;
};

static void txn_locked(struct tevent_req *subreq);
static void txn_next_step(struct tevent_req *req);
static void txn_step_done(struct tevent_context *ev,
			  struct tevent_timer *te,
			  struct timeval now, void *private_data);
/*! [state] */

/*! [send] */
static struct tevent_req *txn_send(TALLOC_CTX *mem_ctx,
				   struct tevent_context *ev,
				   struct tevent_queue *queue,
				   const char *name)
{
	struct tevent_req *req, *subreq;
	struct txn_state *state;

	req = tevent_req_create(mem_ctx, &state, struct txn_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->name = talloc_strdup(state, name);
	if (tevent_req_nomem(state->name, req)) {
		return tevent_req_post(req, ev);
	}
	/* The wait request is a child of our state: freeing the
	 * transaction also frees it, and so releases the queue. */
	subreq = tevent_queue_wait_send(state, ev, queue);
	if (tevent_req_nomem(subreq, req)) {
		return tevent_req_post(req, ev);
	}
	tevent_req_set_callback(subreq, txn_locked, req);
	return req;
}
/*! [send] */

/*! [step] */
/*
 * A step's work goes straight to the event loop (here a timer stands in
 * for it), not through the queue: we hold the queue, and a request added
 * to it now would wait behind our lock for ever.
 */
static void txn_next_step(struct tevent_req *req)
{
	struct txn_state *state = tevent_req_data(req, struct txn_state);
	struct tevent_timer *te;

	state->step += 1;
	printf("  %s: step %d starts\n", state->name, state->step);
	te = tevent_add_timer(state->ev, state,
			      tevent_timeval_current_ofs(0, 10 * 1000),
			      txn_step_done, req);
	if (tevent_req_nomem(te, req)) {
		return;
	}
}
/*! [step] */

/*! [locked] */
/* Our turn has come. Keep the wait request: it holds the queue. */
static void txn_locked(struct tevent_req *subreq)
{
	struct tevent_req *req =
		tevent_req_callback_data(subreq, struct tevent_req);
	struct txn_state *state = tevent_req_data(req, struct txn_state);

	if (!tevent_queue_wait_recv(subreq)) {
		TALLOC_FREE(subreq);
		tevent_req_oom(req);
		return;
	}
	state->lock = subreq;
	printf("  %s: has the queue\n", state->name);
	txn_next_step(req);
}
/*! [locked] */

/*! [step done] */
static void txn_step_done(struct tevent_context *ev,
			  struct tevent_timer *te,
			  struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct txn_state *state = tevent_req_data(req, struct txn_state);

	(void)ev;
	(void)te;
	(void)now;

	printf("  %s: step %d done\n", state->name, state->step);
	if (state->step < 2) {
		txn_next_step(req);
		return;
	}
	TALLOC_FREE(state->lock);	/* the next transaction may go */
	printf("  %s: released the queue\n", state->name);
	tevent_req_done(req);
}
/*! [step done] */

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
static int txn_recv(struct tevent_req *req)
{
	int err = req_errno(req);

	tevent_req_received(req);
	return err;
}

struct caller {
	size_t pending;
	int error;		/* the first failure */
};

static void txn_done(struct tevent_req *req)
{
	struct caller *c = tevent_req_callback_data_void(req);
	int err = txn_recv(req);

	TALLOC_FREE(req);
	c->pending -= 1;
	if (err != 0) {
		printf("  caller: a transaction failed: %s\n", strerror(err));
		if (c->error == 0) {
			c->error = err;
		}
	}
}
/*! [recv] */

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
	struct tevent_req *t1, *t2, *t3;
	struct caller c = { .pending = 0, .error = 0 };

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	queue = tevent_queue_create(mem_ctx, "transactions");
	if (ev == NULL || queue == NULL) {
		goto nomem;
	}

	/*! [main] */
	t1 = txn_send(mem_ctx, ev, queue, "T1");
	t2 = txn_send(mem_ctx, ev, queue, "T2");
	t3 = txn_send(mem_ctx, ev, queue, "T3");
	if (t1 == NULL || t2 == NULL || t3 == NULL) {
		goto nomem;
	}
	tevent_req_set_callback(t1, txn_done, &c);
	tevent_req_set_callback(t2, txn_done, &c);
	tevent_req_set_callback(t3, txn_done, &c);
	c.pending = 3;
	printf("main: three transactions, queue length %zu\n",
	       tevent_queue_length(queue));

	/* Run until T1 is done; the next turn starts T2's first step. */
	while (c.pending == 3) {
		if (tevent_loop_once(ev) != 0) {
			goto failed;
		}
	}
	if (c.error != 0 || tevent_loop_once(ev) != 0 || c.error != 0) {
		goto failed;	/* then T2 may be gone already */
	}
	/*! [main] */
	/*! [cancel] */
	printf("main: freeing T2 in the middle, queue length %zu\n",
	       tevent_queue_length(queue));
	TALLOC_FREE(t2);
	c.pending -= 1;
	printf("main: T2 freed, queue length %zu\n",
	       tevent_queue_length(queue));
	while (c.pending > 0) {
		if (tevent_loop_once(ev) != 0) {
			goto failed;
		}
	}
	if (c.error != 0) {
		goto failed;
	}
	printf("main: all done, queue length %zu\n",
	       tevent_queue_length(queue));
	/*! [cancel] */

	talloc_free(mem_ctx);
	return 0;

failed:
	fprintf(stderr, "queue_wait_lock: %s\n", c.error != 0 ?
		strerror(c.error) : "the event loop failed");
	talloc_free(mem_ctx);
	return 1;
nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
