/*
 * req_finish.c - the ways a request finishes, and when its caller hears.
 *
 * reserve_send() fails at once on a bad argument, is done at once when
 * there is nothing to do, fails for lack of memory, or finishes later
 * from the event loop. Every early finish is posted, so every callback
 * runs. Explained on the page "Finishing a request".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc req_finish.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [state] */
/* reserve: allocate a buffer of size bytes for a named user, then fill
 * it (a 5 ms timer stands in for the filling). */
struct reserve_state {
	uint8_t *buf;
	size_t size;
};

static void reserve_filled(struct tevent_context *ev,
			   struct tevent_timer *te,
			   struct timeval now, void *private_data);
/*! [state] */

/*! [send] */
static struct tevent_req *reserve_send(TALLOC_CTX *mem_ctx,
				       struct tevent_context *ev,
				       const char *name, size_t size)
{
	struct tevent_req *req;
	struct reserve_state *state;
	struct tevent_timer *te;

	req = tevent_req_create(mem_ctx, &state, struct reserve_state);
	if (req == NULL) {
		return NULL;
	}
	if (name[0] == '\0') {
		tevent_req_error(req, EINVAL);	/* failed already */
		return tevent_req_post(req, ev);
	}
	if (size == 0) {
		tevent_req_done(req);		/* nothing to do */
		return tevent_req_post(req, ev);
	}
	state->buf = talloc_zero_array(state, uint8_t, size);
	if (tevent_req_nomem(state->buf, req)) {
		return tevent_req_post(req, ev);
	}
	state->size = size;
	te = tevent_add_timer(ev, state, tevent_timeval_current_ofs(0, 5000),
			      reserve_filled, req);
	if (tevent_req_nomem(te, req)) {
		return tevent_req_post(req, ev);
	}
	return req;			/* in progress */
}
/*! [send] */

/*! [filled] */
static void reserve_filled(struct tevent_context *ev,
			   struct tevent_timer *te,
			   struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct reserve_state *state =
		tevent_req_data(req, struct reserve_state);

	(void)ev;
	(void)te;
	(void)now;

	memset(state->buf, 'x', state->size);
	tevent_req_done(req);
}
/*! [filled] */

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
/* 0 and the size; or an errno value, and then *size is left as it was. */
static int reserve_recv(struct tevent_req *req, size_t *size)
{
	struct reserve_state *state =
		tevent_req_data(req, struct reserve_state);
	int err = req_errno(req);

	if (err == 0) {
		*size = state->size;
	}
	tevent_req_received(req);
	return err;
}
/*! [recv] */

/*! [caller] */
struct job {
	const char *name;
	size_t size;
	int expect;		/* the outcome this case is meant to show */
	int err;
	size_t *pending;
};

static void reserved(struct tevent_req *req)
{
	struct job *j = tevent_req_callback_data(req, struct job);
	size_t size = 0;

	j->err = reserve_recv(req, &size);
	TALLOC_FREE(req);
	*j->pending -= 1;
	if (j->err != 0) {
		printf("callback: \"%s\" failed: %s\n", j->name,
		       strerror(j->err));
		return;
	}
	printf("callback: \"%s\" is done, %zu bytes\n", j->name, size);
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
	/*! [cases] */
	static const struct job cases[] = {
		{ .name = "", .size = 16, .expect = EINVAL },
		{ .name = "empty", .size = 0, .expect = 0 },
		{ .name = "huge", .size = 1024 * 1024 * 1024,
		  .expect = ENOMEM },	/* talloc refuses 256 MiB and more */
		{ .name = "log", .size = 4096, .expect = 0 },
	};
	/*! [cases] */
	const size_t n = sizeof(cases) / sizeof(cases[0]);
	struct job *jobs[sizeof(cases) / sizeof(cases[0])];
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	size_t pending = 0;
	size_t i;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	if (ev == NULL) {
		goto nomem;
	}

	/*! [main] */
	for (i = 0; i < n; i++) {
		struct tevent_req *req;

		jobs[i] = talloc(mem_ctx, struct job);
		if (jobs[i] == NULL) {
			goto nomem;
		}
		*jobs[i] = cases[i];
		jobs[i]->pending = &pending;
		req = reserve_send(mem_ctx, ev, jobs[i]->name, jobs[i]->size);
		if (req == NULL) {
			goto nomem;
		}
		tevent_req_set_callback(req, reserved, jobs[i]);
		pending += 1;
		printf("main: reserve_send(\"%s\", %zu) returned, "
		       "in progress: %s\n", jobs[i]->name, jobs[i]->size,
		       tevent_req_is_in_progress(req) ? "yes" : "no");
	}
	printf("main: no callback has run yet; turning the loop\n");
	while (pending > 0) {
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "tevent_loop_once failed\n");
			talloc_free(mem_ctx);
			return 1;
		}
	}
	/*! [main] */
	for (i = 0; i < n; i++) {
		if (jobs[i]->err != jobs[i]->expect) {
			/* an allocation the program needed has failed */
			fprintf(stderr, "\"%s\" failed: %s\n", jobs[i]->name,
				strerror(jobs[i]->err));
			talloc_free(mem_ctx);
			return 1;
		}
	}
	talloc_free(mem_ctx);
	return 0;

nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
