/*
 * event_timer_update.c - a repeating timer, and a timeout that activity
 * pushes back.
 *
 * A session closes after 12 ms without activity. Activity comes every
 * 5 ms, three times, from a timer that adds itself again at a steady
 * rhythm; each time it moves the idle timeout with tevent_update_timer().
 * Explained on the page "Repeating and moving timers".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc event_timer_update.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [state] */
#define IDLE_MS 12		/* the session closes after this */
#define ACTIVITY_MS 5		/* activity comes this often */

struct session {
	struct tevent_timer *idle;	/* pending, or NULL once it fired */
	struct timeval next;		/* when the next activity is due */
	unsigned activities;		/* how many are left to come */
	unsigned seen;			/* how many came */
	bool closed;
	bool failed;
};

static void session_idle(struct tevent_context *ev, struct tevent_timer *te,
			 struct timeval now, void *private_data);
static void session_activity(struct tevent_context *ev,
			     struct tevent_timer *te, struct timeval now,
			     void *private_data);
/*! [state] */

/*! [idle] */
static void session_idle(struct tevent_context *ev, struct tevent_timer *te,
			 struct timeval now, void *private_data)
{
	struct session *s = talloc_get_type_abort(private_data,
						  struct session);

	(void)ev;
	(void)te;
	(void)now;

	s->idle = NULL;		/* tevent frees it when we return */
	printf("idle: %d ms without activity, closing\n", IDLE_MS);
	s->closed = true;
}
/*! [idle] */

/*! [activity] */
static void session_activity(struct tevent_context *ev,
			     struct tevent_timer *te, struct timeval now,
			     void *private_data)
{
	struct session *s = talloc_get_type_abort(private_data,
						  struct session);

	(void)te;
	(void)now;

	s->activities -= 1;
	s->seen += 1;
	printf("activity %u: the idle timeout moves to %d ms from now\n",
	       s->seen, IDLE_MS);
	tevent_update_timer(s->idle,
			    tevent_timeval_current_ofs(0, IDLE_MS * 1000));

	if (s->activities == 0) {
		return;
	}
	/* To repeat, add a new timer: this one is freed on return. */
	s->next = tevent_timeval_add(&s->next, 0, ACTIVITY_MS * 1000);
	if (tevent_add_timer(ev, s, s->next, session_activity, s) == NULL) {
		s->failed = true;
	}
}
/*! [activity] */

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
	struct session *s;
	struct timeval start;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	s = talloc_zero(mem_ctx, struct session);
	if (ev == NULL || s == NULL) {
		goto nomem;
	}
	/*! [main] */
	s->activities = 3;
	start = tevent_timeval_current();
	s->idle = tevent_add_timer(ev, s,
				   tevent_timeval_add(&start, 0,
						      IDLE_MS * 1000),
				   session_idle, s);
	s->next = tevent_timeval_add(&start, 0, ACTIVITY_MS * 1000);
	if (s->idle == NULL ||
	    tevent_add_timer(ev, s, s->next, session_activity, s) == NULL) {
		goto nomem;
	}
	printf("main: idle timeout in %d ms; activity every %d ms, "
	       "%u times\n", IDLE_MS, ACTIVITY_MS, s->activities);

	while (!s->closed && !s->failed) {
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "tevent_loop_once failed\n");
			talloc_free(mem_ctx);
			return 1;
		}
	}
	if (s->failed) {
		goto nomem;
	}
	printf("main: closed after %u activities\n", s->seen);
	/*! [main] */
	talloc_free(mem_ctx);
	return 0;

nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
