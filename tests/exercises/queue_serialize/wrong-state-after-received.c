/*
 * Exercise: three jobs, one at a time (exercises/queue_serialize).
 * Write the request job_send()/job_recv() where the comments say;
 * README.md says what it does, and `make exercise NAME=queue_serialize`
 * checks the program.
 *
 * SPDX-License-Identifier: MIT-0
 */
/*
 * Build:
 * cc start.c $(pkg-config --cflags --libs tevent talloc)
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/* ---- The request: your part ------------------------------------------- */

struct job_state {
	struct tevent_context *ev;
	const char *name;
	unsigned ms;
	int err;		/* 0, or why the job failed */
};

static void job_trigger(struct tevent_req *req, void *private_data);
static void job_worked(struct tevent_context *ev, struct tevent_timer *te,
		       struct timeval now, void *private_data);

static struct tevent_req *job_send(TALLOC_CTX *mem_ctx,
				   struct tevent_context *ev,
				   struct tevent_queue *queue,
				   const char *name, unsigned ms)
{
	struct tevent_req *req;
	struct job_state *state;

	req = tevent_req_create(mem_ctx, &state, struct job_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->name = name;
	state->ms = ms;
	if (!tevent_queue_add(queue, ev, req, job_trigger, NULL)) {
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	return req;
}

static void job_trigger(struct tevent_req *req, void *private_data)
{
	struct job_state *state = tevent_req_data(req, struct job_state);
	struct tevent_timer *te;

	(void)private_data;
	printf("%s starts\n", state->name);
	if (state->ms == 0) {
		/* The queue started it: a request may finish here. */
		tevent_req_error(req, EINVAL);
		return;
	}
	te = tevent_add_timer(state->ev, state,
			      tevent_timeval_current_ofs(0, state->ms * 1000),
			      job_worked, req);
	if (tevent_req_nomem(te, req)) {
		return;
	}
}

static void job_worked(struct tevent_context *ev, struct tevent_timer *te,
		       struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct job_state *state = tevent_req_data(req, struct job_state);

	(void)ev;
	(void)te;
	(void)now;
	printf("%s done\n", state->name);
	tevent_req_done(req);
}

static int job_recv(struct tevent_req *req)
{
	struct job_state *state = tevent_req_data(req, struct job_state);
	enum tevent_req_state st;
	uint64_t err;

	if (tevent_req_is_error(req, &st, &err)) {
		state->err = (st == TEVENT_REQ_USER_ERROR) ? (int)err :
			     (st == TEVENT_REQ_TIMED_OUT) ? ETIMEDOUT : ENOMEM;
	}
	tevent_req_received(req);
	return state->err;
}

/* ---- The caller: you need not change what follows ----------------------- */

struct caller {
	struct tevent_queue *queue;
	unsigned pending;
	int error;
};

struct sent {
	struct caller *c;
	const char *name;
};

static void job_done(struct tevent_req *req)
{
	struct sent *s = tevent_req_callback_data(req, struct sent);
	int err = job_recv(req);

	TALLOC_FREE(req);
	s->c->pending -= 1;
	if (err == ENOMEM) {
		s->c->error = err;
		return;
	}
	if (err != 0) {
		printf("caller: %s failed: %s, %zu in the queue\n", s->name,
		       strerror(err), tevent_queue_length(s->c->queue));
		return;
	}
	printf("caller: %s finished, %zu in the queue\n", s->name,
	       tevent_queue_length(s->c->queue));
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
	static const struct {
		const char *name;
		unsigned ms;
	} jobs[] = { { "A", 30 }, { "B", 0 }, { "C", 20 } };
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct tevent_context *ev;
	struct caller *c;
	size_t i;

	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	c = talloc_zero(mem_ctx, struct caller);
	if (ev == NULL || c == NULL ||
	    (c->queue = tevent_queue_create(c, "jobs")) == NULL) {
		goto fail;
	}
	for (i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++) {
		struct sent *s = talloc_zero(c, struct sent);
		struct tevent_req *req;

		if (s == NULL) {
			goto fail;
		}
		s->c = c;
		s->name = jobs[i].name;
		req = job_send(c, ev, c->queue, jobs[i].name, jobs[i].ms);
		if (req == NULL) {
			goto fail;
		}
		tevent_req_set_callback(req, job_done, s);
		c->pending += 1;
	}
	while (c->pending > 0 && c->error == 0) {
		if (tevent_loop_once(ev) != 0) {
			goto fail;
		}
	}
	if (c->error != 0) {
		fprintf(stderr, "a job failed: %s\n", strerror(c->error));
		talloc_free(mem_ctx);
		return 1;
	}
	printf("all done\n");
	talloc_free(mem_ctx);
	return 0;

fail:
	fprintf(stderr, "out of memory, or the loop failed\n");
	talloc_free(mem_ctx);
	return 1;
}
