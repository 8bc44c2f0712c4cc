/*
 * Exercise: read a pipe to its end (exercises/event_pipe_reader).
 * Write the reader, reader_start() and its handler, where the comments
 * say; README.md says what it does, and
 * `make exercise NAME=event_pipe_reader` checks the program.
 *
 * SPDX-License-Identifier: MIT-0
 */
/*
 * Build:
 * cc start.c $(pkg-config --cflags --libs tevent talloc)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/* Every message the writer sends is MSG_SIZE bytes long. */
#define MSG_SIZE 5

/* ---- The reader: your part -------------------------------------------- */

struct reader {
	int fd;
	struct tevent_fd *fde;	/* NULL once the reader is done */
	unsigned messages;	/* read so far */
};

/* Read everything there is, up to the end of the file. */
static void reader_readable(struct tevent_context *ev, struct tevent_fd *fde,
			    uint16_t flags, void *private_data)
{
	struct reader *r = talloc_get_type_abort(private_data,
						 struct reader);
	char msg[MSG_SIZE];
	ssize_t n;

	(void)ev;
	(void)fde;
	(void)flags;
	while ((n = read(r->fd, msg, sizeof(msg))) > 0) {
		r->messages += 1;
		printf("reader: message %u: \"%.*s\"\n", r->messages, (int)n,
		       msg);
	}
	if (n == 0) {
		printf("reader: end of file after %u messages\n",
		       r->messages);
	} else {
		fprintf(stderr, "reader: %s\n", strerror(errno));
	}
	TALLOC_FREE(r->fde);	/* auto close: closes r->fd too */
}

/*
 * Read fd until its end, with an fd event that owns the descriptor.
 * false if an allocation failed (then fd is still the caller's).
 */
static bool reader_start(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
			 int fd)
{
	struct reader *r = talloc_zero(mem_ctx, struct reader);

	if (r == NULL) {
		return false;
	}
	r->fd = fd;
	r->fde = tevent_add_fd(ev, r, fd, TEVENT_FD_READ, reader_readable, r);
	if (r->fde == NULL) {
		talloc_free(r);
		return false;
	}
	tevent_fd_set_auto_close(r->fde);
	return true;
}

/* ---- The writer and main: you need not change what follows --------------- */

/* The writer sends one message every 5 ms, and closes its end of the
 * pipe after the last one. */
struct writer {
	int fd;			/* -1 once closed */
	unsigned sent;
	bool failed;
};

static const char *const messages[] = { "alpha", "bravo", "delta" };
#define N_MESSAGES (sizeof(messages) / sizeof(messages[0]))

static void writer_close(struct writer *w)
{
	if (w->fd != -1) {
		close(w->fd);
		w->fd = -1;
	}
}

static void writer_send(struct tevent_context *ev, struct tevent_timer *te,
			struct timeval now, void *private_data)
{
	struct writer *w = talloc_get_type_abort(private_data, struct writer);

	(void)te;
	(void)now;
	if (write(w->fd, messages[w->sent], MSG_SIZE) != MSG_SIZE) {
		w->failed = true;
		writer_close(w);
		return;
	}
	w->sent += 1;
	if (w->sent == N_MESSAGES) {
		writer_close(w);	/* the reader sees the end of file */
		return;
	}
	if (tevent_add_timer(ev, w, tevent_timeval_current_ofs(0, 5000),
			     writer_send, w) == NULL) {
		w->failed = true;
		writer_close(w);
	}
}

static struct writer *writer_start(struct tevent_context *ev,
				   TALLOC_CTX *mem_ctx, int fd)
{
	struct writer *w = talloc_zero(mem_ctx, struct writer);

	if (w == NULL) {
		return NULL;
	}
	w->fd = fd;
	if (tevent_add_timer(ev, w, tevent_timeval_current_ofs(0, 5000),
			     writer_send, w) == NULL) {
		talloc_free(w);
		return NULL;
	}
	return w;
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
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct tevent_context *ev;
	struct writer *w;
	int fds[2];
	bool closed;

	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	if (ev == NULL || pipe(fds) != 0) {
		fprintf(stderr, "out of memory, or no pipe\n");
		talloc_free(mem_ctx);
		return 1;
	}
	w = writer_start(ev, mem_ctx, fds[1]);
	if (w == NULL || !reader_start(ev, mem_ctx, fds[0])) {
		fprintf(stderr, "out of memory\n");
		close(fds[0]);
		close(fds[1]);
		talloc_free(mem_ctx);
		return 1;
	}
	if (tevent_loop_wait(ev) != 0 || w->failed) {
		fprintf(stderr, "the loop or the writer failed\n");
		talloc_free(mem_ctx);
		return 1;
	}
	closed = fcntl(fds[0], F_GETFD) == -1;
	printf("main: the loop has no events left; the read end is %s\n",
	       closed ? "closed" : "open");
	talloc_free(mem_ctx);
	if (!closed) {
		close(fds[0]);
	}
	return 0;
}
