/*
 * pitfall_loop_wait_forever.c - an fd event paused with flags 0 keeps
 * tevent_loop_wait() waiting, on tevent 0.14 and 0.16.
 *
 * A reader reads one message and then pauses its fd event instead of
 * freeing it. The mistake runs in a child with a 50 ms alarm; the fix
 * frees the fd event. Explained on the page "Pitfalls of the loop".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_loop_wait_forever.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [reader] */
struct reader {
	struct tevent_fd *fde;
	int fd;
	bool pause_when_done;	/* the mistake */
	bool done;
};

static void reader_readable(struct tevent_context *ev,
			    struct tevent_fd *fde, uint16_t flags,
			    void *private_data)
{
	struct reader *r = private_data;
	char buf[16];
	ssize_t n;

	(void)ev;
	(void)flags;
	n = read(r->fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	printf("  read \"%s\"\n", buf);
	r->done = true;
	if (r->pause_when_done) {
		tevent_fd_set_flags(fde, 0);	/* "paused" */
	} else {
		TALLOC_FREE(r->fde);		/* gone */
	}
}
/*! [reader] */

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
struct attempt {
	const char *backend;
	bool pause_when_done;
	bool alarm;		/* end a wait that does not end */
};

/* Send a message to a reader, turn the loop until it has read it, then
 * wait with tevent_loop_wait() for whatever is left to finish. */
static int read_one(void *arg)
{
	struct attempt *at = arg;
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct tevent_context *ev;
	struct reader *r;
	int sv[2] = { -1, -1 };
	int ret = -1;

	ev = tevent_context_init_byname(mem_ctx, at->backend);
	r = talloc_zero(mem_ctx, struct reader);
	if (ev == NULL || r == NULL ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
		goto done;
	}
	r->fd = sv[0];
	r->pause_when_done = at->pause_when_done;
	r->fde = tevent_add_fd(ev, mem_ctx, sv[0], TEVENT_FD_READ,
			       reader_readable, r);
	if (r->fde == NULL || write(sv[1], "hello", 5) != 5) {
		goto done;
	}
	while (!r->done) {
		if (tevent_loop_once(ev) != 0) {
			goto done;
		}
	}
	if (at->alarm) {
		fflush(stdout);
		ualarm(50 * 1000, 0);	/* SIGALRM ends the process */
	}
	ret = tevent_loop_wait(ev);
	if (at->alarm) {
		ualarm(0, 0);
	}
	if (ret == 0) {
		printf("  tevent_loop_wait() returned 0\n");
	}
done:
	if (ret != 0) {
		fprintf(stderr, "pitfall_loop_wait_forever: out of memory, "
			"or the loop failed\n");
	}
	if (sv[0] != -1) {
		close(sv[0]);
		close(sv[1]);
	}
	talloc_free(mem_ctx);
	return ret;
}
/*! [run] */

/*! [child] */
/*
 * Run fn(arg) in a child process and wait for it. Returns 0 if fn
 * returned 0 in the child, -1 if not (the child has said why on
 * stderr), and puts the signal that killed the child, if one did, in
 * *sig. The child reports through a pipe, not through its exit status:
 * valgrind run with --leak-check=full --error-exitcode=N (as the tests
 * run it) makes a process that ends with memory it reports as leaked
 * exit with N.
 */
static int in_child(int (*fn)(void *arg), void *arg, int *sig)
{
	int fds[2], status;
	char ok = 'n';
	pid_t pid;

	*sig = 0;
	fflush(stdout);
	if (pipe(fds) != 0 || (pid = fork()) == -1) {
		fprintf(stderr, "pitfall_loop_wait_forever: cannot start a child\n");
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		if (fn(arg) == 0 && write(fds[1], "y", 1) != 1) {
			fprintf(stderr, "pitfall_loop_wait_forever: cannot report\n");
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
		fprintf(stderr, "pitfall_loop_wait_forever: lost the child\n");
		return -1;
	}
	if (WIFSIGNALED(status)) {
		*sig = WTERMSIG(status);
	}
	return ok == 'y' ? 0 : -1;
}
/*! [child] */

/*! [mistake] */
/* The mistake, in a child that an alarm ends 50 ms into the wait. */
static int mistake_in_child(const char *backend)
{
	struct attempt at = { backend, true, true };
	int sig;

	if (in_child(read_one, &at, &sig) == 0) {
		return 0;
	}
	if (sig == SIGALRM) {
		printf("  50 ms later the child was still in "
		       "tevent_loop_wait(): SIGALRM\n");
		return 0;
	}
	if (sig != 0) {
		fprintf(stderr, "pitfall_loop_wait_forever: killed by "
			"signal %d\n", sig);
	}
	return 1;
}
/*! [mistake] */

/*! [main] */
int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	struct attempt fix = { backend, false, false };

	printf("mistake: the reader pauses its fd event (flags 0) when "
	       "done\n");
	if (mistake_in_child(backend) != 0) {
		return 1;
	}
	printf("fix: the reader frees its fd event when done\n");
	return read_one(&fix) == 0 ? 0 : 1;
}
/*! [main] */
