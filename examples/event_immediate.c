/*
 * event_immediate.c - immediate events: scheduled, moved, cancelled,
 * rescheduled from their own handler, and used again.
 *
 * A zero timer is added first, then four immediates. One is scheduled a
 * second time, one is freed, one schedules itself again; all of them run
 * before the timer, and an immediate that has run can be scheduled
 * again. Explained on the page "Immediate events".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc event_immediate.c $(pkg-config --cflags --libs tevent talloc)
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
struct step {
	const char *name;
	bool again;		/* schedule itself once more */
};

static void step_run(struct tevent_context *ev, struct tevent_immediate *im,
		     void *private_data)
{
	struct step *s = talloc_get_type_abort(private_data, struct step);

	if (s->again) {
		s->again = false;
		printf("%s runs, and schedules itself again\n", s->name);
		tevent_schedule_immediate(im, ev, step_run, s);
		return;
	}
	printf("%s runs\n", s->name);
}
/*! [handler] */

/*! [create] */
/* An immediate event and its step, both children of mem_ctx. */
static struct tevent_immediate *step_new(TALLOC_CTX *mem_ctx,
					 const char *name,
					 struct step **ps)
{
	struct tevent_immediate *im = tevent_create_immediate(mem_ctx);
	struct step *s = talloc(mem_ctx, struct step);

	if (im == NULL || s == NULL) {
		return NULL;
	}
	*s = (struct step) { .name = name };
	*ps = s;
	return im;
}
/*! [create] */

/*! [timer] */
static void timer_run(struct tevent_context *ev, struct tevent_timer *te,
		      struct timeval now, void *private_data)
{
	bool *done = private_data;

	(void)ev;
	(void)te;
	(void)now;
	printf("the zero timer runs\n");
	*done = true;
}
/*! [timer] */

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

/*! [loop_until] */
/* Turn the loop until *done. */
static bool loop_until(struct tevent_context *ev, const bool *done)
{
	while (!*done) {
		if (tevent_loop_once(ev) != 0) {
			return false;
		}
	}
	return true;
}
/*! [loop_until] */

/*! [main] */
int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	static const char *const names[] = { "a", "b", "c", "d" };
	struct tevent_immediate *im[4];
	struct step *s[4];
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	bool done = false;
	size_t i;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	if (ev == NULL) {
		goto nomem;
	}
	if (tevent_add_timer(ev, mem_ctx, tevent_timeval_zero(), timer_run,
			     &done) == NULL) {
		goto nomem;
	}
	for (i = 0; i < 4; i++) {
		im[i] = step_new(mem_ctx, names[i], &s[i]);
		if (im[i] == NULL) {
			goto nomem;
		}
		tevent_schedule_immediate(im[i], ev, step_run, s[i]);
	}
	printf("main: added a zero timer, then scheduled a, b, c and d\n");

	tevent_schedule_immediate(im[0], ev, step_run, s[0]);
	TALLOC_FREE(im[3]);
	s[2]->again = true;
	printf("main: scheduled a again, and freed d\n");

	if (!loop_until(ev, &done)) {
		goto failed;
	}

	printf("main: a has run, and is still allocated: scheduling it\n");
	tevent_schedule_immediate(im[0], ev, step_run, s[0]);
	if (tevent_loop_once(ev) != 0) {
		goto failed;
	}
	talloc_free(mem_ctx);
	return 0;

failed:
	fprintf(stderr, "tevent_loop_once failed\n");
	talloc_free(mem_ctx);
	return 1;
nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
/*! [main] */
