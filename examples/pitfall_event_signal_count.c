/*
 * pitfall_event_signal_count.c - expecting one handler call per signal.
 *
 * A worker reports each finished job with SIGUSR1, and three jobs end
 * before the loop runs again. tevent then calls the handler once, with
 * count 3: a handler that counts its calls sees one job. The fix adds
 * count. Signals leave process-wide state in tevent, so both run in a
 * child process. Explained on the page "Pitfalls of events".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_event_signal_count.c $(pkg-config --cflags --libs tevent talloc)
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
static void job_done_wrong(struct tevent_context *ev,
			   struct tevent_signal *se, int signum, int count,
			   void *siginfo, void *private_data)
{
	unsigned *jobs = private_data;

	(void)ev;
	(void)se;
	(void)signum;
	(void)count;
	(void)siginfo;
	*jobs += 1;		/* one call is not one signal */
}

static void job_done_right(struct tevent_context *ev,
			   struct tevent_signal *se, int signum, int count,
			   void *siginfo, void *private_data)
{
	unsigned *jobs = private_data;

	(void)ev;
	(void)se;
	(void)signum;
	(void)siginfo;
	*jobs += (unsigned)count;	/* the signals since the last call */
}
/*! [handlers] */

/*! [count] */
static int count_jobs(const char *backend, tevent_signal_handler_t handler)
{
	/* Ignored before tevent's handler, and after it: a signal that
	 * comes late (as under valgrind) does no harm. */
	struct sigaction ignore = { .sa_handler = SIG_IGN };
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct tevent_context *ev;
	unsigned jobs = 0;
	int i;

	if (sigaction(SIGUSR1, &ignore, NULL) != 0) {
		perror("sigaction");
		talloc_free(mem_ctx);
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	if (ev == NULL ||
	    tevent_add_signal(ev, mem_ctx, SIGUSR1, 0, handler,
			      &jobs) == NULL) {
		fprintf(stderr, "out of memory\n");
		talloc_free(mem_ctx);
		return 1;
	}
	for (i = 0; i < 3; i++) {
		if (raise(SIGUSR1) != 0) {	/* a job ends */
			perror("raise");
			talloc_free(mem_ctx);
			return 1;
		}
	}
	if (tevent_loop_once(ev) != 0) {
		fprintf(stderr, "tevent_loop_once failed\n");
		talloc_free(mem_ctx);
		return 1;
	}
	printf("  3 jobs ended before the loop ran; jobs counted: %u\n",
	       jobs);
	talloc_free(mem_ctx);
	return 0;
}
/*! [count] */

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
/* Both runs, in the child. */
static int mistake_and_fix(const char *backend)
{
	int ret;

	printf("mistake: one job per handler call\n");
	ret = count_jobs(backend, job_done_wrong);
	if (ret == 0) {
		printf("fix: count jobs by the handler's count\n");
		ret = count_jobs(backend, job_done_right);
	}
	return ret;
}

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	int ret = run_in_child(mistake_and_fix, backend);

	if (ret < 0) {
		fprintf(stderr, "the child was killed by signal %d\n", -ret);
	}
	/* On failure the child has said why, on stderr. */
	return ret == 0 ? 0 : 1;
}
/*! [main] */
