/*
 * Exercise: a tally of pings (exercises/pitfall_data_stack).
 * Write the ping request and ping_all() where the comments say;
 * README.md says what they do, and
 * `make exercise NAME=pitfall_data_stack` checks the program.
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

#define NHOSTS 3

/* A reply: which host answered, and how long it took. */
struct pong {
	unsigned host;
	unsigned ms;
};

/* What the callbacks of the pings add up. */
struct tally {
	unsigned replies;
	unsigned total_ms;
	int error;		/* 0, or why a ping failed */
};

/* ---- The pings: your part --------------------------------------------- */

struct ping_state {
	struct pong pong;
};

static void ping_answered(struct tevent_context *ev, struct tevent_timer *te,
			  struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);

	(void)ev;
	(void)te;
	(void)now;
	tevent_req_done(req);
}

static struct tevent_req *ping_send(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev,
				    unsigned host, struct timeval start,
				    unsigned ms)
{
	struct tevent_req *req;
	struct ping_state *state;
	struct tevent_timer *te;

	req = tevent_req_create(mem_ctx, &state, struct ping_state);
	if (req == NULL) {
		return NULL;
	}
	state->pong.host = host;
	state->pong.ms = ms;
	te = tevent_add_timer(ev, state,
			      tevent_timeval_add(&start, 0, ms * 1000),
			      ping_answered, req);
	if (tevent_req_nomem(te, req)) {
		return tevent_req_post(req, ev);
	}
	return req;
}

/* 0 and the reply in *pong, or an errno value. */
static int ping_recv(struct tevent_req *req, struct pong *pong)
{
	struct ping_state *state = tevent_req_data(req, struct ping_state);
	enum tevent_req_state st;
	uint64_t err;
	int ret = 0;

	if (tevent_req_is_error(req, &st, &err)) {
		ret = (st == TEVENT_REQ_USER_ERROR) ? (int)err :
		      (st == TEVENT_REQ_TIMED_OUT) ? ETIMEDOUT : ENOMEM;
	} else {
		*pong = state->pong;
	}
	tevent_req_received(req);
	return ret;
}

static void ping_done(struct tevent_req *req)
{
	struct tally *t = tevent_req_callback_data(req, struct tally);
	struct pong pong = { .host = 0 };
	int err = ping_recv(req, &pong);

	TALLOC_FREE(req);
	if (err != 0) {
		t->error = err;
		return;
	}
	printf("host %u answered in %u ms\n", pong.host, pong.ms);
	t->replies += 1;
	t->total_ms += pong.ms;
}

/* Ping the hosts, and print the tally when all have answered. */
static bool ping_all(TALLOC_CTX *mem_ctx, struct tevent_context *ev)
{
	static const unsigned ms[NHOSTS] = { 30, 10, 20 };
	struct timeval start = tevent_timeval_current();	/* of the round */
	struct tally *t = talloc_zero(mem_ctx, struct tally);
	bool ok = false;
	unsigned i;

	if (t == NULL) {
		return false;
	}
	for (i = 0; i < NHOSTS; i++) {
		struct tevent_req *req = ping_send(t, ev, i + 1, start, ms[i]);

		if (req == NULL) {
			goto done;
		}
		tevent_req_set_callback(req, ping_done, t);
	}
	while (t->replies < NHOSTS && t->error == 0) {
		if (tevent_loop_once(ev) != 0) {
			goto done;
		}
	}
	if (t->error == 0) {
		printf("tally: %u replies, %u ms in all\n", t->replies,
		       t->total_ms);
		ok = true;
	}
done:
	TALLOC_FREE(t);		/* with any ping still on its way */
	return ok;
}

/* ---- main(): you need not change what follows --------------------------- */
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

	talloc_set_log_stderr();	/* talloc's own messages, if any */
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
	printf("main: pinging %u hosts\n", NHOSTS);
	if (!ping_all(mem_ctx, ev)) {
		fprintf(stderr, "a ping failed, or out of memory\n");
		talloc_free(mem_ctx);
		return 1;
	}
	talloc_free(mem_ctx);
	return 0;
}
