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
	fflush(stdout);		/* a child may be killed below */
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
 * tevent picks its default. A bad argument ends the program with a usage
 * line on stderr and exit status 2.
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
/* Send a message to a reader and wait with tevent_loop_wait(). */
static int read_one(const char *backend, bool pause_when_done)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct tevent_context *ev;
	struct reader *r;
	int sv[2] = { -1, -1 };
	int ret = 1;

	ev = tevent_context_init_byname(mem_ctx, backend);
	r = talloc_zero(mem_ctx, struct reader);
	if (ev == NULL || r == NULL ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
		goto done;
	}
	r->fd = sv[0];
	r->pause_when_done = pause_when_done;
	r->fde = tevent_add_fd(ev, mem_ctx, sv[0], TEVENT_FD_READ,
			       reader_readable, r);
	if (r->fde == NULL || write(sv[1], "hello", 5) != 5) {
		goto done;
	}
	ret = tevent_loop_wait(ev);
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
	return ret == 0 ? 0 : 1;
}
/*! [run] */

/*! [child] */
/* The mistake, in a child that an alarm ends after 50 ms. */
static int read_one_in_child(const char *backend)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid == -1) {
		fprintf(stderr, "pitfall_loop_wait_forever: fork failed\n");
		return 1;
	}
	if (pid == 0) {
		ualarm(50 * 1000, 0);
		status = read_one(backend, true);
		fflush(stdout);
		_exit(status);
	}
	if (waitpid(pid, &status, 0) != pid) {
		fprintf(stderr, "pitfall_loop_wait_forever: no child\n");
		return 1;
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
		printf("  after 50 ms the child was still in "
		       "tevent_loop_wait(): SIGALRM\n");
		return 0;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
/*! [child] */

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);

	/*! [main] */
	printf("mistake: the reader pauses its fd event (flags 0) when "
	       "done\n");
	if (read_one_in_child(backend) != 0) {
		return 1;
	}
	printf("fix: the reader frees its fd event when done\n");
	return read_one(backend, false);
	/*! [main] */
}
