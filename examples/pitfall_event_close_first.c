/*
 * pitfall_event_close_first.c - closing a descriptor before freeing its
 * fd event.
 *
 * An old connection closes its descriptor at once but frees its fd
 * event later, with the rest of it. Meanwhile a new connection gets the
 * same descriptor number, and an fd event of its own. On the epoll
 * backends (standard, epoll), freeing the old fd event then takes the
 * number out of epoll's set, and the new connection never hears its
 * data; on poll and poll_mt it does. The fix frees the fd event first,
 * and closes the descriptor after. Without -b it runs on epoll.
 * Explained on the page
 * "Pitfalls of events".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_event_close_first.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [conn] */
/* A connection: here the two ends of a pipe, read with an fd event. */
struct conn {
	const char *name;
	int fd;			/* the end we read */
	int peer;		/* the end the other side writes */
	struct tevent_fd *fde;
	bool heard;
};

static void conn_readable(struct tevent_context *ev, struct tevent_fd *fde,
			  uint16_t flags, void *private_data)
{
	struct conn *c = talloc_get_type_abort(private_data, struct conn);
	char buf[16];
	ssize_t n;

	(void)ev;
	(void)flags;
	n = read(c->fd, buf, sizeof(buf));
	if (n > 0) {
		printf("  %s connection: heard \"%.*s\"\n", c->name, (int)n,
		       buf);
		c->heard = true;
	}
	if (n == 0) {
		TEVENT_FD_NOT_READABLE(fde);
	}
}

static struct conn *conn_new(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
			     const char *name)
{
	struct conn *c = talloc(mem_ctx, struct conn);
	int fds[2];

	if (c == NULL || pipe(fds) != 0) {
		talloc_free(c);
		return NULL;
	}
	*c = (struct conn) { .name = name, .fd = fds[0], .peer = fds[1] };
	c->fde = tevent_add_fd(ev, c, c->fd, TEVENT_FD_READ, conn_readable,
			       c);
	if (c->fde == NULL) {
		close(fds[0]);
		close(fds[1]);
		talloc_free(c);
		return NULL;
	}
	return c;
}
/*! [conn] */

/*! [hangup] */
/* The mistake: close now, and leave the fd event to go with the rest. */
static void conn_hangup_wrong(struct conn *c)
{
	close(c->fd);
	close(c->peer);
}

/* The fix: free the fd event first, then close. */
static void conn_hangup_right(struct conn *c)
{
	TALLOC_FREE(c->fde);
	close(c->fd);
	close(c->peer);
}
/*! [hangup] */

/*! [busy] */
/* A neighbour that always has data to read keeps the loop turning: ten
 * turns take no time, and need no timer. */
static void busy_turn(struct tevent_context *ev, struct tevent_fd *fde,
		      uint16_t flags, void *private_data)
{
	unsigned *turns = private_data;

	(void)ev;
	(void)fde;
	(void)flags;
	*turns += 1;
}
/*! [busy] */

/*! [story] */
static int story(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
		 void (*hangup)(struct conn *c))
{
	struct conn *old, *new;
	struct tevent_fd *busy_fde = NULL;
	unsigned turns = 0;
	int old_fd, busy[2];
	int ret = 1;

	old = conn_new(ev, mem_ctx, "old");
	if (old == NULL) {
		return 1;
	}
	old_fd = old->fd;
	hangup(old);
	new = conn_new(ev, mem_ctx, "new");
	if (new == NULL) {
		return 1;
	}
	printf("  the new connection has the old one's number: %s\n",
	       new->fd == old_fd ? "yes" : "no");
	TALLOC_FREE(old);	/* later, the rest of the old one goes */

	if (pipe(busy) != 0) {
		return 1;
	}
	busy_fde = tevent_add_fd(ev, mem_ctx, busy[0], TEVENT_FD_READ,
				 busy_turn, &turns);
	if (busy_fde == NULL || write(busy[1], "x", 1) != 1 ||
	    write(new->peer, "hello", 5) != 5) {
		goto done;
	}
	while (!new->heard && turns < 10) {
		if (tevent_loop_once(ev) != 0) {
			goto done;
		}
	}
	if (!new->heard) {
		printf("  new connection: heard nothing in 10 turns\n");
	}
	ret = 0;
done:
	TALLOC_FREE(busy_fde);	/* first the fd event, then the close */
	close(busy[0]);
	close(busy[1]);
	conn_hangup_right(new);
	talloc_free(new);
	return ret;
}
/*! [story] */

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
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	/*
	 * Without -b: epoll. The default backend, standard, runs on epoll
	 * too, but falls back to poll without a word if epoll cannot be
	 * set up (out of memory, say), and this program's output depends
	 * on the backend.
	 */
	ev = tevent_context_init_byname(mem_ctx,
					backend != NULL ? backend : "epoll");
	if (ev == NULL) {
		goto failed;
	}
	printf("mistake: close the descriptor, free the fd event later\n");
	if (story(ev, mem_ctx, conn_hangup_wrong) != 0) {
		goto failed;
	}
	printf("fix: free the fd event, then close the descriptor\n");
	if (story(ev, mem_ctx, conn_hangup_right) != 0) {
		goto failed;
	}
	talloc_free(mem_ctx);
	return 0;

failed:
	fprintf(stderr, "out of memory, no pipe, or the loop failed\n");
	talloc_free(mem_ctx);
	return 1;
}
/*! [main] */
