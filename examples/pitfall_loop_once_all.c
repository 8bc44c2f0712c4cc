/*
 * pitfall_loop_once_all.c - one tevent_loop_once() does not run
 * everything that is due.
 *
 * Three timers are all due; the mistake calls tevent_loop_once() once
 * and expects all three to have run. The fix turns the loop until they
 * have. Explained on the page "Pitfalls of the loop".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_loop_once_all.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [timers] */
struct work {
	unsigned done;
};

static void timer_done(struct tevent_context *ev, struct tevent_timer *te,
		       struct timeval now, void *private_data)
{
	struct work *w = private_data;

	(void)ev;
	(void)now;
	w->done += 1;
	printf("  timer %s ran\n", talloc_get_name(te));
}

/* Three timers, all due now. */
static bool add_three(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
		      struct work *w)
{
	static const char *const names[] = { "A", "B", "C" };
	size_t i;

	for (i = 0; i < 3; i++) {
		struct tevent_timer *te;

		te = tevent_add_timer(ev, mem_ctx, tevent_timeval_current(),
				      timer_done, w);
		if (te == NULL) {
			return false;
		}
		talloc_set_name_const(te, names[i]);
	}
	return true;
}
/*! [timers] */

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
	struct work *w;
	unsigned turns = 0;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	w = talloc_zero(mem_ctx, struct work);
	if (ev == NULL || w == NULL || !add_three(ev, mem_ctx, w)) {
		goto fail;
	}

	/*! [mistake] */
	printf("mistake: one tevent_loop_once() for three due timers\n");
	if (tevent_loop_once(ev) != 0) {
		goto fail;
	}
	printf("  done: %u of 3\n", w->done);
	/*! [mistake] */

	/*! [fix] */
	printf("fix: turn the loop until all three are done\n");
	while (w->done < 3) {
		if (tevent_loop_once(ev) != 0) {
			goto fail;
		}
		turns += 1;
	}
	printf("  done: %u of 3, after %u more turns\n", w->done, turns);
	/*! [fix] */
	talloc_free(mem_ctx);
	return 0;

fail:
	fprintf(stderr, "pitfall_loop_once_all: out of memory, or a turn "
		"failed\n");
	talloc_free(mem_ctx);
	return 1;
}
