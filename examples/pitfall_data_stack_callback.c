/*
 * pitfall_data_stack_callback.c - the typed callback data of a struct
 * that talloc did not allocate.
 *
 * tevent_req_callback_data(req, struct tally) on a tally that lives on
 * the stack aborts the process inside talloc, silently. Each run is a
 * child process; the parent shows what talloc said (the child turns on
 * talloc_set_log_stderr()), what the child printed, and how it ended.
 * Then the two fixes. Explained on the page "Pitfalls of passing data"
 * (pitfalls_data).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_data_stack_callback.c $(pkg-config --cflags --libs tevent talloc)
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

/* A pretend ping that answers after 2 ms. */
static void ping_answered(struct tevent_context *ev, struct tevent_timer *te,
			  struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);

	(void)ev;
	(void)te;
	(void)now;
	tevent_req_done(req);
}

struct ping_state {
	int unused;
};

static struct tevent_req *ping_send(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev)
{
	struct tevent_req *req;
	struct ping_state *state;
	struct tevent_timer *te;

	req = tevent_req_create(mem_ctx, &state, struct ping_state);
	if (req == NULL) {
		return NULL;
	}
	te = tevent_add_timer(ev, state, tevent_timeval_current_ofs(0, 2000),
			      ping_answered, req);
	if (tevent_req_nomem(te, req)) {
		return tevent_req_post(req, ev);
	}
	return req;
}

static bool ping_recv(struct tevent_req *req)
{
	enum tevent_req_state state;
	uint64_t err;
	bool ok = !tevent_req_is_error(req, &state, &err);

	tevent_req_received(req);
	return ok;
}

/*! [callbacks] */
struct tally {
	unsigned replies;
	bool failed;
};

/* Wrong when the tally is not a talloc object named "struct tally". */
static void ping_done_typed(struct tevent_req *req)
{
	struct tally *t = tevent_req_callback_data(req, struct tally);

	t->failed = !ping_recv(req);
	TALLOC_FREE(req);
	t->replies += 1;
}

/* Right for any pointer: no check at all. */
static void ping_done_void(struct tevent_req *req)
{
	struct tally *t = tevent_req_callback_data_void(req);

	t->failed = !ping_recv(req);
	TALLOC_FREE(req);
	t->replies += 1;
}
/*! [callbacks] */

/*! [child] */
/* What each child does: one ping, its callback, and a few lines. */
static void child_main(const char *backend, tevent_req_fn callback,
		       bool use_talloc)
{
	struct tevent_context *ev = tevent_context_init_byname(NULL, backend);
	struct tally on_stack = { .replies = 0 };
	struct tally *t = &on_stack;
	struct tevent_req *req;

	talloc_set_log_stderr();	/* else talloc says nothing */
	if (ev == NULL) {
		fprintf(stderr, "child: out of memory\n");
		_exit(1);
	}
	if (use_talloc) {
		t = talloc_zero(ev, struct tally);	/* "struct tally" */
	}
	req = (t == NULL) ? NULL : ping_send(ev, ev);
	if (req == NULL) {
		fprintf(stderr, "child: out of memory\n");
		_exit(1);
	}
	tevent_req_set_callback(req, callback, t);
	printf("child: ping sent, running the loop\n");
	while (t->replies == 0) {
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "child: tevent_loop_once failed\n");
			_exit(1);
		}
	}
	if (t->failed) {
		fprintf(stderr, "child: the ping failed\n");
		_exit(1);
	}
	printf("child: the callback counted %u reply\n", t->replies);
	talloc_free(ev);
}
/*! [child] */

/* What the parent saw of a child. */
struct seen {
	char out[1024];		/* the child's stdout */
	char err[1024];		/* its stderr: what talloc logged */
	int status;		/* from waitpid() */
};

/* Read fd to its end; keep what fits in buf, as a string. */
static void read_all(int fd, char *buf, size_t size)
{
	size_t used = 0;
	char scratch[256];
	ssize_t n;

	do {
		if (used + 1 < size) {
			n = read(fd, buf + used, size - 1 - used);
		} else {
			n = read(fd, scratch, sizeof(scratch));
		}
		if (n > 0 && used + 1 < size) {
			used += (size_t)n;
		}
	} while (n > 0);
	buf[used] = '\0';
	close(fd);
}

static bool run_child(const char *backend, tevent_req_fn callback,
		      bool use_talloc, struct seen *seen)
{
	int out[2], err[2];
	pid_t pid;

	if (pipe(out) == -1) {
		return false;
	}
	if (pipe(err) == -1) {
		close(out[0]);
		close(out[1]);
		return false;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		static char buf[BUFSIZ];

		close(out[0]);
		close(err[0]);
		if (dup2(out[1], 1) == -1 || dup2(err[1], 2) == -1) {
			_exit(3);
		}
		/* Fully buffered, as stdout is whenever it is a file or a
		 * pipe (not a terminal). */
		setvbuf(stdout, buf, _IOFBF, sizeof(buf));
		child_main(backend, callback, use_talloc);
		fflush(stdout);
		_exit(0);
	}
	close(out[1]);
	close(err[1]);
	if (pid == -1) {
		close(out[0]);
		close(err[0]);
		return false;
	}
	read_all(out[0], seen->out, sizeof(seen->out));
	read_all(err[0], seen->err, sizeof(seen->err));
	return waitpid(pid, &seen->status, 0) == pid;
}

/* Print "what" and each line of text, or "what nothing". */
static void show_lines(const char *what, const char *text)
{
	const char *p = text;

	if (*p == '\0') {
		printf("  %s nothing\n", what);
		return;
	}
	printf("  %s:\n", what);
	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		int len = (nl == NULL) ? (int)strlen(p) : (int)(nl - p);

		printf("    | %.*s\n", len, p);
		p += len + (nl != NULL);
	}
}

/* Run one child and show it; false if it did not end as expected (it
 * could not allocate, say). */
static bool show_run(const char *backend, const char *title,
		     tevent_req_fn callback, bool use_talloc,
		     bool should_abort)
{
	struct seen seen;
	bool aborted;

	printf("%s\n", title);
	if (!run_child(backend, callback, use_talloc, &seen)) {
		return false;
	}
	aborted = WIFSIGNALED(seen.status) &&
		  WTERMSIG(seen.status) == SIGABRT;
	if (aborted != should_abort ||
	    (!aborted && (!WIFEXITED(seen.status) ||
			  WEXITSTATUS(seen.status) != 0))) {
		return false;
	}
	show_lines("the child printed", seen.out);
	show_lines("talloc said", seen.err);
	printf("  the child ended: %s\n",
	       aborted ? "killed by SIGABRT" : "exit status 0");
	return true;
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

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	bool ok;

	/*! [main] */
	ok = show_run(backend, "the mistake: the typed accessor, the tally "
		      "on the stack", ping_done_typed, false, true);
	ok = ok && show_run(backend, "fix 1: the _void accessor, the same "
			    "tally", ping_done_void, false, false);
	ok = ok && show_run(backend, "fix 2: the typed accessor, a tally from "
			    "talloc_zero()", ping_done_typed, true, false);
	/*! [main] */
	if (!ok) {
		fprintf(stderr, "pitfall_data_stack_callback: a child did "
			"not end as expected\n");
		return 1;
	}
	return 0;
}
