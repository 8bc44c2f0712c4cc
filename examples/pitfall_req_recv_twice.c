/*
 * pitfall_req_recv_twice.c - calling a _recv() function twice.
 *
 * count_recv() ends with tevent_req_received(), which frees the state.
 * A caller that calls it a second time (to look at the result again)
 * makes tevent_req_data() abort the process. The mistake runs in a child
 * process; then the fix, one call that keeps the result. Explained on
 * the page "Pitfalls of requests".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_req_recv_twice.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/* count: finishes at once with a number (and is posted). */
struct count_state {
	int count;
};

static struct tevent_req *count_send(TALLOC_CTX *mem_ctx,
				     struct tevent_context *ev)
{
	struct tevent_req *req;
	struct count_state *state;

	req = tevent_req_create(mem_ctx, &state, struct count_state);
	if (req == NULL) {
		return NULL;
	}
	state->count = 3;
	tevent_req_done(req);
	return tevent_req_post(req, ev);
}

/* 0 if the request succeeded, otherwise a nonzero errno value. */
static int req_errno(struct tevent_req *req)
{
	enum tevent_req_state state;
	uint64_t err;

	if (!tevent_req_is_error(req, &state, &err)) {
		return 0;
	}
	switch (state) {
	case TEVENT_REQ_USER_ERROR:
		return (int)err;	/* what tevent_req_error() was given */
	case TEVENT_REQ_TIMED_OUT:
		return ETIMEDOUT;
	case TEVENT_REQ_NO_MEMORY:
		return ENOMEM;
	default:
		return EINVAL;		/* not finished: a caller's bug */
	}
}

/*! [recv] */
/* 0 and the count; or an errno value, and then *count is left as it
 * was. */
static int count_recv(struct tevent_req *req, int *count)
{
	struct count_state *state = tevent_req_data(req, struct count_state);
	int err = req_errno(req);

	if (err == 0) {
		*count = state->count;
	}
	tevent_req_received(req);	/* the state is gone after this */
	return err;
}
/*! [recv] */

/*! [callbacks] */
/* The mistake: once for the error, once more for the number. */
static void counted_twice(struct tevent_req *req)
{
	int *count = tevent_req_callback_data_void(req);

	if (count_recv(req, count) != 0) {
		return;
	}
	(void)count_recv(req, count);	/* aborts in tevent_req_data() */
}

/* The fix: one call, and the result kept. */
static void counted(struct tevent_req *req)
{
	int *count = tevent_req_callback_data_void(req);

	if (count_recv(req, count) != 0) {
		*count = -1;
	}
	TALLOC_FREE(req);
}
/*! [callbacks] */

/* Count with the given callback; false if something failed. */
static bool count(struct tevent_context *ev, tevent_req_fn callback,
		  int *n)
{
	TALLOC_CTX *frame = talloc_new(NULL);
	struct tevent_req *req;
	bool ok = false;

	*n = 0;
	if (frame == NULL) {
		return false;
	}
	req = count_send(frame, ev);
	if (req == NULL) {
		goto done;
	}
	tevent_req_set_callback(req, callback, n);
	if (tevent_loop_once(ev) != 0) {
		goto done;
	}
	ok = true;
done:
	talloc_free(frame);
	return ok;
}

/*! [child] */
/* Run the mistake in a child process and say how the child ended. */
static bool run_mistake(const char *backend)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid == -1) {
		return false;
	}
	if (pid == 0) {
		/* A context of its own: the parent's stays the parent's. */
		struct tevent_context *ev =
			tevent_context_init_byname(NULL, backend);
		int devnull = open("/dev/null", O_WRONLY);
		int n;

		/* Quiet: what talloc says as it aborts is not the point. */
		if (ev == NULL || devnull == -1 || dup2(devnull, 2) == -1) {
			_exit(3);
		}
		_exit(count(ev, counted_twice, &n) ? 0 : 3);
	}
	if (waitpid(pid, &status, 0) != pid) {
		return false;
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT) {
		printf("  the child process was aborted (SIGABRT)\n");
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("  the child process went on\n");
	} else {
		return false;	/* it could not set up */
	}
	return true;
}
/*! [child] */

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

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	struct tevent_context *ev = tevent_context_init_byname(NULL, backend);
	int n;

	if (ev == NULL) {
		goto failed;
	}
	/*! [main] */
	printf("count_recv called twice, in a child process:\n");
	if (!run_mistake(backend)) {
		goto failed;
	}
	printf("count_recv called once:\n");
	if (!count(ev, counted, &n) || n != 3) {
		goto failed;
	}
	printf("  the count is %d\n", n);
	/*! [main] */
	talloc_free(ev);
	return 0;

failed:
	fprintf(stderr, "pitfall_req_recv_twice: failed\n");
	talloc_free(ev);
	return 1;
}
