/*
 * requests.h - the request paths that the benchmarks time and count.
 *
 * tests/bench/requests.c has the requests: each is a _send/_recv pair
 * with a state struct, as the tutorial teaches them, with no work of its
 * own, so that what is measured is what tevent costs. bench_cost.c times
 * every path; ir_queue.c counts the instructions of one under callgrind.
 *
 * SPDX-License-Identifier: MIT-0
 */
#ifndef BENCH_REQUESTS_H
#define BENCH_REQUESTS_H

#include <talloc.h>
#include <tevent.h>

/* One run of a path: n requests (or calls) one after the other. */
struct path_run {
	TALLOC_CTX *mem_ctx;		/* the requests hang off this */
	struct tevent_context *ev;
	struct tevent_queue *queue;	/* for the queue paths */
	unsigned long n;		/* requests to make */
	unsigned long turns;		/* out: tevent_loop_once() calls */
	unsigned long sink;		/* out: keeps the calls from folding */
};

/* A path: runs r->n requests; 0, or an errno value. */
typedef int (*path_fn)(struct path_run *r);

/* A plain function called through a pointer, n times. */
int path_call(struct path_run *r);
/* Create a request, finish it, receive it, free it; no event loop. */
int path_lifecycle(struct path_run *r);
/* One immediate event, whose handler schedules it again, n times. */
int path_immediate(struct path_run *r);
/* A request that finishes in _send (tevent_req_post()); its callback
 * receives it, frees it and sends the next. */
int path_post(struct path_run *r);
/* A request that waits in a queue and finishes in its trigger; its
 * callback receives it, frees it and sends the next. */
int path_queue_one(struct path_run *r);
/* n requests sent into the queue at once, then the loop turned until
 * all have finished. */
int path_queue_filled(struct path_run *r);

/* What the scaling benchmark adds to a queue: one request that waits
 * in it (the queue path's request). NULL if out of memory. */
struct tevent_req *qjob_send(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
			     struct tevent_queue *queue);

#endif
