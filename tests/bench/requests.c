/*
 * requests.c - the request paths of tests/bench/requests.h.
 *
 * Every path makes r->n requests (or calls, or events) one after the
 * other and counts the turns of the event loop it needed. The requests
 * do no work: each finishes as soon as it may, so what is left is the
 * cost of tevent itself.
 *
 * SPDX-License-Identifier: MIT-0
 */
#include <errno.h>
#include <stdbool.h>

#include "requests.h"

/* ---- a plain call --------------------------------------------------- */

static void count_one(unsigned long *sink)
{
	*sink += 1;
}

/* Through a volatile pointer, so that the compiler must make the call. */
static void (*volatile call_ptr)(unsigned long *) = count_one;

int path_call(struct path_run *r)
{
	unsigned long i;

	for (i = 0; i < r->n; i++) {
		call_ptr(&r->sink);
	}
	return 0;
}

/* ---- turning the loop ----------------------------------------------- */

/* What the callbacks of a path share with its loop. */
struct driver {
	struct path_run *r;
	unsigned long sent;
	unsigned long pending;
	int error;
};

/* A driver for run r, or NULL if out of memory. */
static struct driver *driver_new(struct path_run *r)
{
	struct driver *d = talloc_zero(r->mem_ctx, struct driver);

	if (d != NULL) {
		d->r = r;
	}
	return d;
}

/* Turn the loop until no request of d is pending; then free d. */
static int drive(struct driver *d)
{
	int err = 0;

	while (d->pending > 0 && d->error == 0) {
		if (tevent_loop_once(d->r->ev) != 0) {
			err = errno;
			break;
		}
		d->r->turns += 1;
	}
	if (err == 0) {
		err = d->error;
	}
	talloc_free(d);
	return err;
}

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
		return (int)err;
	case TEVENT_REQ_NO_MEMORY:
		return ENOMEM;
	default:
		return EINVAL;
	}
}

/* ---- a request without a loop --------------------------------------- */

struct nop_state {
	int result;
};

static struct tevent_req *nop_create(TALLOC_CTX *mem_ctx)
{
	struct tevent_req *req;
	struct nop_state *state;

	req = tevent_req_create(mem_ctx, &state, struct nop_state);
	if (req == NULL) {
		return NULL;
	}
	state->result = 1;
	return req;
}

static int nop_recv(struct tevent_req *req, int *result)
{
	struct nop_state *state = tevent_req_data(req, struct nop_state);
	int err = req_errno(req);

	if (err == 0) {
		*result = state->result;
	}
	tevent_req_received(req);
	return err;
}

int path_lifecycle(struct path_run *r)
{
	unsigned long i;
	int result = 0;
	int err;

	for (i = 0; i < r->n; i++) {
		struct tevent_req *req = nop_create(r->mem_ctx);

		if (req == NULL) {
			return ENOMEM;
		}
		tevent_req_done(req);
		err = nop_recv(req, &result);
		TALLOC_FREE(req);
		if (err != 0) {
			return err;
		}
		r->sink += (unsigned long)result;
	}
	return 0;
}

/* ---- an immediate chain --------------------------------------------- */

static void chain_next(struct tevent_context *ev,
		       struct tevent_immediate *im, void *private_data)
{
	struct driver *d = private_data;

	d->r->sink += 1;
	d->pending -= 1;
	if (d->pending > 0) {
		tevent_schedule_immediate(im, ev, chain_next, d);
	}
}

int path_immediate(struct path_run *r)
{
	struct driver *d = driver_new(r);
	struct tevent_immediate *im;

	if (d == NULL) {
		return ENOMEM;
	}
	im = tevent_create_immediate(d);
	if (im == NULL) {
		talloc_free(d);
		return ENOMEM;
	}
	d->pending = r->n;
	if (r->n > 0) {
		tevent_schedule_immediate(im, r->ev, chain_next, d);
	}
	return drive(d);
}

/* ---- a request that finishes in _send ------------------------------- */

static struct tevent_req *post_send(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev)
{
	struct tevent_req *req;
	struct nop_state *state;

	req = tevent_req_create(mem_ctx, &state, struct nop_state);
	if (req == NULL) {
		return NULL;
	}
	state->result = 1;
	tevent_req_done(req);
	return tevent_req_post(req, ev);
}

static void post_done(struct tevent_req *req);

/* Send the next request of d, if there is one left. */
static void post_next(struct driver *d)
{
	struct tevent_req *req;

	if (d->sent == d->r->n) {
		return;
	}
	req = post_send(d->r->mem_ctx, d->r->ev);
	if (req == NULL) {
		d->error = ENOMEM;
		return;
	}
	tevent_req_set_callback(req, post_done, d);
	d->sent += 1;
	d->pending += 1;
}

static void post_done(struct tevent_req *req)
{
	struct driver *d = tevent_req_callback_data(req, struct driver);
	int result = 0;
	int err = nop_recv(req, &result);

	TALLOC_FREE(req);
	d->pending -= 1;
	if (err != 0) {
		d->error = err;
		return;
	}
	d->r->sink += (unsigned long)result;
	post_next(d);
}

int path_post(struct path_run *r)
{
	struct driver *d = driver_new(r);

	if (d == NULL) {
		return ENOMEM;
	}
	post_next(d);
	return drive(d);
}

/* ---- a request that waits in a queue -------------------------------- */

static void qjob_trigger(struct tevent_req *req, void *private_data);

struct tevent_req *qjob_send(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
			     struct tevent_queue *queue)
{
	struct tevent_req *req;
	struct nop_state *state;

	req = tevent_req_create(mem_ctx, &state, struct nop_state);
	if (req == NULL) {
		return NULL;
	}
#ifdef BENCH_SLOW_QUEUE
	/* Only to show that the guard of make check fails on a slower
	 * queue path (tests/bench/ir-check.sh): one allocation more. */
	if (tevent_req_nomem(talloc_size(state, 16), req)) {
		return tevent_req_post(req, ev);
	}
#endif
	if (!tevent_queue_add(queue, ev, req, qjob_trigger, NULL)) {
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	return req;
}

/* Our turn has come: the work (none) is done at once. */
static void qjob_trigger(struct tevent_req *req, void *private_data)
{
	struct nop_state *state = tevent_req_data(req, struct nop_state);

	(void)private_data;
	state->result = 1;
	tevent_req_done(req);
}

static void qjob_done(struct tevent_req *req);

/* Send the next request of d into the queue, if there is one left. */
static void qjob_next(struct driver *d)
{
	struct tevent_req *req;

	if (d->sent == d->r->n) {
		return;
	}
	req = qjob_send(d->r->mem_ctx, d->r->ev, d->r->queue);
	if (req == NULL) {
		d->error = ENOMEM;
		return;
	}
	tevent_req_set_callback(req, qjob_done, d);
	d->sent += 1;
	d->pending += 1;
}

/* The caller's callback: receive, free (the next may go), and, on the
 * path that goes one at a time, send the next. */
static void qjob_done(struct tevent_req *req)
{
	struct driver *d = tevent_req_callback_data(req, struct driver);
	int result = 0;
	int err = nop_recv(req, &result);

	TALLOC_FREE(req);
	d->pending -= 1;
	if (err != 0) {
		d->error = err;
		return;
	}
	d->r->sink += (unsigned long)result;
	qjob_next(d);
}

int path_queue_one(struct path_run *r)
{
	struct driver *d = driver_new(r);

	if (d == NULL) {
		return ENOMEM;
	}
	qjob_next(d);
	return drive(d);
}

int path_queue_filled(struct path_run *r)
{
	struct driver *d = driver_new(r);

	if (d == NULL) {
		return ENOMEM;
	}
	/* The callbacks find nothing left to send: d->sent is already n. */
	while (d->sent < r->n && d->error == 0) {
		qjob_next(d);
	}
	return drive(d);
}
