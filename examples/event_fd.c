/*
 * event_fd.c - reading a pipe with an fd event, to the end of file.
 *
 * A timer writes a short text into a pipe and closes the write end. The
 * reader's fd event asks for TEVENT_FD_READ; its handler reads at most
 * five bytes per call, is called again while data is left, and sees the
 * end of file as readable. Freeing the fd event closes the descriptor
 * (tevent_fd_set_auto_close()). Explained on the page "fd events".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc event_fd.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [state] */
struct reader {
	int fd;
	struct tevent_fd *fde;	/* NULL once freed */
	char *text;		/* what has come so far */
	int error;		/* an errno value, if reading failed */
	bool done;
};
/*! [state] */

/*! [readable] */
static const char *flag_names(uint16_t flags)
{
	static const char *const names[] = {
		"none", "READ", "WRITE", "READ|WRITE"
	};

	return names[flags & (TEVENT_FD_READ | TEVENT_FD_WRITE)];
}

static void reader_readable(struct tevent_context *ev, struct tevent_fd *fde,
			    uint16_t flags, void *private_data)
{
	struct reader *r = talloc_get_type_abort(private_data,
						 struct reader);
	char buf[5];
	ssize_t n;

	(void)ev;
	(void)fde;

	n = read(r->fd, buf, sizeof(buf));
	if (n == -1 && errno == EINTR) {
		return;			/* called again: still readable */
	}
	if (n == -1) {
		r->error = errno;
	} else if (n == 0) {
		printf("reader [%s]: end of file\n", flag_names(flags));
	} else {
		printf("reader [%s]: %zd bytes \"%.*s\"\n",
		       flag_names(flags), n, (int)n, buf);
		r->text = talloc_strndup_append(r->text, buf, (size_t)n);
		if (r->text == NULL) {
			r->error = ENOMEM;
		} else {
			return;		/* more may come */
		}
	}
	/* Done: freeing the fd event closes r->fd (auto close). */
	TALLOC_FREE(r->fde);
	r->done = true;
}
/*! [readable] */

/*! [writer] */
static void writer_write(struct tevent_context *ev, struct tevent_timer *te,
			 struct timeval now, void *private_data)
{
	int *fd = private_data;
	static const char text[] = "hello, tevent";

	(void)ev;
	(void)te;
	(void)now;

	if (write(*fd, text, strlen(text)) == (ssize_t)strlen(text)) {
		printf("writer: wrote \"%s\" and closed its end\n", text);
	}
	close(*fd);
	*fd = -1;
}
/*! [writer] */

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
	struct reader *r;
	int fds[2] = { -1, -1 };
	int read_end;
	int ret = 1;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	r = talloc_zero(mem_ctx, struct reader);
	if (ev == NULL || r == NULL ||
	    (r->text = talloc_strdup(r, "")) == NULL) {
		fprintf(stderr, "out of memory\n");
		goto done;
	}
	if (pipe(fds) != 0) {
		perror("pipe");
		goto done;
	}
	/*! [main] */
	r->fd = read_end = fds[0];
	r->fde = tevent_add_fd(ev, r, r->fd, TEVENT_FD_READ,
			       reader_readable, r);
	if (r->fde == NULL) {
		fprintf(stderr, "out of memory\n");
		goto done;
	}
	tevent_fd_set_auto_close(r->fde);
	fds[0] = -1;			/* r->fde owns it now */

	if (tevent_add_timer(ev, r, tevent_timeval_current_ofs(0, 5000),
			     writer_write, &fds[1]) == NULL) {
		fprintf(stderr, "out of memory\n");
		goto done;
	}
	printf("main: reading a pipe, at most 5 bytes per call\n");

	while (!r->done) {
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "tevent_loop_once failed\n");
			goto done;
		}
	}
	if (r->error != 0) {
		fprintf(stderr, "reader: %s\n", strerror(r->error));
		goto done;
	}
	printf("main: got \"%s\"; the read end is %s\n", r->text,
	       fcntl(read_end, F_GETFD) == -1 ? "closed" : "open");
	ret = 0;
	/*! [main] */
done:
	talloc_free(mem_ctx);	/* frees r->fde if still there */
	if (fds[0] != -1) {
		close(fds[0]);
	}
	if (fds[1] != -1) {
		close(fds[1]);
	}
	return ret;
}
