/*
 * event_signal.c - signals as events: the count of a plain handler, one
 * call per signal with SA_SIGINFO, and signals before everything else.
 *
 * SIGUSR1 comes three times and SIGUSR2 twice, with a value each, while
 * an immediate and a zero timer wait. One turn of the loop handles all
 * the signals; the immediate and the timer follow. tevent keeps some
 * signal state for the rest of the process, so the program does all this
 * in a child process and leaves nothing behind in the parent. Explained
 * on the page "Signals".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc event_signal.c $(pkg-config --cflags --libs tevent talloc)
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

/*! [handlers] */
static void on_usr1(struct tevent_context *ev, struct tevent_signal *se,
		    int signum, int count, void *siginfo, void *private_data)
{
	(void)ev;
	(void)se;
	(void)signum;
	(void)siginfo;		/* NULL: no SA_SIGINFO */
	(void)private_data;
	printf("SIGUSR1: count %d\n", count);
}

static void on_usr2(struct tevent_context *ev, struct tevent_signal *se,
		    int signum, int count, void *siginfo, void *private_data)
{
	const siginfo_t *info = siginfo;	/* SA_SIGINFO */

	(void)ev;
	(void)se;
	(void)signum;
	(void)private_data;
	printf("SIGUSR2: count %d, value %d\n", count,
	       info->si_value.sival_int);
}

static void on_immediate(struct tevent_context *ev,
			 struct tevent_immediate *im, void *private_data)
{
	(void)ev;
	(void)im;
	(void)private_data;
	printf("the immediate runs\n");
}

static void on_timer(struct tevent_context *ev, struct tevent_timer *te,
		     struct timeval now, void *private_data)
{
	(void)ev;
	(void)te;
	(void)now;
	(void)private_data;
	printf("the zero timer runs\n");
}
/*! [handlers] */

/*! [send] */
static bool send_signals(void)
{
	union sigval one = { .sival_int = 1 }, two = { .sival_int = 2 };

	return raise(SIGUSR1) == 0 && raise(SIGUSR1) == 0 &&
	       raise(SIGUSR1) == 0 &&
	       sigqueue(getpid(), SIGUSR2, one) == 0 &&
	       sigqueue(getpid(), SIGUSR2, two) == 0;
}
/*! [send] */

/*! [ignore] */
static bool set_ignored(int signum)
{
	struct sigaction act = { .sa_handler = SIG_IGN };

	return sigaction(signum, &act, NULL) == 0;
}

static bool is_ignored(int signum)
{
	struct sigaction act;

	return sigaction(signum, NULL, &act) == 0 &&
	       act.sa_handler == SIG_IGN;
}
/*! [ignore] */

/*! [setup] */
/* The child's work; 0 on success. */
static int signals_run(const char *backend)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct tevent_context *ev;
	struct tevent_signal *usr1, *usr2;
	struct tevent_immediate *im;
	int turn;

	/* Ignored before tevent's handlers, and after them: a signal that
	 * comes late (as under valgrind) does no harm. */
	if (!set_ignored(SIGUSR1) || !set_ignored(SIGUSR2)) {
		perror("sigaction");
		talloc_free(mem_ctx);
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	if (ev == NULL) {
		goto nomem;
	}
	usr1 = tevent_add_signal(ev, mem_ctx, SIGUSR1, 0, on_usr1, NULL);
	usr2 = tevent_add_signal(ev, mem_ctx, SIGUSR2, SA_SIGINFO, on_usr2,
				 NULL);
	im = tevent_create_immediate(mem_ctx);
	if (usr1 == NULL || usr2 == NULL || im == NULL ||
	    tevent_add_timer(ev, mem_ctx, tevent_timeval_zero(), on_timer,
			     NULL) == NULL) {
		goto nomem;
	}
	tevent_schedule_immediate(im, ev, on_immediate, NULL);
	/*! [setup] */

	/*! [turns] */
	printf("child: an immediate and a zero timer are waiting\n");
	printf("child: sending SIGUSR1 three times, and SIGUSR2 with the "
	       "values 1 and 2\n");
	if (!send_signals()) {
		perror("sending a signal");
		talloc_free(mem_ctx);
		return 1;
	}
	for (turn = 1; turn <= 3; turn++) {
		printf("-- turn %d of the loop\n", turn);
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "tevent_loop_once failed\n");
			talloc_free(mem_ctx);
			return 1;
		}
	}
	/*! [turns] */

	/*! [free] */
	talloc_free(usr1);
	talloc_free(usr2);
	printf("child: signal events freed; SIGUSR1 and SIGUSR2 are ignored "
	       "again: %s\n",
	       is_ignored(SIGUSR1) && is_ignored(SIGUSR2) ? "yes" : "no");
	talloc_free(mem_ctx);
	return 0;
	/*! [free] */

nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}

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

/*! [main] */
int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	int ret = run_in_child(signals_run, backend);

	if (ret < 0) {
		fprintf(stderr, "the child was killed by signal %d\n", -ret);
	}
	/* On failure the child has said why, on stderr. */
	return ret == 0 ? 0 : 1;
}
/*! [main] */
