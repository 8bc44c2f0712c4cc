/*
 * pitfall_free_active_entry.c - a request that leaves the queue too soon.
 *
 * Each job writes two parts, one per 10 ms, and must not interleave with
 * the other job. The wrong trigger frees its queue entry as soon as it
 * starts, "to tidy up": the next job starts at once and the parts mix.
 * The right one keeps the entry until the request is freed.
 * Explained on the page "Pitfalls" (queue_pitfalls).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_free_active_entry.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

struct job_state {
	struct tevent_context *ev;
	struct tevent_queue_entry *qe;
	bool leave_early;	/* the mistake, or not */
	char name;
	int part;
};

static void job_part(struct tevent_context *ev, struct tevent_timer *te,
		     struct timeval now, void *private_data);

static bool job_next_part(struct tevent_req *req)
{
	struct job_state *state = tevent_req_data(req, struct job_state);
	struct tevent_timer *te;

	te = tevent_add_timer(state->ev, state,
			      tevent_timeval_current_ofs(0, 10 * 1000),
			      job_part, req);
	return !tevent_req_nomem(te, req);
}

/*! [trigger] */
static void job_trigger(struct tevent_req *req, void *private_data)
{
	struct job_state *state = tevent_req_data(req, struct job_state);

	(void)private_data;

	if (state->leave_early) {
		TALLOC_FREE(state->qe);		/* wrong: we are not done */
	}
	job_next_part(req);
}
/*! [trigger] */

static void job_part(struct tevent_context *ev, struct tevent_timer *te,
		     struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct job_state *state = tevent_req_data(req, struct job_state);

	(void)ev;
	(void)te;
	(void)now;

	state->part += 1;
	printf("  %c part %d\n", state->name, state->part);
	if (state->part < 2) {
		job_next_part(req);
		return;
	}
	tevent_req_done(req);
}

static struct tevent_req *job_send(TALLOC_CTX *mem_ctx,
				   struct tevent_context *ev,
				   struct tevent_queue *queue,
				   char name, bool leave_early)
{
	struct tevent_req *req;
	struct job_state *state;

	req = tevent_req_create(mem_ctx, &state, struct job_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->name = name;
	state->leave_early = leave_early;
	state->qe = tevent_queue_add_entry(queue, ev, req, job_trigger, NULL);
	if (tevent_req_nomem(state->qe, req)) {
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

struct caller {
	unsigned done;
	bool failed;
};

static void job_done(struct tevent_req *req)
{
	struct caller *c = tevent_req_callback_data_void(req);

	if (!job_recv(req)) {
		printf("  caller: a job failed\n");
		c->failed = true;
	}
	TALLOC_FREE(req);
	c->done += 1;
}

/* Run jobs A and B through one queue. */
static int run(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
	       bool leave_early)
{
	TALLOC_CTX *frame = talloc_new(mem_ctx);
	struct tevent_queue *queue;
	struct caller c = { .done = 0, .failed = false };
	char name;

	if (frame == NULL) {
		return -1;
	}
	queue = tevent_queue_create(frame, "jobs");
	if (queue == NULL) {
		goto fail;
	}
	for (name = 'A'; name <= 'B'; name++) {
		struct tevent_req *req = job_send(frame, ev, queue, name,
						  leave_early);
		if (req == NULL) {
			goto fail;
		}
		tevent_req_set_callback(req, job_done, &c);
	}
	while (c.done < 2) {
		if (tevent_loop_once(ev) != 0) {
			goto fail;
		}
	}
	TALLOC_FREE(frame);
	return c.failed ? -1 : 0;
fail:
	TALLOC_FREE(frame);
	return -1;
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
	printf("the trigger frees its own queue entry:\n");
	ret = run(mem_ctx, ev, true);
	if (ret == 0) {
		printf("the entry stays until the request is freed:\n");
		ret = run(mem_ctx, ev, false);
	}
	/*! [main] */
	talloc_free(mem_ctx);
	if (ret != 0) {
		fprintf(stderr, "pitfall_free_active_entry: failed\n");
		return 1;
	}
	return 0;
}
