/*
 * Exercise: one log, three writers (exercises/pitfall_queue_active).
 * Write the request log_send()/log_recv() and the caller's callback
 * log_done() where the comments say; README.md says what they do, and
 * `make exercise NAME=pitfall_queue_active` checks the program.
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

#define NJOBS 3

/* The caller's count of jobs. */
struct caller {
	struct tevent_queue *log;
	unsigned done;		/* jobs whose callback has run */
	int error;		/* 0, or why a job failed */
	bool gave_up;		/* the caller stopped waiting */
};

/* The data of the callback of each job. */
struct sent {
	struct caller *c;
	const char *name;
};

/* ---- The request and its callback: your part -------------------------- */

struct log_state {
	struct tevent_context *ev;
	struct tevent_queue *log;
	const char *name;	/* the caller's: it outlives the request */
	unsigned lines;
	unsigned written;
};

static void log_trigger(struct tevent_req *req, void *private_data);
static void log_line(struct tevent_context *ev, struct tevent_timer *te,
		     struct timeval now, void *private_data);

static struct tevent_req *log_send(TALLOC_CTX *mem_ctx,
				   struct tevent_context *ev,
				   struct tevent_queue *log,
				   const char *name, unsigned lines)
{
	struct tevent_req *req;
	struct log_state *state;
	struct tevent_queue_entry *qe;

	req = tevent_req_create(mem_ctx, &state, struct log_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->log = log;
	state->name = name;
	state->lines = lines;
	/* The entry is a talloc child of req: it goes with the request. */
	qe = tevent_queue_add_entry(log, ev, req, log_trigger, NULL);
	if (tevent_req_nomem(qe, req)) {
		return tevent_req_post(req, ev);
	}
	return req;
}

/* Write the next line; then wait 10 ms for the one after, or finish. */
static void log_write(struct tevent_req *req)
{
	struct log_state *state = tevent_req_data(req, struct log_state);
	struct tevent_timer *te;

	state->written += 1;
	if (state->written == 1) {
		/* (the length counts this job too, while it holds the log) */
		printf("%s: line 1 of %u (%zu waiting)\n", state->name,
		       state->lines, tevent_queue_length(state->log) - 1);
	} else {
		printf("%s: line %u of %u\n", state->name, state->written,
		       state->lines);
	}
	if (state->written == state->lines) {
		tevent_req_done(req);
		return;
	}
	te = tevent_add_timer(state->ev, state,
			      tevent_timeval_current_ofs(0, 10 * 1000),
			      log_line, req);
	if (tevent_req_nomem(te, req)) {
		return;
	}
}

/* The log is ours, until the request is freed. */
static void log_trigger(struct tevent_req *req, void *private_data)
{
	(void)private_data;
	log_write(req);
}

static void log_line(struct tevent_context *ev, struct tevent_timer *te,
		     struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);

	(void)ev;
	(void)te;
	(void)now;
	log_write(req);
}

/* 0 and the number of lines written, or an errno value. */
static int log_recv(struct tevent_req *req, unsigned *lines)
{
	struct log_state *state = tevent_req_data(req, struct log_state);
	enum tevent_req_state st;
	uint64_t err;
	int ret = 0;

	if (tevent_req_is_error(req, &st, &err)) {
		ret = (st == TEVENT_REQ_USER_ERROR) ? (int)err :
		      (st == TEVENT_REQ_TIMED_OUT) ? ETIMEDOUT : ENOMEM;
	} else {
		*lines = state->written;
	}
	tevent_req_received(req);
	return ret;
}

/* The caller's callback: the result, and the request is freed. */
static void log_done(struct tevent_req *req)
{
	struct sent *s = tevent_req_callback_data(req, struct sent);
	unsigned lines = 0;
	int err = log_recv(req, &lines);

	TALLOC_FREE(req);	/* and the log is free for the next job */
	s->c->done += 1;
	if (err != 0) {
		s->c->error = err;
		return;
	}
	printf("caller: %s wrote %u lines\n", s->name, lines);
}

/* ---- main(): you need not change what follows --------------------------- */

static void give_up(struct tevent_context *ev, struct tevent_timer *te,
		    struct timeval now, void *private_data)
{
	struct caller *c = talloc_get_type_abort(private_data, struct caller);

	(void)ev;
	(void)te;
	(void)now;
	c->gave_up = true;
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
		unsigned lines;
	} jobs[NJOBS] = { { "A", 3 }, { "B", 2 }, { "C", 2 } };
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct tevent_context *ev;
	struct tevent_timer *te;
	struct caller *c;
	unsigned i;

	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	c = talloc_zero(mem_ctx, struct caller);
	if (ev == NULL || c == NULL ||
	    (c->log = tevent_queue_create(c, "log")) == NULL) {
		goto fail;
	}
	printf("main: %u jobs for one log\n", NJOBS);
	for (i = 0; i < NJOBS; i++) {
		struct sent *s = talloc_zero(c, struct sent);
		struct tevent_req *req;

		if (s == NULL) {
			goto fail;
		}
		s->c = c;
		s->name = jobs[i].name;
		req = log_send(c, ev, c->log, jobs[i].name, jobs[i].lines);
		if (req == NULL) {
			goto fail;
		}
		tevent_req_set_callback(req, log_done, s);
	}
	/* No job takes long: give up after half a second. */
	te = tevent_add_timer(ev, c, tevent_timeval_current_ofs(0, 500000),
			      give_up, c);
	if (te == NULL) {
		goto fail;
	}
	while (c->done < NJOBS && c->error == 0 && !c->gave_up) {
		if (tevent_loop_once(ev) != 0) {
			goto fail;
		}
	}
	if (c->gave_up) {
		printf("main: gave up after 500 ms: %u of %u jobs done, "
		       "%zu in the queue\n", c->done, NJOBS,
		       tevent_queue_length(c->log));
		talloc_free(mem_ctx);
		return 1;
	}
	TALLOC_FREE(te);	/* it has not fired */
	if (c->error != 0) {
		fprintf(stderr, "a job failed: %s\n", strerror(c->error));
		talloc_free(mem_ctx);
		return 1;
	}
	printf("main: all %u jobs done\n", NJOBS);
	talloc_free(mem_ctx);
	return 0;

fail:
	fprintf(stderr, "out of memory, or the loop failed\n");
	talloc_free(mem_ctx);
	return 1;
}
