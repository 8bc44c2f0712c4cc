/*
 * req_states.c - every state a request can be in, and what moves it.
 *
 * Six requests, each driven along one path of the state diagram on the
 * page "The states of a request", with the state after every call, and
 * the calls of the request's cleanup function and callback as they
 * happen.
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc req_states.c $(pkg-config --cflags --libs tevent talloc)
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

/*! [names] */
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

/* The state of req: tevent_req_is_error() gives every one but DONE. */
static const char *state_of(struct tevent_req *req)
{
	enum tevent_req_state state;
	uint64_t err;

	if (!tevent_req_is_error(req, &state, &err)) {
		return state_name(TEVENT_REQ_DONE);
	}
	return state_name(state);
}

static void show(struct tevent_req *req)
{
	printf("    now: %s\n", state_of(req));
}
/*! [names] */

/*! [probe] */
/* probe: a request that does nothing by itself; the program finishes
 * it from outside. Its cleanup function and callback report. */
struct probe_state {
	int unused;
};

static void probe_cleanup(struct tevent_req *req,
			  enum tevent_req_state req_state)
{
	(void)req;
	printf("    cleanup function: %s\n", state_name(req_state));
}

static void probe_callback(struct tevent_req *req)
{
	printf("    callback: %s\n", state_of(req));
}

static struct tevent_req *probe_new(TALLOC_CTX *mem_ctx, const char *what)
{
	struct probe_state *state;
	struct tevent_req *req;

	printf("%s\n", what);
	req = tevent_req_create(mem_ctx, &state, struct probe_state);
	if (req == NULL) {
		return NULL;
	}
	tevent_req_set_cleanup_fn(req, probe_cleanup);
	tevent_req_set_callback(req, probe_callback, NULL);
	printf("  tevent_req_create()\n");
	show(req);
	return req;
}


/*! [probe] */

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
	struct tevent_req *req;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	if (ev == NULL) {
		goto nomem;
	}

	/*! [done] */
	req = probe_new(mem_ctx, "1. done, then received");
	if (req == NULL) {
		goto nomem;
	}
	printf("  tevent_req_done()\n");
	tevent_req_done(req);
	show(req);
	printf("  tevent_req_received()\n");
	tevent_req_received(req);
	show(req);
	TALLOC_FREE(req);
	/*! [done] */

	/*! [error] */
	req = probe_new(mem_ctx, "2. an error of 0, then of EIO");
	if (req == NULL) {
		goto nomem;
	}
	printf("  tevent_req_error(req, 0)\n");
	printf("    returned %s\n",
	       tevent_req_error(req, 0) ? "true" : "false");
	show(req);
	printf("  tevent_req_error(req, EIO)\n");
	printf("    returned %s\n",
	       tevent_req_error(req, EIO) ? "true" : "false");
	show(req);
	printf("  tevent_req_received()\n");
	tevent_req_received(req);
	show(req);
	TALLOC_FREE(req);
	/*! [error] */

	/*! [nomem] */
	req = probe_new(mem_ctx, "3. out of memory, then freed");
	if (req == NULL) {
		goto nomem;
	}
	printf("  tevent_req_oom()\n");
	tevent_req_oom(req);
	show(req);
	printf("  talloc_free()\n");
	TALLOC_FREE(req);
	/*! [nomem] */

	/*! [timeout] */
	req = probe_new(mem_ctx, "4. past its end time");
	if (req == NULL) {
		goto nomem;
	}
	if (!tevent_req_set_endtime(req, ev, tevent_timeval_zero())) {
		goto nomem;
	}
	printf("  tevent_req_set_endtime(), then tevent_loop_once()\n");
	while (tevent_req_is_in_progress(req)) {
		if (tevent_loop_once(ev) != 0) {
			goto loop_failed;
		}
	}
	show(req);
	printf("  talloc_free()\n");
	TALLOC_FREE(req);
	/*! [timeout] */

	/*! [freed] */
	req = probe_new(mem_ctx, "5. freed while in progress");
	if (req == NULL) {
		goto nomem;
	}
	printf("  talloc_free()\n");
	TALLOC_FREE(req);
	/*! [freed] */

	/*! [again] */
	req = probe_new(mem_ctx, "6. finished twice (a bug)");
	if (req == NULL) {
		goto nomem;
	}
	printf("  tevent_req_error(req, EIO)\n");
	tevent_req_error(req, EIO);
	show(req);
	printf("  tevent_req_done()\n");
	tevent_req_done(req);
	show(req);
	printf("  talloc_free()\n");
	TALLOC_FREE(req);
	/*! [again] */
	talloc_free(mem_ctx);
	return 0;

loop_failed:
	fprintf(stderr, "tevent_loop_once failed\n");
	talloc_free(mem_ctx);
	return 1;
nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
