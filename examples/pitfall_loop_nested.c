/*
 * pitfall_loop_nested.c - waiting inside a handler by turning the loop.
 *
 * A handler needs an answer that a timer gives 2 ms later, and turns
 * the loop itself to wait for it. Run in children: by default tevent
 * aborts the process; with an abort function that returns, the nested
 * call fails with ELOOP, and so does every later turn. The fix returns
 * from the handler and goes on in the timer's. Explained on the pages
 * "Do not nest the loop" and "Pitfalls of the loop".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_loop_nested.c $(pkg-config --cflags --libs tevent talloc)
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

/*! [answer] */
struct asker {
	int answer;		/* 0 until the timer gives it */
	bool nest;		/* the mistake: wait inside the handler */
	bool done;
	bool failed;
};

static void use_answer(struct asker *a)
{
	printf("  the answer is %d\n", a->answer);
	a->done = true;
}

/* The answer comes from a timer, 2 ms after the question. */
static void answer_arrives(struct tevent_context *ev,
			   struct tevent_timer *te, struct timeval now,
			   void *private_data)
{
	struct asker *a = private_data;

	(void)ev;
	(void)te;
	(void)now;
	a->answer = 42;
	if (!a->nest) {
		use_answer(a);	/* the fix: go on from here */
	}
}
/*! [answer] */

/*! [ask] */
static void ask(struct tevent_context *ev, struct tevent_immediate *im,
		void *private_data)
{
	struct asker *a = private_data;
	int ret;

	(void)im;
	if (tevent_add_timer(ev, a, tevent_timeval_current_ofs(0, 2000),
			     answer_arrives, a) == NULL) {
		a->failed = true;
		return;
	}
	if (!a->nest) {
		return;		/* the fix: answer_arrives() goes on */
	}
	/* The mistake: wait for the answer right here. */
	while (a->answer == 0) {
		ret = tevent_loop_once(ev);
		if (ret != 0) {
			printf("  nested tevent_loop_once() returned %d, "
			       "errno %s\n",
			       ret, errno == ELOOP ? "ELOOP" : "other");
			return;
		}
	}
	use_answer(a);
}
/*! [ask] */

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

/*! [run] */
/* Ask from an immediate handler; turn the loop until done, or until a
 * turn fails. Returns 0, or 1 after one line on stderr. */
static int ask_and_wait(const char *backend, bool nest)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct tevent_context *ev;
	struct tevent_immediate *im;
	struct asker *a;
	unsigned turns = 0;
	int ret;

	ev = tevent_context_init_byname(mem_ctx, backend);
	a = talloc_zero(mem_ctx, struct asker);
	im = tevent_create_immediate(mem_ctx);
	if (ev == NULL || a == NULL || im == NULL) {
		fprintf(stderr, "pitfall_loop_nested: out of memory\n");
		talloc_free(mem_ctx);
		return 1;
	}
	a->nest = nest;
	tevent_schedule_immediate(im, ev, ask, a);
	while (!a->done && !a->failed && turns++ < 5) {
		ret = tevent_loop_once(ev);
		if (ret != 0) {
			printf("  main's next tevent_loop_once() returned %d, "
			       "errno %s\n",
			       ret, errno == ELOOP ? "ELOOP" : "other");
			break;
		}
	}
	ret = a->failed ? 1 : 0;
	if (ret != 0) {
		fprintf(stderr, "pitfall_loop_nested: out of memory\n");
	}
	talloc_free(mem_ctx);
	return ret;
}
/*! [run] */

/*! [attempt] */
static void abort_fn_returns(const char *reason)
{
	(void)reason;
	printf("  the abort function was called\n");
}

struct attempt {
	const char *backend;
	bool with_abort_fn;	/* one that returns */
};

static int nested_attempt(void *arg)
{
	struct attempt *at = arg;

	if (at->with_abort_fn) {
		tevent_set_abort_fn(abort_fn_returns);
	}
	return ask_and_wait(at->backend, true);
}
/*! [attempt] */

/*! [child] */
/*
 * Run fn(arg) in a child process and wait for it. Returns 0 if fn
 * returned 0 in the child, -1 if not (the child has said why on
 * stderr), and puts the signal that killed the child, if one did, in
 * *sig. The child reports through a pipe, not through its exit status:
 * valgrind run with --leak-check=full --error-exitcode=N (as the tests
 * run it) makes a process that ends with memory it reports as leaked
 * exit with N, and tevent leaves some when a nested call fails.
 */
static int in_child(int (*fn)(void *arg), void *arg, int *sig)
{
	int fds[2], status;
	char ok = 'n';
	pid_t pid;

	*sig = 0;
	fflush(stdout);
	if (pipe(fds) != 0 || (pid = fork()) == -1) {
		fprintf(stderr, "pitfall_loop_nested: cannot start a child\n");
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		if (fn(arg) == 0 && write(fds[1], "y", 1) != 1) {
			fprintf(stderr, "pitfall_loop_nested: cannot report\n");
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
		fprintf(stderr, "pitfall_loop_nested: lost the child\n");
		return -1;
	}
	if (WIFSIGNALED(status)) {
		*sig = WTERMSIG(status);
	}
	return ok == 'y' ? 0 : -1;
}
/*! [child] */

/*! [mistake] */
/* The mistake, in a child; with_abort_fn: with an abort function that
 * returns. */
static int mistake_in_child(const char *backend, bool with_abort_fn)
{
	struct attempt at = { backend, with_abort_fn };
	int sig;

	if (in_child(nested_attempt, &at, &sig) == 0) {
		return 0;
	}
	if (sig == SIGABRT) {
		printf("  the child was killed by SIGABRT\n");
		return 0;
	}
	if (sig != 0) {
		fprintf(stderr, "pitfall_loop_nested: killed by signal %d\n",
			sig);
	}
	return 1;
}
/*! [mistake] */

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);

	/*! [main] */
	printf("mistake: the handler turns the loop to wait\n");
	if (mistake_in_child(backend, false) != 0) {
		return 1;
	}
	printf("mistake, with an abort function that returns:\n");
	if (mistake_in_child(backend, true) != 0) {
		return 1;
	}
	printf("fix: the handler returns; the timer's handler goes on\n");
	return ask_and_wait(backend, false);
	/*! [main] */
}
