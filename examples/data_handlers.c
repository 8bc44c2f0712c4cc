/*
 * data_handlers.c - private data of timers, fd events and immediates,
 * and how long it lives.
 *
 * Each session has an immediate, an fd event and a timer that limits
 * its time, all allocated as talloc children of the session they use:
 * freeing a session, from main or from one of its own handlers, cancels
 * every event of it. Explained on the page "Data for event handlers"
 * (data_handlers_lesson).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc data_handlers.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [session] */
#define LIMIT_S 5	/* a session may last this long, in seconds */

/* What main watches. */
struct world {
	unsigned alive;		/* sessions not yet freed */
	unsigned reads;		/* reads that got data */
};

struct session {
	const char *name;
	int fd;			/* closed with the fd event */
	struct world *world;
};

static int session_destructor(struct session *s)
{
	s->world->alive -= 1;
	printf("  (session %s freed, and its events with it)\n", s->name);
	return 0;
}
/*! [session] */

/*! [handlers] */
static void session_greet(struct tevent_context *ev,
			  struct tevent_immediate *im, void *private_data)
{
	struct session *s = talloc_get_type_abort(private_data,
						  struct session);

	(void)ev;
	(void)im;
	printf("  %s: immediate\n", s->name);
}

static void session_readable(struct tevent_context *ev,
			     struct tevent_fd *fde, uint16_t flags,
			     void *private_data)
{
	struct session *s = talloc_get_type_abort(private_data,
						  struct session);
	char buf[64];
	ssize_t n = read(s->fd, buf, sizeof(buf));

	(void)ev;
	(void)fde;
	(void)flags;
	if (n > 0) {
		s->world->reads += 1;
		printf("  %s: read %zd bytes\n", s->name, n);
		return;
	}
	printf("  %s: end of file, freeing the session\n", s->name);
	talloc_free(s);		/* fde too, inside its own handler */
}

static void session_limit(struct tevent_context *ev,
			  struct tevent_timer *te, struct timeval now,
			  void *private_data)
{
	struct session *s = talloc_get_type_abort(private_data,
						  struct session);

	(void)ev;
	(void)te;
	(void)now;
	printf("  %s: %d s are up, freeing the session\n", s->name,
	       LIMIT_S);
	talloc_free(s);
}
/*! [handlers] */

/*! [new] */
/* A session on fd; it owns fd from now on, even if this fails. */
static struct session *session_new(TALLOC_CTX *mem_ctx,
				   struct tevent_context *ev,
				   const char *name, int fd,
				   struct world *world)
{
	struct session *s = talloc_zero(mem_ctx, struct session);
	struct tevent_fd *fde;
	struct tevent_immediate *im;

	if (s == NULL) {
		close(fd);
		return NULL;
	}
	s->name = name;
	s->fd = fd;
	s->world = world;
	fde = tevent_add_fd(ev, s, fd, TEVENT_FD_READ, session_readable, s);
	if (fde == NULL) {
		close(fd);
		talloc_free(s);
		return NULL;
	}
	tevent_fd_set_auto_close(fde);
	im = tevent_create_immediate(s);
	if (im == NULL ||
	    tevent_add_timer(ev, s, tevent_timeval_current_ofs(LIMIT_S, 0),
			     session_limit, s) == NULL) {
		talloc_free(s);
		return NULL;
	}
	tevent_schedule_immediate(im, ev, session_greet, s);
	talloc_set_destructor(s, session_destructor);
	world->alive += 1;
	return s;
}
/*! [new] */

/* Turn the loop until w->alive is down to alive and w->reads up to
 * reads; false if the loop fails. */
static bool loop_until(struct tevent_context *ev, const struct world *w,
		       unsigned alive, unsigned reads)
{
	while (w->alive > alive || w->reads < reads) {
		if (tevent_loop_once(ev) != 0) {
			return false;
		}
	}
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
	static const char *names[] = { "A", "B", "C" };
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	struct session *sessions[3];
	int peers[3] = { -1, -1, -1 };	/* main's ends of the sockets */
	struct world w = { .alive = 0 };
	size_t i;
	int ret = 1;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	if (ev == NULL) {
		goto done;
	}
	/*! [main] */
	for (i = 0; i < 3; i++) {
		int fds[2];

		if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == -1) {
			goto done;
		}
		peers[i] = fds[1];
		sessions[i] = session_new(mem_ctx, ev, names[i], fds[0], &w);
		if (sessions[i] == NULL) {
			goto done;
		}
	}
	printf("main: sessions A, B and C, each with an immediate, an fd "
	       "event\nmain: and a %d s timer, all talloc children of the "
	       "session\n", LIMIT_S);
	printf("main: freeing session B before the loop runs\n");
	TALLOC_FREE(sessions[1]);

	printf("main: writing 5 bytes to A\n");
	if (write(peers[0], "hello", 5) != 5 || !loop_until(ev, &w, 2, 1)) {
		goto done;
	}
	printf("main: closing C's peer\n");
	close(peers[2]);
	peers[2] = -1;
	if (!loop_until(ev, &w, 1, 1)) {
		goto done;
	}
	printf("main: freeing session A\n");
	TALLOC_FREE(sessions[0]);
	if (tevent_loop_wait(ev) != 0) {
		goto done;
	}
	printf("main: tevent_loop_wait() returned: no event is left\n");
	/*! [main] */
	ret = 0;
done:
	if (ret != 0) {
		fprintf(stderr, "data_handlers: out of memory or resources\n");
	}
	talloc_free(mem_ctx);
	for (i = 0; i < 3; i++) {
		if (peers[i] != -1) {
			close(peers[i]);
		}
	}
	return ret;
}
