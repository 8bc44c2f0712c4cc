/*
 * pitfall_data_wrong_type.c - tevent_req_data() with the wrong type, and
 * after the state is gone.
 *
 * The callback of a length request calls upper_recv(), whose
 * tevent_req_data() expects another state; and a callback calls
 * length_recv() twice, when the first call has freed the state. Both
 * abort inside talloc. Each run is a child process; the parent shows
 * what talloc said (the child turns on talloc_set_log_stderr()) and how
 * the child ended. Then the fix. Explained on the page "Pitfalls of
 * passing data" (pitfalls_data).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_data_wrong_type.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <ctype.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [requests] */
/* Two small requests that finish inside _send(). */
struct length_state {
	size_t length;
};

struct upper_state {
	char *upper;
};

static struct tevent_req *length_send(TALLOC_CTX *mem_ctx,
				      struct tevent_context *ev,
				      const char *text)
{
	struct tevent_req *req;
	struct length_state *state;

	req = tevent_req_create(mem_ctx, &state, struct length_state);
	if (req == NULL) {
		return NULL;
	}
	state->length = strlen(text);
	tevent_req_done(req);
	return tevent_req_post(req, ev);
}

static bool length_recv(struct tevent_req *req, size_t *length)
{
	struct length_state *state =
		tevent_req_data(req, struct length_state);
	bool ok = !tevent_req_is_in_progress(req);

	if (ok) {
		*length = state->length;
	}
	tevent_req_received(req);
	return ok;
}

static struct tevent_req *upper_send(TALLOC_CTX *mem_ctx,
				     struct tevent_context *ev,
				     const char *text)
{
	struct tevent_req *req;
	struct upper_state *state;
	size_t i;

	req = tevent_req_create(mem_ctx, &state, struct upper_state);
	if (req == NULL) {
		return NULL;
	}
	state->upper = talloc_strdup(state, text);
	if (tevent_req_nomem(state->upper, req)) {
		return tevent_req_post(req, ev);
	}
	for (i = 0; state->upper[i] != '\0'; i++) {
		state->upper[i] = toupper((unsigned char)state->upper[i]);
	}
	tevent_req_done(req);
	return tevent_req_post(req, ev);
}

static bool upper_recv(struct tevent_req *req, TALLOC_CTX *mem_ctx,
		       char **upper)
{
	struct upper_state *state = tevent_req_data(req, struct upper_state);
	bool ok = !tevent_req_is_in_progress(req);

	if (ok) {
		*upper = talloc_move(mem_ctx, &state->upper);
	}
	tevent_req_received(req);
	return ok;
}
/*! [requests] */

/*! [callbacks] */
struct result {
	unsigned called;	/* callbacks so far */
	bool ok;
	size_t length;
	char *upper;
};

/* Wrong: this is a length request, not an upper one. */
static void length_done_wrong_recv(struct tevent_req *req)
{
	struct result *r = tevent_req_callback_data(req, struct result);

	r->ok = upper_recv(req, r, &r->upper);
	TALLOC_FREE(req);
	r->called += 1;
}

/* Wrong: the first length_recv() freed the state. */
static void length_done_twice(struct tevent_req *req)
{
	struct result *r = tevent_req_callback_data(req, struct result);

	r->ok = length_recv(req, &r->length);
	r->ok = length_recv(req, &r->length);	/* "once more, to be sure" */
	TALLOC_FREE(req);
	r->called += 1;
}

/* Right: the request's own _recv(), once. */
static void length_done(struct tevent_req *req)
{
	struct result *r = tevent_req_callback_data(req, struct result);

	r->ok = length_recv(req, &r->length);
	TALLOC_FREE(req);
	r->called += 1;
}

static void upper_done(struct tevent_req *req)
{
	struct result *r = tevent_req_callback_data(req, struct result);

	r->ok = upper_recv(req, r, &r->upper) && r->ok;
	TALLOC_FREE(req);
	r->called += 1;
}
/*! [callbacks] */

/*! [child] */
/* What each child does: a length request with the given callback, and
 * an upper request. */
static void child_main(const char *backend, tevent_req_fn callback)
{
	struct tevent_context *ev = tevent_context_init_byname(NULL, backend);
	const char *text = "hello, world";
	struct result *r;
	struct tevent_req *len_req = NULL, *up_req = NULL;

	talloc_set_log_stderr();	/* else talloc says nothing */
	r = (ev == NULL) ? NULL : talloc_zero(ev, struct result);
	if (r != NULL) {
		len_req = length_send(ev, ev, text);
		up_req = upper_send(ev, ev, text);
	}
	if (len_req == NULL || up_req == NULL) {
		fprintf(stderr, "child: out of memory\n");
		_exit(1);
	}
	tevent_req_set_callback(len_req, callback, r);
	tevent_req_set_callback(up_req, upper_done, r);
	printf("child: two requests sent, running the loop\n");
	while (r->called < 2) {
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "child: tevent_loop_once failed\n");
			_exit(1);
		}
	}
	if (!r->ok) {
		fprintf(stderr, "child: a request failed\n");
		_exit(1);
	}
	printf("child: \"%s\" has %zu characters; upper case: \"%s\"\n",
	       text, r->length, r->upper);
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
		      struct seen *seen)
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
		child_main(backend, callback);
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

/*
 * Print "what" and each line of text, or "what nothing". talloc starts
 * a type mismatch with the file and line of the check, the file as the
 * compiler was given it: the directory is left out here.
 */
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
		const char *colon = memchr(p, ':', len);
		const char *start = p;
		const char *q;

		for (q = p; colon != NULL && q < colon; q++) {
			if (*q == '/') {
				start = q + 1;
			}
		}
		printf("    | %.*s\n", len - (int)(start - p), start);
		p += len + (nl != NULL);
	}
}

/* Run one child and show it; false if it did not end as expected (it
 * could not allocate, say). */
static bool show_run(const char *backend, const char *title,
		     tevent_req_fn callback, bool should_abort)
{
	struct seen seen;
	bool aborted;

	printf("%s\n", title);
	if (!run_child(backend, callback, &seen)) {
		return false;
	}
	aborted = WIFSIGNALED(seen.status) &&
		  WTERMSIG(seen.status) == SIGABRT;
	if (aborted != should_abort ||
	    (aborted && strstr(seen.err, "Type mismatch: name[") == NULL) ||
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
	ok = show_run(backend, "mistake 1: a length request, upper_recv()",
		      length_done_wrong_recv, true);
	ok = ok && show_run(backend, "mistake 2: length_recv() twice",
			    length_done_twice, true);
	ok = ok && show_run(backend, "the fix: length_recv(), once",
			    length_done, false);
	/*! [main] */
	if (!ok) {
		fprintf(stderr, "pitfall_data_wrong_type: a child did not end "
			"as expected\n");
		return 1;
	}
	return 0;
}
