/*
 * debug_talloc_abort.c - what talloc says when it aborts the program,
 * with and without talloc_set_log_stderr() and talloc_set_abort_fn().
 *
 * Each run is a child process that makes the same mistake: it asks
 * talloc_get_type_abort() for a type that the pointer does not have. The
 * parent collects what the child wrote to its standard error and how it
 * ended, and prints both. Explained on the page "Debugging tevent
 * programs".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc debug_talloc_abort.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

struct job {
	unsigned id;
};

struct reply {
	int code;
};

/*! [mistake] */
/* The mistake: a job where a reply was expected. */
static void use_the_wrong_type(void)
{
	struct job *job = talloc_zero(NULL, struct job);
	void *ptr = job;
	struct reply *reply;

	if (job == NULL) {
		_exit(3);
	}
	reply = talloc_get_type_abort(ptr, struct reply);
	/* Only if the abort function returned: */
	_exit(reply == NULL ? 4 : 5);
}
/*! [mistake] */

/*! [abort fn] */
/* An abort function of the program's own: log the reason, then abort.
 * (A real program might write it to its log file.) */
static void our_abort(const char *reason)
{
	fprintf(stderr, "our_abort: %s\n", reason);
	abort();
}
/*! [abort fn] */

/*! [setups] */
enum setup { NOTHING, LOG_STDERR, ABORT_FN };

static void child(enum setup setup)
{
	switch (setup) {
	case NOTHING:
		break;
	case LOG_STDERR:
		talloc_set_log_stderr();
		break;
	case ABORT_FN:
		talloc_set_abort_fn(our_abort);
		break;
	}
	use_the_wrong_type();
}
/*! [setups] */
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

/*
 * Run child(setup) in a child process with stdout on /dev/null and
 * stderr into a pipe; store what it wrote in err (NUL-terminated) and
 * its wait status in *status.
 */
static bool run_child(enum setup setup, char *err, size_t size,
		      int *status)
{
	int fds[2];
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	fflush(NULL);
	if (pipe(fds) != 0) {
		return false;
	}
	pid = fork();
	if (pid == -1) {
		close(fds[0]);
		close(fds[1]);
		return false;
	}
	if (pid == 0) {
		if (dup2(fds[1], 2) == -1 ||
		    freopen("/dev/null", "w", stdout) == NULL) {
			_exit(3);
		}
		close(fds[0]);
		child(setup);
		_exit(6);
	}
	close(fds[1]);
	while (len < size - 1 &&
	       (n = read(fds[0], err + len, size - 1 - len)) > 0) {
		len += (size_t)n;
	}
	err[len] = '\0';
	close(fds[0]);
	return waitpid(pid, status, 0) == pid;
}

/*! [show] */
static bool show(enum setup setup, const char *title)
{
	char err[1024], *line, *save = NULL;
	int status;

	if (!run_child(setup, err, sizeof(err), &status)) {
		return false;
	}
	/* A child that ran out of memory says less than the lesson needs
	 * (talloc formats its messages with talloc_asprintf()). */
	if ((setup != NOTHING && strstr(err, "expected[") == NULL) ||
	    (WIFEXITED(status) && WEXITSTATUS(status) == 3)) {
		return false;
	}
	printf("%s\n", title);
	if (err[0] == '\0') {
		printf("  stderr: (nothing)\n");
	}
	for (line = strtok_r(err, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		printf("  stderr: %s\n", line);
	}
	if (WIFSIGNALED(status)) {
		printf("  ended by signal %d (%s)\n", WTERMSIG(status),
		       WTERMSIG(status) == SIGABRT ? "SIGABRT" : "other");
	} else {
		printf("  ended with exit status %d\n", WEXITSTATUS(status));
	}
	return true;
}
/*! [show] */

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);

	(void)backend;	/* no event loop here */
	/*! [main] */
	if (!show(NOTHING, "talloc's defaults:") ||
	    !show(LOG_STDERR, "after talloc_set_log_stderr():") ||
	    !show(ABORT_FN, "after talloc_set_abort_fn(our_abort):")) {
		fprintf(stderr, "a child could not run\n");
		return 1;
	}
	/*! [main] */
	return 0;
}
