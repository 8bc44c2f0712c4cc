/*
 * pitfall_event_update_own.c - tevent_update_timer() from the timer's
 * own handler, to make it repeat.
 *
 * The timer is freed when its handler returns, whatever the handler did
 * to it; the context goes on pointing to the freed timer. Here the tick
 * runs once, and the loop stops running timers at all: a stop timer due
 * 17 ms after the first tick never runs. The mistake runs in a child
 * process, which gives up ten turns of the loop after the stop time;
 * then the fix, a new timer from each handler, runs. Explained on the
 * page "Pitfalls of events".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_event_update_own.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [times] */
#define TICK_MS 5		/* a tick every 5 ms */
#define STOP_MS 17		/* stop 17 ms after the first tick */
/*! [times] */

/*! [state] */
struct ticker {
	struct timeval first;	/* when the first tick ran */
	struct timeval stop_at;	/* when the stop timer is due */
	unsigned ticks;
	bool stopped;
	bool failed;
};

static void stop(struct tevent_context *ev, struct tevent_timer *te,
		 struct timeval now, void *private_data)
{
	struct ticker *t = private_data;

	(void)ev;
	(void)te;
	(void)now;
	t->stopped = true;
}

/* Count a tick; the first one also sets the stop timer. */
static void tick_count(struct tevent_context *ev, struct ticker *t)
{
	t->ticks += 1;
	if (t->ticks > 1) {
		return;
	}
	t->first = tevent_timeval_current();
	t->stop_at = tevent_timeval_add(&t->first, 0, STOP_MS * 1000);
	if (tevent_add_timer(ev, t, t->stop_at, stop, t) == NULL) {
		t->failed = true;
	}
}
/*! [state] */

/*! [wrong] */
static void tick_wrong(struct tevent_context *ev, struct tevent_timer *te,
		       struct timeval now, void *private_data)
{
	struct ticker *t = private_data;

	(void)now;
	tick_count(ev, t);
	/* Meant as "fire again in 5 ms"; te is freed on return. */
	tevent_update_timer(te, tevent_timeval_current_ofs(0,
							    TICK_MS * 1000));
}
/*! [wrong] */

/*! [right] */
static void tick_right(struct tevent_context *ev, struct tevent_timer *te,
		       struct timeval now, void *private_data)
{
	struct ticker *t = private_data;
	struct timeval next;

	(void)te;
	(void)now;
	tick_count(ev, t);
	/* A new timer for the next tick, at a steady rhythm. */
	next = tevent_timeval_add(&t->first, 0, t->ticks * TICK_MS * 1000);
	if (tevent_add_timer(ev, t, next, tick_right, t) == NULL) {
		t->failed = true;
	}
}
/*! [right] */

/*! [run] */
/* Tick until the stop timer runs; give up ten turns of the loop after
 * its time, when it should have run. */
static int run(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
	       tevent_timer_handler_t tick)
{
	struct ticker *t = talloc_zero(mem_ctx, struct ticker);
	unsigned late_turns = 0;
	struct timeval now;

	if (t == NULL ||
	    tevent_add_timer(ev, t, tevent_timeval_current_ofs(0, 1000),
			     tick, t) == NULL) {
		return 1;
	}
	while (!t->stopped && late_turns < 10) {
		if (tevent_loop_once(ev) != 0 || t->failed) {
			return 1;
		}
		now = tevent_timeval_current();
		if (t->ticks > 0 &&
		    tevent_timeval_compare(&now, &t->stop_at) > 0) {
			late_turns += 1;
		}
	}
	printf("  ticks: %u; the stop timer (%d ms after the first tick) "
	       "ran: %s\n", t->ticks, STOP_MS, t->stopped ? "yes" : "no");
	return 0;
}
/*! [run] */

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

/*! [fork] */
/*
 * Run fn(backend) in a child process; return its result (0 or 1), or
 * minus the number of the signal that killed it. The result comes back
 * through a pipe, not as the exit status: valgrind run with
 * --leak-check=full --error-exitcode=N (as the tests run it) makes a
 * process that ends with memory it reports as leaked exit with N.
 */
static int run_in_child(int (*fn)(const char *backend), const char *backend)
{
	int fds[2], status;
	char result = 1;
	pid_t pid;

	if (pipe(fds) != 0) {
		perror("pipe");
		return 1;
	}
	fflush(NULL);
	pid = fork();
	if (pid == -1) {
		perror("fork");
		close(fds[0]);
		close(fds[1]);
		return 1;
	}
	if (pid == 0) {
		close(fds[0]);
		result = fn(backend) == 0 ? 0 : 1;
		fflush(stdout);
		/* _exit(), not exit(): the atexit handlers are the parent's */
		_exit(write(fds[1], &result, 1) == 1 ? 0 : 1);
	}
	close(fds[1]);
	if (read(fds[0], &result, 1) != 1) {
		result = 1;		/* it died before it could say */
	}
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid) {
		perror("waitpid");
		return 1;
	}
	return WIFSIGNALED(status) ? -WTERMSIG(status) : result;
}
/*! [fork] */

/*! [child] */
/* The mistake, in a child: afterwards its context holds a freed timer,
 * so the child must not even free the context. */
static int run_wrong(const char *backend)
{
	struct tevent_context *ev = tevent_context_init_byname(NULL, backend);

	if (ev == NULL || run(ev, ev, tick_wrong) != 0) {
		fprintf(stderr, "out of memory, or the loop failed\n");
		return 1;
	}
	return 0;
}
/*! [child] */

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	int ret;

	printf("mistake: the tick updates its own timer (in a child)\n");
	ret = run_in_child(run_wrong, backend);
	if (ret != 0) {
		if (ret < 0) {
			fprintf(stderr, "the child was killed by signal %d\n",
				-ret);
		}
		return 1;	/* else the child has said why */
	}

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	printf("fix: the tick adds a new timer\n");
	ret = ev == NULL ? 1 : run(ev, mem_ctx, tick_right);
	if (ret != 0) {
		fprintf(stderr, "out of memory, or the loop failed\n");
	}
	talloc_free(mem_ctx);
	return ret;
}
