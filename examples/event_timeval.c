/*
 * event_timeval.c - the tevent_timeval_* helpers: making, adding,
 * comparing and subtracting times.
 *
 * Fixed times show the arithmetic; times taken from the clock are only
 * compared, so that the output is the same on every run; a timer shows
 * the time its handler is given. Explained on the page "Time values".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc event_timeval.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [show] */
static void show(const char *what, struct timeval tv)
{
	printf("%-34s %ld.%06ld s\n", what, (long)tv.tv_sec,
	       (long)tv.tv_usec);
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}
/*! [show] */

/*! [fixed] */
static void fixed_times(void)
{
	struct timeval a = tevent_timeval_set(1, 999999);
	struct timeval b = tevent_timeval_add(&a, 0, 2);
	struct timeval zero = tevent_timeval_zero();

	show("a = set(1, 999999)", a);
	show("b = add(&a, 0, 2)", b);
	printf("compare(&a, &b) %d, compare(&b, &a) %d, compare(&a, &a) %d\n",
	       tevent_timeval_compare(&a, &b),
	       tevent_timeval_compare(&b, &a),
	       tevent_timeval_compare(&a, &a));
	show("until(&a, &b)", tevent_timeval_until(&a, &b));
	show("until(&b, &a)", tevent_timeval_until(&b, &a));
	show("zero()", zero);
	printf("is_zero(&zero) %s, is_zero(&a) %s\n",
	       yes_no(tevent_timeval_is_zero(&zero)),
	       yes_no(tevent_timeval_is_zero(&a)));
}
/*! [fixed] */

/*! [clock] */
static void due_now(struct tevent_context *ev, struct tevent_timer *te,
		    struct timeval now, void *private_data)
{
	struct timeval *due = private_data;

	(void)ev;
	(void)te;
	show("in the handler: until(&now, &due)",
	     tevent_timeval_until(&now, due));
	*due = tevent_timeval_zero();	/* tells main it ran */
}

/* Times from the clock: only compared, never printed. */
static bool clock_times(struct tevent_context *ev, TALLOC_CTX *mem_ctx)
{
	struct timeval before = tevent_timeval_current();
	struct timeval due = tevent_timeval_current_ofs(0, 20 * 1000);
	struct timeval after = tevent_timeval_current();
	struct timeval ms20 = tevent_timeval_set(0, 20 * 1000);
	struct timeval left = tevent_timeval_until(&before, &due);

	printf("due = current_ofs(0, 20000), between two current() calls:\n");
	printf("  until(&before, &due) >= 20 ms: %s\n",
	       yes_no(tevent_timeval_compare(&left, &ms20) >= 0));
	left = tevent_timeval_until(&after, &due);
	printf("  until(&after, &due) <= 20 ms: %s\n",
	       yes_no(tevent_timeval_compare(&left, &ms20) <= 0));

	if (tevent_add_timer(ev, mem_ctx, due, due_now, &due) == NULL) {
		return false;
	}
	while (!tevent_timeval_is_zero(&due)) {
		if (tevent_loop_once(ev) != 0) {
			return false;
		}
	}
	return true;
}
/*! [clock] */

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
	/*! [main] */
	fixed_times();
	if (!clock_times(ev, mem_ctx)) {
		fprintf(stderr, "out of memory, or the loop failed\n");
		talloc_free(mem_ctx);
		return 1;
	}
	/*! [main] */
	talloc_free(mem_ctx);
	return 0;
}
