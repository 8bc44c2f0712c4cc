/*
 * req_errno.c - from a finished request to an errno value.
 *
 * Four requests end in four ways: done, failed with an error of their
 * own, timed out, out of memory. The callback shows what
 * tevent_req_is_error() reports for each, and what _recv() makes of it
 * with two small helpers that libtevent does not have. Explained on the
 * page "From a finished request to an errno".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc req_errno.c $(pkg-config --cflags --libs tevent talloc)
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

/*! [req_errno] */
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
/*! [req_errno] */

/*! [helpers] */
/*
 * Samba's own code calls tevent_req_is_unix_error() and
 * tevent_req_simple_recv_unix(), from Samba's lib/util/tevent_unix.c;
 * libtevent has neither. These two do the same job under names of our
 * own, with req_errno().
 */

/* true if req failed, and then *perrno is an errno value for how. */
static bool req_is_unix_error(struct tevent_req *req, int *perrno)
{
	int err = req_errno(req);

	if (err == 0) {
		return false;		/* done */
	}
	*perrno = err;
	return true;
}

/* The _recv() of a request with no result but success or failure:
 * 0 or an errno value, and the state is freed. */
static int req_simple_recv_unix(struct tevent_req *req)
{
	int err = 0;

	(void)req_is_unix_error(req, &err);
	tevent_req_received(req);
	return err;
}
/*! [helpers] */

/*! [request] */
/* outcome: work that takes work_ms, then succeeds or fails with err;
 * a size of 256 MiB or more makes its allocation fail. */
struct outcome_spec {
	const char *name;
	unsigned work_ms;
	int err;
	size_t size;
};

struct outcome_state {
	const struct outcome_spec *spec;
	char *buf;
};

static void outcome_worked(struct tevent_context *ev,
			   struct tevent_timer *te,
			   struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct outcome_state *state =
		tevent_req_data(req, struct outcome_state);

	(void)ev;
	(void)te;
	(void)now;
	if (tevent_req_error(req, state->spec->err)) {
		return;		/* err was not 0 */
	}
	tevent_req_done(req);
}

static struct tevent_req *outcome_send(TALLOC_CTX *mem_ctx,
				       struct tevent_context *ev,
				       const struct outcome_spec *spec)
{
	struct tevent_req *req;
	struct outcome_state *state;
	struct tevent_timer *te;

	req = tevent_req_create(mem_ctx, &state, struct outcome_state);
	if (req == NULL) {
		return NULL;
	}
	state->spec = spec;
	state->buf = talloc_array(state, char, spec->size);
	if (tevent_req_nomem(state->buf, req)) {
		return tevent_req_post(req, ev);
	}
	te = tevent_add_timer(ev, state,
			      tevent_timeval_current_ofs(0,
						spec->work_ms * 1000),
			      outcome_worked, req);
	if (tevent_req_nomem(te, req)) {
		return tevent_req_post(req, ev);
	}
	return req;
}

static int outcome_recv(struct tevent_req *req)
{
	return req_simple_recv_unix(req);
}
/*! [request] */

/*! [callback] */
static const char *state_name(enum tevent_req_state state)
{
	switch (state) {
	case TEVENT_REQ_INIT:
		return "TEVENT_REQ_INIT";
	case TEVENT_REQ_IN_PROGRESS:
		return "TEVENT_REQ_IN_PROGRESS";
	case TEVENT_REQ_DONE:
		return "TEVENT_REQ_DONE";
	case TEVENT_REQ_USER_ERROR:
		return "TEVENT_REQ_USER_ERROR";
	case TEVENT_REQ_TIMED_OUT:
		return "TEVENT_REQ_TIMED_OUT";
	case TEVENT_REQ_NO_MEMORY:
		return "TEVENT_REQ_NO_MEMORY";
	case TEVENT_REQ_RECEIVED:
		return "TEVENT_REQ_RECEIVED";
	}
	return "?";
}

struct job {
	const struct outcome_spec *spec;
	int expect;		/* the errno value this case should give */
	int err;
	size_t *pending;
};

static void outcome_done(struct tevent_req *req)
{
	struct job *j = tevent_req_callback_data(req, struct job);
	enum tevent_req_state state;
	uint64_t error = UINT64_MAX;	/* to see whether it is written */

	printf("%s:\n", j->spec->name);
	if (!tevent_req_is_error(req, &state, &error)) {
		printf("  tevent_req_is_error: false\n");
	} else {
		printf("  tevent_req_is_error: true, %s, error ",
		       state_name(state));
		if (error == UINT64_MAX) {
			printf("not written\n");
		} else {
			printf("%llu\n", (unsigned long long)error);
		}
	}
	j->err = outcome_recv(req);
	TALLOC_FREE(req);
	*j->pending -= 1;
	printf("  outcome_recv: %s\n", j->err == 0 ? "0" : strerror(j->err));
}
/*! [callback] */

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
	static const struct outcome_spec specs[] = {
		{ "ok", 2, 0, 16 },
		{ "missing", 2, ENOENT, 16 },
		{ "slow", 10000, 0, 16 },	/* the deadline is 20 ms */
		{ "huge", 2, 0, 1024 * 1024 * 1024 },
	};
	static const int expect[] = { 0, ENOENT, ETIMEDOUT, ENOMEM };
	/*! [cases] */
	const size_t n = sizeof(specs) / sizeof(specs[0]);
	struct job *jobs[sizeof(specs) / sizeof(specs[0])];
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

		jobs[i] = talloc_zero(mem_ctx, struct job);
		if (jobs[i] == NULL) {
			goto nomem;
		}
		jobs[i]->spec = &specs[i];
		jobs[i]->expect = expect[i];
		jobs[i]->pending = &pending;
		req = outcome_send(mem_ctx, ev, &specs[i]);
		if (req == NULL) {
			goto nomem;
		}
		tevent_req_set_callback(req, outcome_done, jobs[i]);
		pending += 1;
		/* The caller's deadline: 20 ms from now; not for a request
		 * that has finished already (it would finish it again). */
		if (tevent_req_is_in_progress(req) &&
		    !tevent_req_set_endtime(req, ev,
				tevent_timeval_current_ofs(0, 20000))) {
			goto nomem;	/* the callback has run already */
		}
	}
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
			fprintf(stderr, "%s: %s\n", specs[i].name,
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
