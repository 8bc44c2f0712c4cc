/*
 * data_type_check.c - talloc_get_type_abort(): the check behind the
 * typed accessors, and its use in event handlers.
 *
 * It prints the talloc names that allocation functions give, runs an
 * immediate, an fd event and a timer whose handlers fetch their private
 * data with talloc_get_type_abort(), and then, in a child process with
 * an abort function set by talloc_set_abort_fn(), a timer given the
 * wrong object. Explained on the page "Checked pointers:
 * talloc_get_type_abort()" (data_type_check_lesson).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc data_type_check.c $(pkg-config --cflags --libs tevent talloc)
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

/*! [names] */
struct stats {
	unsigned immediates;
	unsigned fd_reads;
	unsigned timers;
	int fd;			/* the socket that the fd event watches */
	int *counts;		/* an array, another talloc object */
};

static void show_names(struct stats *s, const char *word)
{
	printf("names: talloc_zero(ctx, struct stats)  \"%s\"\n",
	       talloc_get_name(s));
	printf("names: talloc_zero_array(s, int, 3)    \"%s\"\n",
	       talloc_get_name(s->counts));
	printf("names: talloc_strdup(s, \"alpha\")       \"%s\"\n",
	       talloc_get_name(word));
}
/*! [names] */

/*! [handlers] */
static void on_immediate(struct tevent_context *ev,
			 struct tevent_immediate *im, void *private_data)
{
	struct stats *s = talloc_get_type_abort(private_data, struct stats);

	(void)ev;
	(void)im;
	s->immediates += 1;
	printf("immediate handler: immediates %u\n", s->immediates);
}

static void on_readable(struct tevent_context *ev, struct tevent_fd *fde,
			uint16_t flags, void *private_data)
{
	struct stats *s = talloc_get_type_abort(private_data, struct stats);
	char buf[16];
	ssize_t n = read(s->fd, buf, sizeof(buf));

	(void)ev;
	(void)fde;
	(void)flags;
	s->fd_reads += 1;
	printf("fd handler: read %zd bytes, reads %u\n", n, s->fd_reads);
}

static void on_timer(struct tevent_context *ev, struct tevent_timer *te,
		     struct timeval now, void *private_data)
{
	struct stats *s = talloc_get_type_abort(private_data, struct stats);

	(void)ev;
	(void)te;
	(void)now;
	s->timers += 1;
	printf("timer handler: timers %u\n", s->timers);
}
/*! [handlers] */

/* Turn the loop until *count is not zero; false if the loop fails. */
static bool loop_until(struct tevent_context *ev, const unsigned *count)
{
	while (*count == 0) {
		if (tevent_loop_once(ev) != 0) {
			return false;
		}
	}
	return true;
}

/*! [events] */
/* One of each event, all with s as their private data, one at a time. */
static bool run_events(struct tevent_context *ev, struct stats *s)
{
	struct tevent_immediate *im;
	struct tevent_fd *fde;
	int fds[2];

	im = tevent_create_immediate(s);
	if (im == NULL) {
		return false;
	}
	tevent_schedule_immediate(im, ev, on_immediate, s);
	if (!loop_until(ev, &s->immediates)) {
		return false;
	}

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == -1) {
		return false;
	}
	fde = tevent_add_fd(ev, s, fds[0], TEVENT_FD_READ, on_readable, s);
	if (fde == NULL || write(fds[1], "ping", 4) != 4) {
		TALLOC_FREE(fde);
		close(fds[0]);
		close(fds[1]);
		return false;
	}
	tevent_fd_set_auto_close(fde);	/* freeing fde closes fds[0] */
	close(fds[1]);
	s->fd = fds[0];
	if (!loop_until(ev, &s->fd_reads)) {
		return false;
	}
	TALLOC_FREE(fde);

	if (tevent_add_timer(ev, s, tevent_timeval_current_ofs(0, 1000),
			     on_timer, s) == NULL) {
		return false;
	}
	return loop_until(ev, &s->timers);
}
/*! [events] */

/*! [abort fn] */
/* Say why in our own words, then abort as talloc would have. talloc
 * starts the reason of a type mismatch with the file and line of the
 * check, the file as the compiler was given it: the directory is left
 * out here. */
static void log_and_abort(const char *reason)
{
	const char *slash = strrchr(reason, '/');
	const char *colon = strchr(reason, ':');

	if (slash != NULL && colon != NULL && slash < colon) {
		reason = slash + 1;
	}
	printf("abort function: %s\n", reason);
	fflush(stdout);		/* abort() would lose it */
	abort();
}

/* In the child: a timer given s->counts where s was meant. */
static void child_main(const char *backend)
{
	struct tevent_context *ev = tevent_context_init_byname(NULL, backend);
	struct stats *s = NULL;

	talloc_set_abort_fn(log_and_abort);
	if (ev != NULL) {
		s = talloc_zero(ev, struct stats);
	}
	if (s != NULL) {
		s->counts = talloc_zero_array(s, int, 3);
	}
	if (s == NULL || s->counts == NULL ||
	    tevent_add_timer(ev, s, tevent_timeval_current_ofs(0, 1000),
			     on_timer, s->counts) == NULL) {
		fprintf(stderr, "child: out of memory\n");
		_exit(1);
	}
	printf("child: a timer was given s->counts\n");
	if (tevent_loop_wait(ev) != 0) {	/* until no event is left */
		fprintf(stderr, "child: tevent_loop_wait failed\n");
		_exit(1);
	}
	talloc_free(ev);
}
/*! [abort fn] */

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

static bool run_child(const char *backend, struct seen *seen)
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
		child_main(backend);
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

/* Run the child; show what it printed and how it ended. */
static bool show_child(const char *backend)
{
	struct seen seen;

	printf("main: a child with an abort function runs a timer\n");
	if (!run_child(backend, &seen) || !WIFSIGNALED(seen.status) ||
	    WTERMSIG(seen.status) != SIGABRT || seen.err[0] != '\0' ||
	    strstr(seen.out, "Type mismatch: name[") == NULL) {
		return false;
	}
	show_lines("the child printed", seen.out);
	printf("  the child ended: killed by SIGABRT\n");
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
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	struct stats *s;
	const char *word;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	s = talloc_zero(mem_ctx, struct stats);
	if (ev == NULL || s == NULL) {
		goto nomem;
	}
	s->counts = talloc_zero_array(s, int, 3);
	word = talloc_strdup(s, "alpha");
	if (s->counts == NULL || word == NULL) {
		goto nomem;
	}
	/*! [main] */
	show_names(s, word);
	if (!run_events(ev, s)) {
		goto failed;
	}
	if (!show_child(backend)) {
		goto failed;
	}
	/*! [main] */
	talloc_free(mem_ctx);
	return 0;

nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
failed:
	fprintf(stderr, "data_type_check: out of memory or resources\n");
	talloc_free(mem_ctx);
	return 1;
}
