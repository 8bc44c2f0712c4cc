/*
 * Exercise: closing time (exercises/pitfall_queue_teardown). The
 * program runs a print shop until it closes, and then frees the shop;
 * README.md says what it must do, and
 * `make exercise NAME=pitfall_queue_teardown` checks it.
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

#define NJOBS 5
#define JOB_MS 20	/* the printing time of a job */
#define CLOSE_MS 50	/* the shop closes this long after it opens */

/* The shop: its event context, its printer, and the jobs it has. */
struct shop {
	struct tevent_context *ev;
	struct tevent_queue *printer;
	struct timeval clock;	/* when the printer's last job ends */
	struct tevent_req *jobs[NJOBS];	/* NULL once a job is done */
	unsigned done;		/* jobs printed */
	int error;		/* 0, or why a job failed */
	bool closed;		/* closing time has come */
};

/* ---- A job: a request that prints for JOB_MS, through the printer ------ */

struct print_state {
	struct tevent_context *ev;
	struct timeval *clock;	/* the printer's timetable */
	const char *name;	/* the caller's: it outlives the request */
};

static void print_trigger(struct tevent_req *req, void *private_data);
static void print_end(struct tevent_context *ev, struct tevent_timer *te,
		      struct timeval now, void *private_data);

static struct tevent_req *print_send(TALLOC_CTX *mem_ctx,
				     struct tevent_context *ev,
				     struct tevent_queue *printer,
				     struct timeval *clock, const char *name)
{
	struct tevent_req *req;
	struct print_state *state;

	req = tevent_req_create(mem_ctx, &state, struct print_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->clock = clock;
	state->name = name;
	if (!tevent_queue_add(printer, ev, req, print_trigger, NULL)) {
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	return req;
}

/*
 * The printer is ours: print for JOB_MS, by the printer's timetable (the
 * job ends JOB_MS after the one before it, however late the loop runs).
 */
static void print_trigger(struct tevent_req *req, void *private_data)
{
	struct print_state *state = tevent_req_data(req, struct print_state);
	struct tevent_timer *te;

	(void)private_data;
	printf("%s: printing\n", state->name);
	*state->clock = tevent_timeval_add(state->clock, 0, JOB_MS * 1000);
	te = tevent_add_timer(state->ev, state, *state->clock, print_end, req);
	if (tevent_req_nomem(te, req)) {
		return;
	}
}

static void print_end(struct tevent_context *ev, struct tevent_timer *te,
		      struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct print_state *state = tevent_req_data(req, struct print_state);

	(void)ev;
	(void)te;
	(void)now;
	printf("%s: printed\n", state->name);
	tevent_req_done(req);
}

/* 0, or an errno value. */
static int print_recv(struct tevent_req *req)
{
	enum tevent_req_state st;
	uint64_t err;
	int ret = 0;

	if (tevent_req_is_error(req, &st, &err)) {
		ret = (st == TEVENT_REQ_USER_ERROR) ? (int)err :
		      (st == TEVENT_REQ_TIMED_OUT) ? ETIMEDOUT : ENOMEM;
	}
	tevent_req_received(req);
	return ret;
}

/* The shop's callback: a job is done; the shop frees it and forgets it. */
static void print_done(struct tevent_req *req)
{
	struct shop *shop = tevent_req_callback_data(req, struct shop);
	int err = print_recv(req);
	size_t i;

	for (i = 0; i < NJOBS; i++) {
		if (shop->jobs[i] == req) {
			shop->jobs[i] = NULL;
		}
	}
	TALLOC_FREE(req);	/* and the printer goes on with the next */
	if (err != 0) {
		shop->error = err;
		return;
	}
	shop->done += 1;
}

static void closing_time(struct tevent_context *ev, struct tevent_timer *te,
			 struct timeval now, void *private_data)
{
	struct shop *shop = talloc_get_type_abort(private_data, struct shop);

	(void)ev;
	(void)te;
	(void)now;
	shop->closed = true;
}

/*
 * Closing: the event loop stops, and the jobs left go (the one printing,
 * and those waiting for the printer), then the printer and the shop.
 */
static void close_shop(struct shop *shop)
{
	size_t i;

	TALLOC_FREE(shop->ev);	/* no event of the shop runs any more */
	for (i = 0; i < NJOBS; i++) {
		TALLOC_FREE(shop->jobs[i]);
	}
	TALLOC_FREE(shop->printer);
	talloc_free(shop);
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
	static const char *const names[NJOBS] = { "A", "B", "C", "D", "E" };
	const char *backend = backend_from_args(argc, argv);
	struct shop *shop = talloc_zero(NULL, struct shop);
	struct tevent_timer *te;
	size_t i;

	if (shop == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	shop->ev = tevent_context_init_byname(shop, backend);
	if (shop->ev == NULL ||
	    (shop->printer = tevent_queue_create(shop, "printer")) == NULL) {
		goto fail;
	}
	shop->clock = tevent_timeval_current();	/* the shop opens */
	printf("main: %u jobs, closing in %u ms\n", NJOBS, CLOSE_MS);
	for (i = 0; i < NJOBS; i++) {
		shop->jobs[i] = print_send(shop, shop->ev, shop->printer,
					   &shop->clock, names[i]);
		if (shop->jobs[i] == NULL) {
			goto fail;
		}
		tevent_req_set_callback(shop->jobs[i], print_done, shop);
	}
	/* (from the time the shop opened, as the printer's timetable) */
	te = tevent_add_timer(shop->ev, shop,
			      tevent_timeval_add(&shop->clock, 0,
						 CLOSE_MS * 1000),
			      closing_time, shop);
	if (te == NULL) {
		goto fail;
	}
	while (!shop->closed && shop->error == 0) {
		if (tevent_loop_once(shop->ev) != 0) {
			goto fail;
		}
	}
	if (shop->error != 0) {
		fprintf(stderr, "a job failed: %s\n", strerror(shop->error));
		close_shop(shop);
		return 1;
	}
	printf("closing: %u printed, %zu in the queue\n", shop->done,
	       tevent_queue_length(shop->printer));
	close_shop(shop);
	printf("main: closed\n");
	return 0;

fail:
	fprintf(stderr, "out of memory, or the loop failed\n");
	close_shop(shop);
	return 1;
}
