/*
 * pitfall_event_free_fired.c - freeing a timer after it fired.
 *
 * tevent frees a timer right after its handler. A program that keeps
 * the pointer and frees it after the loop frees it twice; here talloc
 * notices and aborts. The mistake runs in a child process, whose stderr
 * (with talloc's message) the parent reads through a pipe; then the fix
 * runs. Explained on the page "Pitfalls of events".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_event_free_fired.c $(pkg-config --cflags --libs tevent talloc)
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

/*! [wrong] */
static void fired(struct tevent_context *ev, struct tevent_timer *te,
		  struct timeval now, void *private_data)
{
	bool *done = private_data;

	(void)ev;
	(void)te;
	(void)now;
	*done = true;
}

/* The mistake: the pointer outlives the timer. */
static int wait_wrong(struct tevent_context *ev, TALLOC_CTX *mem_ctx)
{
	struct tevent_timer *te;
	bool done = false;

	te = tevent_add_timer(ev, mem_ctx, tevent_timeval_current_ofs(0, 2000),
			      fired, &done);
	if (te == NULL) {
		return 1;
	}
	while (!done) {
		if (tevent_loop_once(ev) != 0) {
			return 1;
		}
	}
	TALLOC_FREE(te);	/* freed already, when it fired */
	return 0;
}
/*! [wrong] */

/*! [right] */
struct waiter {
	struct tevent_timer *te;	/* pending, or NULL */
	bool done;
};

static void waiter_fired(struct tevent_context *ev, struct tevent_timer *te,
			 struct timeval now, void *private_data)
{
	struct waiter *w = private_data;

	(void)ev;
	(void)te;
	(void)now;
	w->te = NULL;		/* tevent frees it when we return */
	w->done = true;
}

/* The fix: the handler forgets the timer it is given. */
static int wait_right(struct tevent_context *ev, TALLOC_CTX *mem_ctx)
{
	struct waiter short_one = { .te = NULL }, long_one = { .te = NULL };

	short_one.te = tevent_add_timer(ev, mem_ctx,
					tevent_timeval_current_ofs(0, 2000),
					waiter_fired, &short_one);
	long_one.te = tevent_add_timer(ev, mem_ctx,
				       tevent_timeval_current_ofs(60, 0),
				       waiter_fired, &long_one);
	if (short_one.te == NULL || long_one.te == NULL) {
		return 1;
	}
	while (!short_one.done) {
		if (tevent_loop_once(ev) != 0) {
			return 1;
		}
	}
	printf("  the 2 ms timer fired; its pointer is %s\n",
	       short_one.te == NULL ? "NULL" : "set");
	TALLOC_FREE(short_one.te);	/* nothing to do */
	printf("  the 60 s timer has not fired; its pointer is %s\n",
	       long_one.te == NULL ? "NULL" : "set");
	TALLOC_FREE(long_one.te);	/* cancels it */
	return 0;
}
/*! [right] */

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

/*! [child] */
/* Run the mistake in a child whose stderr goes into a pipe; print what
 * became of it, and what it wrote. */
static int run_wrong_in_child(const char *backend)
{
	char text[512];
	ssize_t n;
	size_t len = 0;
	int fds[2], status;
	pid_t pid;

	if (pipe(fds) != 0) {
		perror("pipe");
		return 1;
	}
	fflush(NULL);
	pid = fork();
	if (pid == -1) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		TALLOC_CTX *mem_ctx = talloc_new(NULL);
		struct tevent_context *ev;

		close(fds[0]);
		if (dup2(fds[1], 2) == -1) {
			_exit(2);
		}
		talloc_set_log_stderr();	/* talloc's messages too */
		ev = tevent_context_init_byname(mem_ctx, backend);
		_exit(ev == NULL ? 1 : wait_wrong(ev, mem_ctx));
	}
	close(fds[1]);
	while (len < sizeof(text) - 1 &&
	       (n = read(fds[0], text + len, sizeof(text) - 1 - len)) > 0) {
		len += (size_t)n;
	}
	text[len] = '\0';
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid) {
		perror("waitpid");
		return 1;
	}
	if (!WIFSIGNALED(status)) {
		fprintf(stderr, "the child exited with status %d\n",
			WEXITSTATUS(status));
		return 1;
	}
	if (WTERMSIG(status) == SIGABRT) {
		printf("  the child was killed by SIGABRT\n");
	} else {
		printf("  the child was killed by signal %d\n",
		       WTERMSIG(status));
	}
	printf("  its stderr: %s", text);
	return 0;
}
/*! [child] */

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	int ret;

	printf("mistake: TALLOC_FREE(te) after the timer fired, in a child\n");
	if (run_wrong_in_child(backend) != 0) {
		return 1;
	}

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	printf("fix: the handler sets the pointer to NULL\n");
	ret = ev == NULL ? 1 : wait_right(ev, mem_ctx);
	if (ret != 0) {
		fprintf(stderr, "out of memory, or the loop failed\n");
	}
	talloc_free(mem_ctx);
	return ret;
}
