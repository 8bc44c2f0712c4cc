/*
 * loop_order.c - what each turn of the loop runs, and in which order.
 *
 * A signal, two immediates, two overdue timers and a readable pipe
 * are all pending at once; the program turns the loop with
 * tevent_loop_once() and prints, turn by turn, the handlers that ran,
 * and then what one more turn does. Explained on the page "One turn of
 * the loop".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc loop_order.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [trace] */
/* Which turn this is, and what ran in it. */
struct turns {
	unsigned turn;
	unsigned ran;		/* handlers of ours in this turn */
	unsigned ran_total;	/* and in all turns */
	int pipe_fd;		/* what the fd event waits on */
};

/* Called by tevent around each turn and around its wait. */
static void trace_turn(enum tevent_trace_point point, void *private_data)
{
	struct turns *t = private_data;

	switch (point) {
	case TEVENT_TRACE_BEFORE_LOOP_ONCE:
		t->turn += 1;
		t->ran = 0;
		printf("turn %u:", t->turn);
		break;
	case TEVENT_TRACE_AFTER_WAIT:
		printf(" (waited)");
		break;
	case TEVENT_TRACE_AFTER_LOOP_ONCE:
		printf("%s\n", t->ran == 0 ? " none of our handlers" : "");
		t->ran_total += t->ran;
		break;
	default:
		break;
	}
}
/*! [trace] */

/*! [handlers] */
static void on_signal(struct tevent_context *ev, struct tevent_signal *se,
		      int signum, int count, void *siginfo,
		      void *private_data)
{
	struct turns *t = private_data;

	(void)ev;
	(void)se;
	(void)siginfo;
	t->ran += 1;
	printf(" signal %s (count %d)",
	       signum == SIGUSR1 ? "SIGUSR1" : "another", count);
}

static void on_immediate(struct tevent_context *ev,
			 struct tevent_immediate *im, void *private_data)
{
	struct turns *t = private_data;

	(void)ev;
	t->ran += 1;
	printf(" immediate %s", talloc_get_name(im));
}

static void on_timer(struct tevent_context *ev, struct tevent_timer *te,
		     struct timeval now, void *private_data)
{
	struct turns *t = private_data;
	const char *name = talloc_get_name(te);

	(void)ev;
	(void)now;
	t->ran += 1;
	printf(" timer %s", name);
}

static void on_readable(struct tevent_context *ev, struct tevent_fd *fde,
			uint16_t flags, void *private_data)
{
	struct turns *t = private_data;
	char c;

	(void)ev;
	(void)flags;
	t->ran += 1;
	if (read(t->pipe_fd, &c, 1) != 1) {
		c = '?';
	}
	printf(" fd: read '%c' from the pipe", c);
	talloc_free(fde);	/* nothing more to read */
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

/*! [setup] */
/* A named immediate, scheduled now. */
static bool immediate_now(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
			  const char *name, struct turns *t)
{
	struct tevent_immediate *im = tevent_create_immediate(mem_ctx);

	if (im == NULL) {
		return false;
	}
	talloc_set_name_const(im, name);
	tevent_schedule_immediate(im, ev, on_immediate, t);
	return true;
}

/* A named timer at the given time. */
static bool timer_at(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
		     const char *name, struct timeval at, struct turns *t)
{
	struct tevent_timer *te;

	te = tevent_add_timer(ev, mem_ctx, at, on_timer, t);
	if (te == NULL) {
		return false;
	}
	talloc_set_name_const(te, name);
	return true;
}

/* Make everything pending at once; fds[0] becomes readable. */
static bool set_up(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
		   int fds[2], struct turns *t)
{
	t->pipe_fd = fds[0];
	if (tevent_add_signal(ev, mem_ctx, SIGUSR1, 0, on_signal,
			      t) == NULL ||
	    tevent_add_fd(ev, mem_ctx, fds[0], TEVENT_FD_READ, on_readable,
			  t) == NULL ||
	    !timer_at(ev, mem_ctx, "past2", tevent_timeval_set(2, 0), t) ||
	    !timer_at(ev, mem_ctx, "past1", tevent_timeval_set(1, 0), t) ||
	    !immediate_now(ev, mem_ctx, "im1", t) ||
	    !immediate_now(ev, mem_ctx, "im2", t)) {
		return false;
	}
	if (write(fds[1], "x", 1) != 1 || raise(SIGUSR1) != 0 ||
	    raise(SIGUSR1) != 0) {
		return false;
	}
	printf("pending: SIGUSR1 (raised twice), immediates im1 and im2, "
	       "overdue timers\n"
	       "past1 and past2, and the pipe (readable)\n");
	return true;
}
/*! [setup] */

/*! [turns] */
/* Turn the loop one turn at a time until all six handlers have run;
 * then once more. */
static int show_turns(void *arg)
{
	const char *backend = arg;
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct tevent_context *ev;
	struct turns *t;
	int fds[2] = { -1, -1 };
	int ret = 1;

	ev = tevent_context_init_byname(mem_ctx, backend);
	t = talloc_zero(mem_ctx, struct turns);
	if (ev == NULL || t == NULL || pipe(fds) != 0 ||
	    !set_up(ev, mem_ctx, fds, t)) {
		fprintf(stderr, "loop_order: setting up failed\n");
		goto done;
	}
	tevent_set_trace_callback(ev, trace_turn, t);
	while (t->ran_total < 6 && t->turn < 20) {
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "loop_order: a turn failed\n");
			goto done;
		}
	}
	printf("all six have run; one more turn, with a timer a second "
	       "ahead:\n");
	if (!timer_at(ev, mem_ctx, "guard", tevent_timeval_current_ofs(1, 0),
		      t) ||
	    tevent_loop_once(ev) != 0) {
		fprintf(stderr, "loop_order: the last turn failed\n");
		goto done;
	}
	ret = 0;
done:
	if (fds[0] != -1) {
		close(fds[0]);
		close(fds[1]);
	}
	talloc_free(mem_ctx);
	return ret;
}
/*! [turns] */

/*! [child] */
/*
 * Run fn(arg) in a child process and wait for it. Returns 0 if fn
 * returned 0 in the child, -1 if not (the child has said why on
 * stderr), and puts the signal that killed the child, if one did, in
 * *sig. The child reports through a pipe, not through its exit status:
 * valgrind run with --leak-check=full --error-exitcode=N (as the tests
 * run it) makes a process that ends with memory it reports as leaked
 * exit with N, and tevent's signal handling keeps some until the end.
 */
static int in_child(int (*fn)(void *arg), void *arg, int *sig)
{
	int fds[2], status;
	char ok = 'n';
	pid_t pid;

	*sig = 0;
	fflush(stdout);
	if (pipe(fds) != 0 || (pid = fork()) == -1) {
		fprintf(stderr, "loop_order: cannot start a child\n");
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		if (fn(arg) == 0 && write(fds[1], "y", 1) != 1) {
			fprintf(stderr, "loop_order: cannot report\n");
		}
		fflush(stdout);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &ok, 1) != 1) {
		ok = 'n';
	}
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid) {
		fprintf(stderr, "loop_order: lost the child\n");
		return -1;
	}
	if (WIFSIGNALED(status)) {
		*sig = WTERMSIG(status);
	}
	return ok == 'y' ? 0 : -1;
}
/*! [child] */

/*! [main] */
int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	int sig;

	/*
	 * In a child: tevent keeps what it needs for signals until the
	 * process ends, and no call frees it.
	 */
	if (in_child(show_turns, (void *)backend, &sig) != 0) {
		if (sig != 0) {
			fprintf(stderr, "loop_order: killed by signal %d\n",
				sig);
		}
		return 1;
	}
	return 0;
}
/*! [main] */
