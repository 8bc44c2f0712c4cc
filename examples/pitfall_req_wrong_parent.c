/*
 * pitfall_req_wrong_parent.c - a subrequest made on the wrong talloc
 * parent.
 *
 * wrap_send() runs one step as a subrequest. Made on the caller's
 * context instead of wrap's state, the step outlives the wrap request
 * when the caller gives up and frees it, and goes on working for nobody.
 * Then the fix: the step made on the state goes with it. Explained on
 * the page "Pitfalls of requests".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_req_wrong_parent.c $(pkg-config --cflags --libs tevent talloc)
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

static struct timeval in_ms(unsigned ms)
{
	return tevent_timeval_current_ofs(0, ms * 1000);
}

/* step: 100 ms of work (a timer), then done. */
struct step_state {
	uint8_t dummy;		/* C has no empty structs */
};

static void step_worked(struct tevent_context *ev, struct tevent_timer *te,
			struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);

	(void)ev;
	(void)te;
	(void)now;
	tevent_req_done(req);
}

static struct tevent_req *step_send(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev)
{
	struct tevent_req *req;
	struct step_state *state;
	struct tevent_timer *te;

	req = tevent_req_create(mem_ctx, &state, struct step_state);
	if (req == NULL) {
		return NULL;
	}
	te = tevent_add_timer(ev, state, in_ms(100), step_worked, req);
	if (tevent_req_nomem(te, req)) {
		return tevent_req_post(req, ev);
	}
	return req;
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
		return (int)err;	/* what tevent_req_error() was given */
	case TEVENT_REQ_TIMED_OUT:
		return ETIMEDOUT;
	case TEVENT_REQ_NO_MEMORY:
		return ENOMEM;
	default:
		return EINVAL;		/* not finished: a caller's bug */
	}
}

/* 0, or the errno value the step failed with. */
static int step_recv(struct tevent_req *req)
{
	int err = req_errno(req);

	tevent_req_received(req);
	return err;
}

/*! [send] */
struct wrap_state {
	uint8_t dummy;
};

static void wrap_step_done(struct tevent_req *subreq);

static struct tevent_req *wrap_send(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev,
				    bool on_state)
{
	struct tevent_req *req, *subreq;
	struct wrap_state *state;

	req = tevent_req_create(mem_ctx, &state, struct wrap_state);
	if (req == NULL) {
		return NULL;
	}
	if (on_state) {
		subreq = step_send(state, ev);		/* the fix */
	} else {
		subreq = step_send(mem_ctx, ev);	/* the mistake */
	}
	if (tevent_req_nomem(subreq, req)) {
		return tevent_req_post(req, ev);
	}
	tevent_req_set_callback(subreq, wrap_step_done, req);
	return req;
}
/*! [send] */

static void wrap_step_done(struct tevent_req *subreq)
{
	struct tevent_req *req =
		tevent_req_callback_data(subreq, struct tevent_req);
	int err = step_recv(subreq);

	TALLOC_FREE(subreq);
	if (tevent_req_error(req, err)) {
		return;
	}
	tevent_req_done(req);
}

/*! [run] */
static void print_node(const void *ptr, int depth, int max_depth,
		       int is_ref, void *private_data)
{
	(void)max_depth;
	(void)is_ref;
	(void)private_data;
	printf("    %*s%s\n", 2 * depth, "", talloc_get_name(ptr));
}

static void timer_fired(struct tevent_context *ev, struct tevent_timer *te,
			struct timeval now, void *private_data)
{
	bool *fired = private_data;

	(void)ev;
	(void)te;
	(void)now;
	*fired = true;
}

/* Start a wrap request, give up on it after 5 ms, and show what is left
 * on the caller's context. */
static bool run(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		bool on_state)
{
	TALLOC_CTX *caller = talloc_named_const(mem_ctx, 0, "caller");
	struct tevent_req *req;
	bool fired = false;
	bool ok = false;

	if (caller == NULL) {
		return false;
	}
	/* (made first, so that it fires first, however slow the machine) */
	if (tevent_add_timer(ev, caller, in_ms(5), timer_fired,
			     &fired) == NULL) {
		goto done;
	}
	req = wrap_send(caller, ev, on_state);
	if (req == NULL || !tevent_req_is_in_progress(req)) {
		goto done;	/* an allocation failed */
	}
	while (!fired) {
		if (tevent_loop_once(ev) != 0) {
			goto done;
		}
	}
	TALLOC_FREE(req);
	printf("  the caller gave up after 5 ms and freed the request;\n"
	       "  left on its context:\n");
	talloc_report_depth_cb(caller, 0, -1, print_node, NULL);
	ok = true;
done:
	/* This frees the orphan step too, before its timer fires: its
	 * callback would get the freed wrap request as its data. */
	talloc_free(caller);
	return ok;
}
/*! [run] */

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
	bool ok;

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
	printf("the step made on the caller's context:\n");
	ok = run(mem_ctx, ev, false);
	if (ok) {
		printf("the step made on wrap's state:\n");
		ok = run(mem_ctx, ev, true);
	}
	/*! [main] */
	talloc_free(mem_ctx);
	if (!ok) {
		fprintf(stderr, "pitfall_req_wrong_parent: failed\n");
		return 1;
	}
	return 0;
}
