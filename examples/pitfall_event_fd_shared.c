/*
 * pitfall_event_fd_shared.c - several fd events on one descriptor.
 *
 * Two parts of a program each add an fd event that reads the same
 * descriptor, then a third. What happens depends on the backend and
 * the version of tevent: on 0.14 the epoll backends call only the first
 * of two, and epoll aborts at the third. The mistake runs in a child
 * process; the fix, one fd event that serves both parts, works
 * everywhere. Without -b it runs on epoll. Explained on the page
 * "Pitfalls of events".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_event_fd_shared.c $(pkg-config --cflags --libs tevent talloc)
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

/*! [part] */
/* A part of the program that wants to know when the pipe is readable.
 * (It does not read: the byte stays, and the pipe stays readable.) */
struct part {
	const char *name;
	unsigned calls;
};

static void part_notify(struct tevent_context *ev, struct tevent_fd *fde,
			uint16_t flags, void *private_data)
{
	struct part *p = private_data;

	(void)ev;
	(void)fde;
	(void)flags;
	p->calls += 1;
}

/* The fix: one fd event, whose handler tells every part. */
static void parts_notify(struct tevent_context *ev, struct tevent_fd *fde,
			 uint16_t flags, void *private_data)
{
	struct part *parts = private_data;

	part_notify(ev, fde, flags, &parts[0]);
	part_notify(ev, fde, flags, &parts[1]);
}
/*! [part] */

/*! [turns] */
static bool turn_loop(struct tevent_context *ev, int turns)
{
	while (turns-- > 0) {
		if (tevent_loop_once(ev) != 0) {
			return false;
		}
	}
	return true;
}

static void show(const struct part *parts, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		printf("  %s called: %s\n", parts[i].name,
		       parts[i].calls > 0 ? "yes" : "no");
	}
}
/*! [turns] */

/*! [wrong] */
/* In the child: two fd events on the descriptor, then a third. */
static int shared_wrong(struct tevent_context *ev, int fd)
{
	struct part parts[3] = {
		{ .name = "part a" }, { .name = "part b" },
		{ .name = "part c" }
	};
	int i;

	for (i = 0; i < 2; i++) {
		if (tevent_add_fd(ev, ev, fd, TEVENT_FD_READ, part_notify,
				  &parts[i]) == NULL) {
			return 1;
		}
	}
	if (!turn_loop(ev, 10)) {
		return 1;
	}
	show(parts, 2);
	printf("  adding a third fd event\n");
	fflush(stdout);		/* in case tevent aborts */
	if (tevent_add_fd(ev, ev, fd, TEVENT_FD_READ, part_notify,
			  &parts[2]) == NULL ||
	    !turn_loop(ev, 10)) {
		return 1;
	}
	printf("  the third was accepted\n");
	return 0;
}
/*! [wrong] */

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
static int wrong_fd;		/* the descriptor, for the child */

static int run_wrong(const char *backend)
{
	struct tevent_context *ev = tevent_context_init_byname(NULL, backend);
	int ret = 1;

	if (ev != NULL) {
		ret = shared_wrong(ev, wrong_fd);
	}
	if (ret != 0) {
		fprintf(stderr, "out of memory, or the loop failed\n");
	}
	talloc_free(ev);
	return ret;
}
/*! [child] */

/*! [main] */
int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	struct part parts[2] = { { .name = "part a" }, { .name = "part b" } };
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	int fds[2];
	int ret = 1;

	/*
	 * Without -b: epoll. The default backend, standard, runs on epoll
	 * too, but falls back to poll without a word if epoll cannot be
	 * set up (out of memory, say), and this program's output depends
	 * on the backend.
	 */
	if (backend == NULL) {
		backend = "epoll";
	}
	if (pipe(fds) != 0 || write(fds[1], "x", 1) != 1) {
		perror("pipe");
		return 1;
	}
	printf("mistake: an fd event for each part (in a child)\n");
	wrong_fd = fds[0];
	ret = run_in_child(run_wrong, backend);
	if (ret == -SIGABRT) {
		printf("  the child was killed by SIGABRT\n");
	} else if (ret != 0) {
		if (ret < 0) {
			fprintf(stderr, "the child was killed by signal %d\n",
				-ret);
		}
		ret = 1;	/* else the child has said why */
		goto done;
	}
	ret = 1;

	printf("fix: one fd event for both parts\n");
	mem_ctx = talloc_new(NULL);
	ev = tevent_context_init_byname(mem_ctx, backend);
	if (ev == NULL ||
	    tevent_add_fd(ev, mem_ctx, fds[0], TEVENT_FD_READ, parts_notify,
			  parts) == NULL ||
	    !turn_loop(ev, 10)) {
		fprintf(stderr, "out of memory, or the loop failed\n");
		talloc_free(mem_ctx);
		goto done;
	}
	show(parts, 2);
	talloc_free(mem_ctx);
	ret = 0;
done:
	close(fds[0]);
	close(fds[1]);
	return ret;
}
/*! [main] */
