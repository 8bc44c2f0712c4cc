/*
 * data_callback.c - the data a caller gives to its callback.
 *
 * Five pings, each a small request. Three callbacks share a report that
 * main allocated with talloc, and fetch it with the typed
 * tevent_req_callback_data(); two share a tally on main's stack, which
 * is not a talloc object, and fetch it with
 * tevent_req_callback_data_void(). Explained on the page "The data of a
 * callback" (data_callback_lesson).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc data_callback.c $(pkg-config --cflags --libs tevent talloc)
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

/*! [ping] */
/* A pretend ping: it answers after ms milliseconds. */
struct ping_state {
	const char *host;	/* the caller's: it must outlive us */
	unsigned ms;
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
				    const char *host, unsigned ms)
{
	struct tevent_req *req;
	struct ping_state *state;
	struct tevent_timer *te;

	req = tevent_req_create(mem_ctx, &state, struct ping_state);
	if (req == NULL) {
		return NULL;
	}
	state->host = host;
	state->ms = ms;
	te = tevent_add_timer(ev, state, tevent_timeval_current_ofs(0,
							ms * 1000),
			      ping_answered, req);
	if (tevent_req_nomem(te, req)) {
		return tevent_req_post(req, ev);
	}
	return req;
}

/* true on success, with the host's name and the time it took. */
static bool ping_recv(struct tevent_req *req, const char **host,
		      unsigned *ms)
{
	struct ping_state *state = tevent_req_data(req, struct ping_state);
	enum tevent_req_state req_state;
	uint64_t err;
	bool ok = !tevent_req_is_error(req, &req_state, &err);

	if (ok) {
		*host = state->host;	/* the caller's own string */
		*ms = state->ms;
	}
	tevent_req_received(req);
	return ok;
}
/*! [ping] */

/*! [report] */
/* Allocated with talloc_zero(): its talloc name is "struct report". */
struct report {
	unsigned replies;
	unsigned total_ms;
	bool failed;
};

static void ping_reported(struct tevent_req *req)
{
	struct report *r = tevent_req_callback_data(req, struct report);
	const char *host = NULL;
	unsigned ms = 0;

	if (!ping_recv(req, &host, &ms)) {
		r->failed = true;
	}
	TALLOC_FREE(req);
	if (r->failed) {
		return;
	}
	r->replies += 1;
	r->total_ms += ms;
	printf("  report: %s answered in %u ms (replies: %u)\n", host, ms,
	       r->replies);
}
/*! [report] */

/*! [tally] */
/* A plain C struct on main's stack: not a talloc object. */
struct tally {
	unsigned replies;
	bool failed;
};

static void ping_tallied(struct tevent_req *req)
{
	struct tally *t = tevent_req_callback_data_void(req);
	const char *host = NULL;
	unsigned ms = 0;

	if (!ping_recv(req, &host, &ms)) {
		t->failed = true;
	}
	TALLOC_FREE(req);
	if (t->failed) {
		return;
	}
	t->replies += 1;
	printf("  tally: %s answered in %u ms (replies: %u)\n", host, ms,
	       t->replies);
}
/*! [tally] */

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

/*! [send ping] */
/* Send one ping, with fn as its callback and data as fn's data. */
static bool send_ping(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		      const char *host, unsigned ms, tevent_req_fn fn,
		      void *data)
{
	struct tevent_req *req = ping_send(mem_ctx, ev, host, ms);

	if (req == NULL) {
		return false;
	}
	tevent_req_set_callback(req, fn, data);
	return true;
}
/*! [send ping] */

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	struct report *r;
	struct tally t = { .replies = 0 };

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
	r = talloc_zero(mem_ctx, struct report);
	if (r == NULL) {
		goto nomem;
	}
	printf("main: the report's talloc name is \"%s\"\n",
	       talloc_get_name(r));
	if (!send_ping(mem_ctx, ev, "alpha", 4, ping_reported, r) ||
	    !send_ping(mem_ctx, ev, "beta", 8, ping_tallied, &t) ||
	    !send_ping(mem_ctx, ev, "gamma", 12, ping_reported, r) ||
	    !send_ping(mem_ctx, ev, "delta", 16, ping_tallied, &t) ||
	    !send_ping(mem_ctx, ev, "epsilon", 20, ping_reported, r)) {
		goto nomem;
	}
	printf("main: five pings sent\n");

	while (r->replies + t.replies < 5 && !r->failed && !t.failed) {
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "tevent_loop_once failed\n");
			talloc_free(mem_ctx);
			return 1;
		}
	}
	if (r->failed || t.failed) {
		fprintf(stderr, "data_callback: a ping failed\n");
		talloc_free(mem_ctx);
		return 1;
	}
	printf("main: report: %u replies, %u ms in all; tally: %u replies\n",
	       r->replies, r->total_ms, t.replies);
	/*! [main] */
	talloc_free(mem_ctx);
	return 0;

nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
