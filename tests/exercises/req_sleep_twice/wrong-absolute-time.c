/*
 * Exercise: two naps in a row (exercises/req_sleep_twice).
 * Write the request nap_twice_send()/nap_twice_recv() where the comments
 * say; README.md says what it does, and
 * `make exercise NAME=req_sleep_twice` checks the program.
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

/* The longest nap the request takes, in milliseconds. */
#define NAP_MAX_MS 100

/* ---- The request: your part ------------------------------------------- */

struct nap_twice_state {
	struct tevent_context *ev;
	const char *name;
	unsigned second_ms;
};

static void nap_twice_first_done(struct tevent_req *subreq);
static void nap_twice_second_done(struct tevent_req *subreq);

/*
 * Start a nap of ms milliseconds, a subrequest on the state, with done
 * as its callback. false if it did not start: then req has failed.
 */
static bool nap_start(struct tevent_req *req, struct nap_twice_state *state,
		      unsigned ms, tevent_req_fn done)
{
	struct tevent_req *subreq;

	if (ms > NAP_MAX_MS) {
		tevent_req_error(req, ERANGE);
		return false;
	}
	subreq = tevent_wakeup_send(state, state->ev,
				    tevent_timeval_set(0, ms * 1000));
	if (tevent_req_nomem(subreq, req)) {
		return false;
	}
	tevent_req_set_callback(subreq, done, req);
	return true;
}

static struct tevent_req *nap_twice_send(TALLOC_CTX *mem_ctx,
					 struct tevent_context *ev,
					 const char *name, unsigned first_ms,
					 unsigned second_ms)
{
	struct tevent_req *req;
	struct nap_twice_state *state;

	req = tevent_req_create(mem_ctx, &state, struct nap_twice_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->name = name;
	state->second_ms = second_ms;
	if (!nap_start(req, state, first_ms, nap_twice_first_done)) {
		return tevent_req_post(req, ev);
	}
	return req;
}

static void nap_twice_first_done(struct tevent_req *subreq)
{
	struct tevent_req *req =
		tevent_req_callback_data(subreq, struct tevent_req);
	struct nap_twice_state *state =
		tevent_req_data(req, struct nap_twice_state);
	bool ok;

	ok = tevent_wakeup_recv(subreq);
	TALLOC_FREE(subreq);
	if (!ok) {
		tevent_req_oom(req);	/* the one way a wakeup fails */
		return;
	}
	printf("%s: first nap over\n", state->name);
	nap_start(req, state, state->second_ms, nap_twice_second_done);
}

static void nap_twice_second_done(struct tevent_req *subreq)
{
	struct tevent_req *req =
		tevent_req_callback_data(subreq, struct tevent_req);
	struct nap_twice_state *state =
		tevent_req_data(req, struct nap_twice_state);
	bool ok;

	ok = tevent_wakeup_recv(subreq);
	TALLOC_FREE(subreq);
	if (!ok) {
		tevent_req_oom(req);
		return;
	}
	printf("%s: second nap over\n", state->name);
	tevent_req_done(req);
}

/* 0 if both naps were taken, otherwise an errno value. */
static int nap_twice_recv(struct tevent_req *req)
{
	enum tevent_req_state state;
	uint64_t err;
	int ret = 0;

	if (tevent_req_is_error(req, &state, &err)) {
		ret = (state == TEVENT_REQ_USER_ERROR) ? (int)err :
		      (state == TEVENT_REQ_TIMED_OUT) ? ETIMEDOUT : ENOMEM;
	}
	tevent_req_received(req);
	return ret;
}

/* ---- The caller: you need not change what follows ----------------------- */

/* One request, and what became of it. */
struct run {
	const char *name;
	struct tevent_req *req;	/* NULL once freed */
	bool over;		/* its callback ran, or the caller gave up */
	bool quiet_over;	/* the caller's last wait is over */
	bool no_memory;		/* it failed for lack of memory */
};

static void run_done(struct tevent_req *req)
{
	struct run *r = tevent_req_callback_data(req, struct run);
	int err = nap_twice_recv(req);

	TALLOC_FREE(r->req);
	r->over = true;
	if (err == ENOMEM) {
		r->no_memory = true;	/* main() says so, and exits */
		return;
	}
	if (err != 0) {
		printf("caller: %s failed: %s\n", r->name, strerror(err));
		return;
	}
	printf("caller: %s done\n", r->name);
}

static void run_give_up(struct tevent_context *ev, struct tevent_timer *te,
			struct timeval now, void *private_data)
{
	struct run *r = talloc_get_type_abort(private_data, struct run);

	(void)ev;
	(void)te;
	(void)now;
	printf("caller: gives up on %s after 10 ms\n", r->name);
	TALLOC_FREE(r->req);	/* frees what it was doing, too */
	r->over = true;
}

static void run_quiet_over(struct tevent_context *ev, struct tevent_timer *te,
			   struct timeval now, void *private_data)
{
	struct run *r = talloc_get_type_abort(private_data, struct run);

	(void)ev;
	(void)te;
	(void)now;
	r->quiet_over = true;
}

/* Turn the loop until *flag is true. */
static bool loop_until(struct tevent_context *ev, const bool *flag)
{
	while (!*flag) {
		if (tevent_loop_once(ev) != 0) {
			return false;
		}
	}
	return true;
}

/*
 * Run one request to its end. If give_up is true, the caller frees it
 * after 10 ms, and then turns the loop 20 ms more, to see that nothing
 * of it is left. false if an allocation or the loop failed.
 */
static bool run(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
		const char *name, unsigned first_ms, unsigned second_ms,
		bool give_up)
{
	struct run *r = talloc_zero(mem_ctx, struct run);

	if (r == NULL) {
		return false;
	}
	r->name = name;
	r->req = nap_twice_send(r, ev, name, first_ms, second_ms);
	if (r->req == NULL) {
		return false;
	}
	tevent_req_set_callback(r->req, run_done, r);
	if (give_up &&
	    tevent_add_timer(ev, r, tevent_timeval_current_ofs(0, 10000),
			     run_give_up, r) == NULL) {
		return false;
	}
	if (!loop_until(ev, &r->over) || r->no_memory) {
		return false;
	}
	if (give_up) {
		if (tevent_add_timer(ev, r,
				     tevent_timeval_current_ofs(0, 20000),
				     run_quiet_over, r) == NULL ||
		    !loop_until(ev, &r->quiet_over)) {
			return false;
		}
		printf("caller: nothing more from %s in 20 ms\n", name);
	}
	talloc_free(r);
	return true;
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
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct tevent_context *ev;

	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	if (ev == NULL ||
	    !run(ev, mem_ctx, "A", 10, 5, false) ||
	    !run(ev, mem_ctx, "B", 5, 500, false) ||
	    !run(ev, mem_ctx, "C", 5, 10, true)) {
		fprintf(stderr, "out of memory, or the loop failed\n");
		talloc_free(mem_ctx);
		return 1;
	}
	talloc_free(mem_ctx);
	return 0;
}
