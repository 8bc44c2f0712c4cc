/*
 * Exercise: one printer, four documents
 * (exercises/pitfall_queue_unfreed). Write the request print_send()/
 * print_recv() and the caller's callback print_done() where the
 * comments say; README.md says what they do, and
 * `make exercise NAME=pitfall_queue_unfreed` checks the program.
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

#define NDOCS 4

/* The caller's count of documents. */
struct caller {
	struct tevent_queue *printer;
	unsigned done;		/* documents whose callback has run */
	int error;		/* 0, or why a document failed */
	bool gave_up;		/* the caller stopped waiting */
};

/* The data of the callback of each document. */
struct sent {
	struct caller *c;
	const char *name;
};

/* ---- The request and its callback: your part -------------------------- */

struct print_state {
	struct tevent_context *ev;
	const char *name;	/* the caller's: it outlives the request */
	unsigned pages;
	unsigned printed;
};

static void print_trigger(struct tevent_req *req, void *private_data);
static void print_page(struct tevent_context *ev, struct tevent_timer *te,
		       struct timeval now, void *private_data);

static struct tevent_req *print_send(TALLOC_CTX *mem_ctx,
				     struct tevent_context *ev,
				     struct tevent_queue *printer,
				     const char *name, unsigned pages)
{
	struct tevent_req *req;
	struct print_state *state;

	req = tevent_req_create(mem_ctx, &state, struct print_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->name = name;
	state->pages = pages;
	if (pages == 0) {
		/* Nothing to print: done, without the printer. */
		tevent_req_done(req);
		return tevent_req_post(req, ev);
	}
	if (!tevent_queue_add(printer, ev, req, print_trigger, NULL)) {
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	return req;
}

/* Start the timer of the next page. */
static void print_next(struct tevent_req *req)
{
	struct print_state *state = tevent_req_data(req, struct print_state);
	struct tevent_timer *te;

	te = tevent_add_timer(state->ev, state,
			      tevent_timeval_current_ofs(0, 1000),
			      print_page, req);
	if (tevent_req_nomem(te, req)) {
		return;
	}
}

/* The printer is ours. */
static void print_trigger(struct tevent_req *req, void *private_data)
{
	struct print_state *state = tevent_req_data(req, struct print_state);

	(void)private_data;
	printf("%s: printing, %u pages\n", state->name, state->pages);
	print_next(req);
}

static void print_page(struct tevent_context *ev, struct tevent_timer *te,
		       struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct print_state *state = tevent_req_data(req, struct print_state);

	(void)ev;
	(void)te;
	(void)now;
	state->printed += 1;
	printf("%s: page %u of %u\n", state->name, state->printed,
	       state->pages);
	if (state->printed < state->pages) {
		print_next(req);
		return;
	}
	tevent_req_done(req);
}

/* 0 and the number of pages printed, or an errno value. */
static int print_recv(struct tevent_req *req, unsigned *pages)
{
	struct print_state *state = tevent_req_data(req, struct print_state);
	enum tevent_req_state st;
	uint64_t err;
	int ret = 0;

	if (tevent_req_is_error(req, &st, &err)) {
		ret = (st == TEVENT_REQ_USER_ERROR) ? (int)err :
		      (st == TEVENT_REQ_TIMED_OUT) ? ETIMEDOUT : ENOMEM;
	} else {
		*pages = state->printed;
	}
	tevent_req_received(req);
	return ret;
}

/* The caller's callback: the result, and the request is freed. */
static void print_done(struct tevent_req *req)
{
	struct sent *s = tevent_req_callback_data(req, struct sent);
	unsigned pages = 0;
	int err = print_recv(req, &pages);

	TALLOC_FREE(req);	/* and the printer is free for the next */
	s->c->done += 1;
	if (err != 0) {
		s->c->error = err;
		return;
	}
	printf("caller: %s done, %u pages\n", s->name, pages);
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
		unsigned pages;
	} docs[NDOCS] = { { "A", 3 }, { "B", 2 }, { "C", 2 }, { "D", 0 } };
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
	    (c->printer = tevent_queue_create(c, "printer")) == NULL) {
		goto fail;
	}
	printf("main: %u documents for one printer\n", NDOCS);
	for (i = 0; i < NDOCS; i++) {
		struct sent *s = talloc_zero(c, struct sent);
		struct tevent_req *req;

		if (s == NULL) {
			goto fail;
		}
		s->c = c;
		s->name = docs[i].name;
		req = print_send(c, ev, c->printer, docs[i].name,
				 docs[i].pages);
		if (req == NULL) {
			goto fail;
		}
		tevent_req_set_callback(req, print_done, s);
	}
	/* No document takes long: give up after half a second. */
	te = tevent_add_timer(ev, c, tevent_timeval_current_ofs(0, 500000),
			      give_up, c);
	if (te == NULL) {
		goto fail;
	}
	while (c->done < NDOCS && c->error == 0 && !c->gave_up) {
		if (tevent_loop_once(ev) != 0) {
			goto fail;
		}
	}
	if (c->gave_up) {
		printf("main: gave up after 500 ms: %u of %u documents done, "
		       "%zu in the queue\n", c->done, NDOCS,
		       tevent_queue_length(c->printer));
		talloc_free(mem_ctx);
		return 1;
	}
	TALLOC_FREE(te);	/* it has not fired */
	if (c->error != 0) {
		fprintf(stderr, "a document failed: %s\n", strerror(c->error));
		talloc_free(mem_ctx);
		return 1;
	}
	printf("main: all %u documents done\n", NDOCS);
	talloc_free(mem_ctx);
	return 0;

fail:
	fprintf(stderr, "out of memory, or the loop failed\n");
	talloc_free(mem_ctx);
	return 1;
}
