/*
 * Exercise: waiting for an answer (exercises/pitfall_event_timer_free).
 * Write ask() where the comments say; README.md says what it does, and
 * `make exercise NAME=pitfall_event_timer_free` checks the program.
 *
 * SPDX-License-Identifier: MIT-0
 */
/*
 * Build:
 * cc start.c $(pkg-config --cflags --libs tevent talloc)
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/* ask() ticks every TICK_MS milliseconds, and gives up at tick MAX_TICKS. */
#define TICK_MS 5
#define MAX_TICKS 3

/* ---- The server: you need not change it ------------------------------- */

struct server {
	TALLOC_CTX *question;	/* what the question asked last has made */
	bool answered;		/* the answer to it has come */
};

static void server_answers(struct tevent_context *ev,
			   struct tevent_timer *te, struct timeval now,
			   void *private_data)
{
	struct server *srv = talloc_get_type_abort(private_data,
						   struct server);

	(void)ev;
	(void)te;
	(void)now;
	srv->answered = true;
}

/*
 * Ask the server a question: srv->answered becomes true answer_ms
 * milliseconds from now, or never if answer_ms is 0. The question before
 * is forgotten. false if an allocation failed.
 */
static bool server_ask(struct tevent_context *ev, struct server *srv,
		       unsigned answer_ms)
{
	TALLOC_FREE(srv->question);
	srv->answered = false;
	srv->question = talloc_new(srv);
	if (srv->question == NULL) {
		return false;
	}
	if (answer_ms == 0) {
		return true;
	}
	return tevent_add_timer(ev, srv->question,
				tevent_timeval_current_ofs(0, answer_ms * 1000),
				server_answers, srv) != NULL;
}

/* ---- Waiting for the answer: your part -------------------------------- */

/* What ask() waits with; it lives on ask()'s stack. */
struct waiting {
	TALLOC_CTX *mem_ctx;		/* where its ticks are made */
	const char *name;
	struct tevent_timer *tick;	/* pending, or NULL */
	unsigned ticks;			/* the ticks so far */
	bool gave_up;
	bool failed;			/* no memory for the next tick */
};

static void waiting_tick(struct tevent_context *ev, struct tevent_timer *te,
			 struct timeval now, void *private_data)
{
	struct waiting *w = private_data;

	(void)te;
	(void)now;
	w->tick = NULL;		/* tevent frees it when we return */
	w->ticks += 1;
	printf("%s: tick %u\n", w->name, w->ticks);
	if (w->ticks == MAX_TICKS) {
		printf("%s: no answer, gives up\n", w->name);
		w->gave_up = true;
		return;
	}
	w->tick = tevent_add_timer(ev, w->mem_ctx,
				   tevent_timeval_current_ofs(0, TICK_MS * 1000),
				   waiting_tick, w);
	w->failed = w->tick == NULL;
}

/*
 * Wait for the answer to the question just asked of srv, ticking, until
 * it has come or the last tick is over; then stop ticking. false if an
 * allocation or the loop failed.
 */
static bool ask(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
		struct server *srv, const char *name)
{
	struct waiting w = { .mem_ctx = mem_ctx, .name = name };

	w.tick = tevent_add_timer(ev, mem_ctx,
				  tevent_timeval_current_ofs(0, TICK_MS * 1000),
				  waiting_tick, &w);
	if (w.tick == NULL) {
		return false;
	}
	while (!srv->answered && !w.gave_up && !w.failed) {
		if (tevent_loop_once(ev) != 0) {
			w.failed = true;
		}
	}
	TALLOC_FREE(w.tick);	/* the tick still pending, if any */
	if (w.failed) {
		return false;
	}
	if (srv->answered) {
		printf("%s: answered\n", name);
	}
	return true;
}

/* ---- main: you need not change what follows ----------------------------- */

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
		unsigned answer_ms;	/* 0: never */
	} questions[] = {
		{ "weather", 2 }, { "traffic", 8 }, { "lottery", 0 },
	};
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct tevent_context *ev;
	struct server *srv;
	unsigned answered = 0;
	size_t i;

	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	srv = talloc_zero(mem_ctx, struct server);
	if (ev == NULL || srv == NULL) {
		goto fail;
	}
	for (i = 0; i < sizeof(questions) / sizeof(questions[0]); i++) {
		if (!server_ask(ev, srv, questions[i].answer_ms) ||
		    !ask(ev, mem_ctx, srv, questions[i].name)) {
			goto fail;
		}
		answered += srv->answered ? 1 : 0;
	}
	printf("main: %u of %zu answered\n", answered, i);
	talloc_free(mem_ctx);
	return 0;

fail:
	fprintf(stderr, "out of memory, or the loop failed\n");
	talloc_free(mem_ctx);
	return 1;
}
