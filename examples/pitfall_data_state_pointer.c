/*
 * pitfall_data_state_pointer.c - a _recv() that returns a pointer into
 * the state.
 *
 * The wrong count_recv_pointer() hands the caller the address of the
 * stats inside its state. tevent_req_received() frees the state, so the
 * pointer is dangling before the caller gets it; the caller reads
 * through it after freeing the request, and valgrind reports the read.
 * The right count_recv() copies the stats out. What the program prints
 * is the same either way. Explained on the page "Pitfalls of passing
 * data" (pitfalls_data).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_data_state_pointer.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

struct stats {
	unsigned lines;
	unsigned words;
};

struct count_state {
	struct stats stats;	/* inside the state */
};

/* Count the lines and words of text; the request finishes at once. */
static struct tevent_req *count_send(TALLOC_CTX *mem_ctx,
				     struct tevent_context *ev,
				     const char *text)
{
	struct tevent_req *req;
	struct count_state *state;
	bool in_word = false;
	const char *p;

	req = tevent_req_create(mem_ctx, &state, struct count_state);
	if (req == NULL) {
		return NULL;
	}
	for (p = text; *p != '\0'; p++) {
		bool space = (*p == ' ' || *p == '\n');

		state->stats.lines += (*p == '\n');
		state->stats.words += (!space && !in_word);
		in_word = !space;
	}
	tevent_req_done(req);
	return tevent_req_post(req, ev);
}

/*! [recv] */
/* Wrong: *stats points into the state, which the next line frees. */
static bool count_recv_pointer(struct tevent_req *req,
			       const struct stats **stats)
{
	struct count_state *state = tevent_req_data(req, struct count_state);
	bool ok = !tevent_req_is_in_progress(req);

	if (ok) {
		*stats = &state->stats;
	}
	tevent_req_received(req);
	return ok;
}

/* Right: the stats are copied out before the state goes. */
static bool count_recv(struct tevent_req *req, struct stats *stats)
{
	struct count_state *state = tevent_req_data(req, struct count_state);
	bool ok = !tevent_req_is_in_progress(req);

	if (ok) {
		*stats = state->stats;
	}
	tevent_req_received(req);
	return ok;
}
/*! [recv] */

/*! [callbacks] */
struct result {
	bool called;
	bool ok;
	const struct stats *pointer;	/* from the wrong _recv() */
	struct stats stats;
};

static void count_done_wrong(struct tevent_req *req)
{
	struct result *r = tevent_req_callback_data(req, struct result);

	r->ok = count_recv_pointer(req, &r->pointer);
	TALLOC_FREE(req);
	r->called = true;
}

static void count_done(struct tevent_req *req)
{
	struct result *r = tevent_req_callback_data(req, struct result);

	r->ok = count_recv(req, &r->stats);
	TALLOC_FREE(req);
	r->called = true;
}

/* Count text with the given callback, then use the result; false if
 * the count failed. */
static bool run(struct tevent_context *ev, struct result *r,
		tevent_req_fn callback)
{
	struct tevent_req *req;

	*r = (struct result) { .called = false };
	req = count_send(ev, ev, "the quick brown fox\njumps\n");
	if (req == NULL) {
		return false;
	}
	tevent_req_set_callback(req, callback, r);
	while (!r->called) {
		if (tevent_loop_once(ev) != 0) {
			return false;
		}
	}
	if (r->ok && r->pointer != NULL) {
		r->stats = *r->pointer;		/* reads freed memory */
	}
	return r->ok;
}
/*! [callbacks] */

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
	struct result *r;
	bool ok;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	r = talloc_zero(mem_ctx, struct result);
	if (ev == NULL || r == NULL) {
		fprintf(stderr, "out of memory\n");
		talloc_free(mem_ctx);
		return 1;
	}
	/*! [main] */
	/* What the wrong callback read from freed memory is undefined,
	 * so it is not printed. */
	ok = run(ev, r, count_done_wrong);
	printf("wrong _recv(): the callback was %s\n",
	       ok ? "called" : "not called");
	ok = ok && run(ev, r, count_done);
	printf("right _recv(): %s, %u lines, %u words\n",
	       ok ? "called" : "failed", r->stats.lines, r->stats.words);
	/*! [main] */
	talloc_free(mem_ctx);
	if (!ok) {
		fprintf(stderr, "pitfall_data_state_pointer: a count failed\n");
		return 1;
	}
	return 0;
}
