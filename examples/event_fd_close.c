/*
 * event_fd_close.c - who closes the descriptor of an fd event, and when.
 *
 * A close function (tevent_fd_set_close_fn()) runs when its fd event is
 * freed, inside talloc_free(); if the event context went first, it runs
 * when the fd event itself is freed, and gets no context. Auto close is
 * a close function of tevent's own, so the last one set wins. Explained
 * on the page "Closing descriptors".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc event_fd_close.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [close_fn] */
static void close_and_say(struct tevent_context *ev, struct tevent_fd *fde,
			  int fd, void *private_data)
{
	const char *name = private_data;

	(void)fde;
	printf("  close function of %s: %s context; closing the descriptor\n",
	       name, ev != NULL ? "with its" : "without a");
	close(fd);
}
/*! [close_fn] */

/*! [helpers] */
static void nothing(struct tevent_context *ev, struct tevent_fd *fde,
		    uint16_t flags, void *private_data)
{
	(void)ev;
	(void)fde;
	(void)flags;
	(void)private_data;
}

static const char *state_of(int fd)
{
	return fcntl(fd, F_GETFD) == -1 ? "closed" : "open";
}
/*! [helpers] */

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

/*! [main] */
int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx, *owner;
	struct tevent_context *ev, *ev2;
	struct tevent_fd *fde;
	int fds[2] = { -1, -1 };
	int ret = 1;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	owner = talloc_new(mem_ctx);
	if (ev == NULL || owner == NULL) {
		fprintf(stderr, "out of memory\n");
		goto done;
	}
	/* 1. A close function runs inside talloc_free() of its fd event. */
	if (pipe(fds) != 0) {
		perror("pipe");
		goto done;
	}
	fde = tevent_add_fd(ev, mem_ctx, fds[0], TEVENT_FD_READ, nothing,
			    "reader 1");
	if (fde == NULL) {
		fprintf(stderr, "out of memory\n");
		goto done;
	}
	tevent_fd_set_close_fn(fde, close_and_say);
	printf("main: freeing the fd event of reader 1\n");
	talloc_free(fde);
	printf("main: talloc_free() returned; the descriptor is %s\n",
	       state_of(fds[0]));
	fds[0] = -1;
	close(fds[1]);
	fds[1] = -1;

	/* 2. The context goes first; the fd event is freed later. */
	ev2 = tevent_context_init_byname(mem_ctx, backend);
	if (ev2 == NULL || pipe(fds) != 0) {
		fprintf(stderr, "out of memory, or no pipe\n");
		goto done;
	}
	fde = tevent_add_fd(ev2, owner, fds[0], TEVENT_FD_READ, nothing,
			    "reader 2");
	if (fde == NULL) {
		fprintf(stderr, "out of memory\n");
		goto done;
	}
	tevent_fd_set_close_fn(fde, close_and_say);
	printf("main: freeing the event context of reader 2\n");
	talloc_free(ev2);
	printf("main: the descriptor is %s; freeing the fd event\n",
	       state_of(fds[0]));
	TALLOC_FREE(owner);
	fds[0] = -1;
	close(fds[1]);
	fds[1] = -1;

	/* 3. Auto close, then a close function: the close function wins. */
	if (pipe(fds) != 0) {
		perror("pipe");
		goto done;
	}
	fde = tevent_add_fd(ev, mem_ctx, fds[0], TEVENT_FD_READ, nothing,
			    "reader 3");
	if (fde == NULL) {
		fprintf(stderr, "out of memory\n");
		goto done;
	}
	tevent_fd_set_auto_close(fde);
	tevent_fd_set_close_fn(fde, close_and_say);
	printf("main: reader 3 has auto close, then a close function; "
	       "freeing it\n");
	talloc_free(fde);
	fds[0] = -1;
	ret = 0;
done:
	talloc_free(mem_ctx);
	if (fds[0] != -1) {
		close(fds[0]);
	}
	if (fds[1] != -1) {
		close(fds[1]);
	}
	return ret;
}
/*! [main] */
