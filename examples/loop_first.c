/*
 * loop_first.c - a first event loop: a context, two events, the loop.
 *
 * An immediate event and a 10 ms timer are registered on one event
 * context; nothing runs until tevent_loop_wait() turns the loop, and it
 * returns once no event is left. Explained on the page "A first event
 * loop".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc loop_first.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
/*! [includes] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>
/*! [includes] */

/*! [handlers] */
/* What the handlers share: passed to them as private_data. */
struct progress {
	unsigned handlers_run;
};

/* An immediate event: its handler runs on the next turn of the loop. */
static void say_now(struct tevent_context *ev, struct tevent_immediate *im,
		    void *private_data)
{
	struct progress *p = private_data;

	(void)ev;
	(void)im;
	p->handlers_run += 1;
	printf("immediate: runs on the first turn of the loop\n");
}

/* A timer event: its handler runs once its time has come. */
static void say_later(struct tevent_context *ev, struct tevent_timer *te,
		      struct timeval now, void *private_data)
{
	struct progress *p = private_data;

	(void)ev;
	(void)te;
	(void)now;
	p->handlers_run += 1;
	printf("timer: 10 ms have passed\n");
}
/*! [handlers] */

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
	struct tevent_immediate *im;
	struct tevent_timer *te;
	struct progress *p;
	int ret;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	/*! [context] */
	ev = tevent_context_init_byname(mem_ctx, backend);
	p = talloc_zero(mem_ctx, struct progress);
	if (ev == NULL || p == NULL) {
		goto nomem;
	}
	/*! [context] */

	/*! [register] */
	im = tevent_create_immediate(mem_ctx);
	if (im == NULL) {
		goto nomem;
	}
	tevent_schedule_immediate(im, ev, say_now, p);

	te = tevent_add_timer(ev, mem_ctx,
			      tevent_timeval_current_ofs(0, 10 * 1000),
			      say_later, p);
	if (te == NULL) {
		goto nomem;
	}
	printf("main: two events registered, %u handlers run so far\n",
	       p->handlers_run);
	/*! [register] */

	/*! [loop] */
	ret = tevent_loop_wait(ev);
	if (ret != 0) {
		fprintf(stderr, "tevent_loop_wait() failed\n");
		talloc_free(mem_ctx);
		return 1;
	}
	printf("main: tevent_loop_wait() returned 0 after %u handlers\n",
	       p->handlers_run);
	/*! [loop] */
	talloc_free(mem_ctx);
	return 0;

nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
