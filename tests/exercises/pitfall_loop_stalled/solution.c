/*
 * Exercise: a printer that runs out of paper
 * (exercises/pitfall_loop_stalled). A first version of the program:
 * change print_all() so that it prints what README.md says, and
 * `make exercise NAME=pitfall_loop_stalled` checks the program.
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
#define TRAY 5		/* the sheets of paper the tray holds */
#define PAGE_MS 2	/* the time a page takes */

/* The printer: one document at a time (its queue), and its paper. */
struct printer {
	struct tevent_queue *queue;
	unsigned sheets;	/* left in the tray */
	bool out_of_paper;	/* it has stopped, and waits for paper */
};

/* ---- The printer: it stays as it is ---------------------------------- */

struct print_state {
	struct tevent_context *ev;
	struct printer *p;
	const char *name;	/* the caller's: it outlives the request */
	unsigned pages;
};

static void print_trigger(struct tevent_req *req, void *private_data);
static void print_out(struct tevent_context *ev, struct tevent_timer *te,
		      struct timeval now, void *private_data);

/* A document, sent to the printer: it waits for its turn in the queue. */
static struct tevent_req *print_send(TALLOC_CTX *mem_ctx,
				     struct tevent_context *ev,
				     struct printer *p,
				     const char *name, unsigned pages)
{
	struct tevent_req *req;
	struct print_state *state;

	req = tevent_req_create(mem_ctx, &state, struct print_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->p = p;
	state->name = name;
	state->pages = pages;
	if (!tevent_queue_add(p->queue, ev, req, print_trigger, NULL)) {
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	return req;
}

/* Its turn: the printer prints it, PAGE_MS a page. */
static void print_trigger(struct tevent_req *req, void *private_data)
{
	struct print_state *state = tevent_req_data(req, struct print_state);
	struct tevent_timer *te;

	(void)private_data;
	printf("%s: printing, %u pages\n", state->name, state->pages);
	te = tevent_add_timer(state->ev, state,
			      tevent_timeval_current_ofs(0,
					state->pages * PAGE_MS * 1000),
			      print_out, req);
	if (tevent_req_nomem(te, req)) {
		return;
	}
}

/* Printed. With the tray empty, the printer stops, and waits for paper. */
static void print_out(struct tevent_context *ev, struct tevent_timer *te,
		      struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct print_state *state = tevent_req_data(req, struct print_state);
	struct printer *p = state->p;

	(void)ev;
	(void)te;
	(void)now;
	p->sheets -= state->pages;
	if (p->sheets == 0) {
		printf("printer: out of paper\n");
		p->out_of_paper = true;
		tevent_queue_stop(p->queue);
	}
	tevent_req_done(req);
}

/* 0 and the document's name, or an errno value. */
static int print_recv(struct tevent_req *req, const char **name)
{
	struct print_state *state = tevent_req_data(req, struct print_state);
	enum tevent_req_state st;
	uint64_t err;
	int ret = 0;

	if (tevent_req_is_error(req, &st, &err)) {
		ret = (st == TEVENT_REQ_USER_ERROR) ? (int)err :
		      (st == TEVENT_REQ_TIMED_OUT) ? ETIMEDOUT : ENOMEM;
	} else {
		*name = state->name;
	}
	tevent_req_received(req);
	return ret;
}

/* ---- The caller -------------------------------------------------------- */

/* The documents printed, and the first error. */
struct tally {
	unsigned printed;
	int error;
};

static void print_done(struct tevent_req *req)
{
	struct tally *t = tevent_req_callback_data(req, struct tally);
	const char *name = NULL;
	int err = print_recv(req, &name);

	TALLOC_FREE(req);	/* and the printer takes the next */
	if (err != 0) {
		t->error = err;
		return;
	}
	printf("caller: %s printed\n", name);
	t->printed += 1;
}

/* The operator puts paper in, and starts the printer again. */
static void operator_refill(struct printer *p)
{
	p->sheets = TRAY;
	p->out_of_paper = false;
	printf("operator: %u sheets put in\n", TRAY);
	tevent_queue_start(p->queue);
}

/* Print the four documents; the operator puts paper in whenever the
 * printer is out of it. */
static bool print_all(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		      struct printer *p)
{
	static const char *const names[NDOCS] = { "A", "B", "C", "D" };
	static const unsigned pages[NDOCS] = { 2, 3, 2, 2 };
	struct tally *t = talloc_zero(mem_ctx, struct tally);
	bool ok = false;
	unsigned i;

	if (t == NULL) {
		return false;
	}
	for (i = 0; i < NDOCS; i++) {
		struct tevent_req *req = print_send(t, ev, p, names[i],
						    pages[i]);

		if (req == NULL) {
			goto done;
		}
		tevent_req_set_callback(req, print_done, t);
	}
	while (t->printed < NDOCS && t->error == 0) {
		if (p->out_of_paper) {
			operator_refill(p);
		}
		if (tevent_loop_once(ev) != 0) {
			goto done;
		}
	}
	if (t->error == 0) {
		printf("main: %u of %u documents printed\n", t->printed,
		       NDOCS);
		ok = true;
	}
done:
	TALLOC_FREE(t);		/* with any document not printed */
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
	struct printer *p;

	talloc_set_log_stderr();	/* talloc's own messages, if any */
	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	p = talloc_zero(mem_ctx, struct printer);
	if (ev == NULL || p == NULL) {
		fprintf(stderr, "out of memory\n");
		talloc_free(mem_ctx);
		return 1;
	}
	p->queue = tevent_queue_create(p, "printer");
	if (p->queue == NULL) {
		fprintf(stderr, "out of memory\n");
		talloc_free(mem_ctx);
		return 1;
	}
	p->sheets = TRAY;
	printf("main: %u documents, %u sheets in the tray\n", NDOCS, TRAY);
	if (!print_all(mem_ctx, ev, p)) {
		fprintf(stderr, "a document failed, or out of memory\n");
		talloc_free(mem_ctx);
		return 1;
	}
	talloc_free(mem_ctx);
	return 0;
}
