/*
 * event_timer_order.c - in which order timers run, and the time their
 * handler is given.
 *
 * Six timers: two at the same time, one a millisecond later, one long
 * past, one at the present moment and one at the zero time. They run
 * in the order of their times, the zero time first. Explained on the
 * page "Timers".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc event_timer_order.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [handler] */
struct alarm {
	const char *name;
	struct timeval at;	/* the time it was added with */
	unsigned *pending;
};

static void alarm_rings(struct tevent_context *ev, struct tevent_timer *te,
			struct timeval now, void *private_data)
{
	struct alarm *a = talloc_get_type_abort(private_data, struct alarm);

	(void)ev;
	(void)te;

	if (tevent_timeval_is_zero(&now)) {
		printf("%-9s now is zero\n", a->name);
	} else if (tevent_timeval_compare(&now, &a->at) >= 0) {
		printf("%-9s now is at or after its time\n", a->name);
	} else {
		printf("%-9s now is before its time!\n", a->name);
	}
	*a->pending -= 1;
}
/*! [handler] */

/*! [add] */
static bool alarm_add(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
		      const char *name, struct timeval at, unsigned *pending)
{
	struct alarm *a = talloc(mem_ctx, struct alarm);

	if (a == NULL) {
		return false;
	}
	*a = (struct alarm) { .name = name, .at = at, .pending = pending };
	if (tevent_add_timer(ev, a, at, alarm_rings, a) == NULL) {
		talloc_free(a);
		return false;
	}
	*pending += 1;
	return true;
}
/*! [add] */

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
	struct timeval now, soon, later;
	unsigned pending = 0;

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
	now = tevent_timeval_current();
	soon = tevent_timeval_add(&now, 0, 5000);
	later = tevent_timeval_add(&soon, 0, 1000);

	if (!alarm_add(ev, mem_ctx, "later", later, &pending) ||
	    !alarm_add(ev, mem_ctx, "soon 1", soon, &pending) ||
	    !alarm_add(ev, mem_ctx, "soon 2", soon, &pending) ||
	    !alarm_add(ev, mem_ctx, "long ago", tevent_timeval_set(1, 0),
		       &pending) ||
	    !alarm_add(ev, mem_ctx, "now", now, &pending) ||
	    !alarm_add(ev, mem_ctx, "zero", tevent_timeval_zero(),
		       &pending)) {
		goto nomem;
	}
	printf("main: added later, soon 1, soon 2, long ago, now, zero\n");

	while (pending > 0) {
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "tevent_loop_once failed\n");
			talloc_free(mem_ctx);
			return 1;
		}
	}
	/*! [main] */
	talloc_free(mem_ctx);
	return 0;

nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
