/*
 * Exercise: six events, one order (exercises/loop_order).
 * Write run() where the comments say; README.md says what it does, and
 * `make exercise NAME=loop_order` checks the program.
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

/* ---- The events and the loop: your part ------------------------------- */

/* Each event carries its name as its talloc name. */
static void immediate_ran(struct tevent_context *ev,
			  struct tevent_immediate *im, void *private_data)
{
	(void)ev;
	(void)private_data;
	printf("immediate %s\n", talloc_get_name(im));
}

static void timer_ran(struct tevent_context *ev, struct tevent_timer *te,
		      struct timeval now, void *private_data)
{
	(void)ev;
	(void)now;
	(void)private_data;
	printf("timer %s\n", talloc_get_name(te));
}

/* The immediates "first" and "second" carry their names as their data. */
static void named_immediate_ran(struct tevent_context *ev,
				struct tevent_immediate *im,
				void *private_data)
{
	const char *name = private_data;

	(void)ev;
	(void)im;
	printf("immediate %s\n", name);
}

/* The handler of "soon" schedules the immediate it is given. */
static void soon_ran(struct tevent_context *ev, struct tevent_timer *te,
		     struct timeval now, void *private_data)
{
	struct tevent_immediate *after_soon = private_data;

	timer_ran(ev, te, now, NULL);
	tevent_schedule_immediate(after_soon, ev, immediate_ran, NULL);
}

/* A named timer at the time given, with the handler given. */
static bool timer_at(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
		     const char *name, struct timeval at,
		     tevent_timer_handler_t handler, void *private_data)
{
	struct tevent_timer *te;

	te = tevent_add_timer(ev, mem_ctx, at, handler, private_data);
	if (te == NULL) {
		return false;
	}
	talloc_set_name_const(te, name);
	return true;
}

/* A named immediate event; scheduled now if now is true. */
static struct tevent_immediate *immediate(struct tevent_context *ev,
					  TALLOC_CTX *mem_ctx,
					  const char *name, bool now)
{
	struct tevent_immediate *im = tevent_create_immediate(mem_ctx);

	if (im == NULL) {
		return NULL;
	}
	talloc_set_name_const(im, name);
	if (now) {
		tevent_schedule_immediate(im, ev, immediate_ran, NULL);
	}
	return im;
}

/*
 * Register the six events, in the order of the statement, and run the
 * loop until none is left. false if an allocation or the loop failed.
 */
static bool run(struct tevent_context *ev, TALLOC_CTX *mem_ctx)
{
	struct tevent_immediate *after_soon, *im;

	after_soon = immediate(ev, mem_ctx, "after soon", false);
	im = tevent_create_immediate(mem_ctx);	/* for first and second */
	if (after_soon == NULL || im == NULL ||
	    !timer_at(ev, mem_ctx, "late",
		      tevent_timeval_current_ofs(0, 20 * 1000), timer_ran,
		      NULL) ||
	    !timer_at(ev, mem_ctx, "soon",
		      tevent_timeval_current_ofs(0, 10 * 1000), soon_ran,
		      after_soon) ||
	    !timer_at(ev, mem_ctx, "overdue", tevent_timeval_set(1, 0),
		      timer_ran, NULL)) {
		return false;
	}
	tevent_schedule_immediate(im, ev, named_immediate_ran, "first");
	if (!timer_at(ev, mem_ctx, "zero", tevent_timeval_zero(), timer_ran,
		      NULL)) {
		return false;
	}
	tevent_schedule_immediate(im, ev, named_immediate_ran, "second");
	printf("registered: late, soon, overdue, first, zero, second\n");
	return tevent_loop_wait(ev) == 0;
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
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct tevent_context *ev;

	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	if (ev == NULL || !run(ev, mem_ctx)) {
		fprintf(stderr, "out of memory, or the loop failed\n");
		talloc_free(mem_ctx);
		return 1;
	}
	printf("the loop has no events left\n");
	talloc_free(mem_ctx);
	return 0;
}
