/*
 * queue_serialized.c - three requests that run one at a time.
 *
 * Each job is a tevent request (job_send/job_recv) that waits in a
 * tevent_queue; its trigger starts the work when it reaches the head.
 * The caller frees each request in its callback, and that lets the next
 * job start. Explained on the page "The tevent_queue tutorial".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc queue_serialized.c $(pkg-config --cflags --libs tevent talloc)
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
struct job_state {
	struct tevent_context *ev;	/* the trigger is not given one */
	const char *name;
	unsigned delay_ms;	/* how long the pretend work takes */
	char *result;
};

static void job_trigger(struct tevent_req *req, void *private_data);
static void job_work_done(struct tevent_context *ev,
			  struct tevent_timer *te,
			  struct timeval now, void *private_data);
/*! [state] */

/*! [send] */
static struct tevent_req *job_send(TALLOC_CTX *mem_ctx,
				   struct tevent_context *ev,
				   struct tevent_queue *queue,
				   const char *name, unsigned delay_ms)
{
	struct tevent_req *req;
	struct job_state *state;

	req = tevent_req_create(mem_ctx, &state, struct job_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->delay_ms = delay_ms;
	state->name = talloc_strdup(state, name);
	if (tevent_req_nomem(state->name, req)) {
		return tevent_req_post(req, ev);
	}

	/* Wait for our turn: job_trigger runs when we reach the head. */
	if (!tevent_queue_add(queue, ev, req, job_trigger, NULL)) {
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	return req;
}
/*! [send] */

/*! [trigger] */
/* Our turn has come: start the work (here, a timer stands in for it). */
static void job_trigger(struct tevent_req *req, void *private_data)
{
	struct job_state *state = tevent_req_data(req, struct job_state);
	struct tevent_timer *te;

	(void)private_data;

	printf("  trigger: %s starts\n", state->name);
	te = tevent_add_timer(state->ev, state,
			      tevent_timeval_current_ofs(0,
						state->delay_ms * 1000),
			      job_work_done, req);
	if (tevent_req_nomem(te, req)) {
		return;
	}
}
/*! [trigger] */

/*! [work done] */
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

	state->result = talloc_asprintf(state, "%s done", state->name);
	if (tevent_req_nomem(state->result, req)) {
		return;
	}
	printf("  %s: work finished\n", state->name);
	tevent_req_done(req);
}
/*! [work done] */

/*! [recv] */
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

/* On success *result is the job's result, moved to mem_ctx. */
static int job_recv(struct tevent_req *req, TALLOC_CTX *mem_ctx,
		    char **result)
{
	struct job_state *state = tevent_req_data(req, struct job_state);
	int err = req_errno(req);

	if (err == 0) {
		*result = talloc_move(mem_ctx, &state->result);
	}
	tevent_req_received(req);
	return err;
}
/*! [recv] */

/*! [caller] */
struct caller {
	struct tevent_queue *queue;
	size_t pending;
	int error;
};

/* The caller's callback: take the result, then free the request. */
static void job_done(struct tevent_req *req)
{
	struct caller *c = tevent_req_callback_data(req, struct caller);
	char *result = NULL;
	int err;

	err = job_recv(req, c, &result);
	TALLOC_FREE(req);	/* frees the queue entry: the next job may go */
	c->pending -= 1;
	if (err != 0) {
		printf("  caller: a job failed: %s\n", strerror(err));
		c->error = err;
		return;
	}
	printf("  caller: got \"%s\", freed the request, queue length %zu\n",
	       result, tevent_queue_length(c->queue));
	TALLOC_FREE(result);
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

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	static const struct {
		const char *name;
		unsigned delay_ms;
	} jobs[] = {
		{ "job A", 30 }, { "job B", 10 }, { "job C", 20 },
	};
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	struct caller *c;
	size_t i;
	int ret = 0;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	/*! [main] */
	ev = tevent_context_init_byname(mem_ctx, backend);
	c = talloc_zero(mem_ctx, struct caller);
	if (ev == NULL || c == NULL) {
		goto nomem;
	}
	c->queue = tevent_queue_create(c, "jobs");
	if (c->queue == NULL) {
		goto nomem;
	}

	for (i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++) {
		struct tevent_req *req;

		req = job_send(mem_ctx, ev, c->queue, jobs[i].name,
			       jobs[i].delay_ms);
		if (req == NULL) {
			goto nomem;
		}
		tevent_req_set_callback(req, job_done, c);
		c->pending += 1;
		printf("main: added %s (%u ms of work), queue length %zu\n",
		       jobs[i].name, jobs[i].delay_ms,
		       tevent_queue_length(c->queue));
	}

	printf("main: running the event loop\n");
	while (c->pending > 0) {
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "tevent_loop_once failed\n");
			ret = 1;
			break;
		}
	}
	if (ret == 0 && c->error != 0) {
		fprintf(stderr, "queue_serialized: a job failed: %s\n",
			strerror(c->error));
		ret = 1;
	}
	if (ret == 0) {
		printf("main: all jobs done, queue length %zu\n",
		       tevent_queue_length(c->queue));
	}
	/*! [main] */
	talloc_free(mem_ctx);
	return ret;

nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
