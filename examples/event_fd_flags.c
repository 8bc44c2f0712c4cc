/*
 * event_fd_flags.c - asking an fd event for READ, WRITE, both or none,
 * as a conversation goes along.
 *
 * A client and a server at the two ends of a socketpair exchange "ping"
 * and "PONG". Each asks for TEVENT_FD_WRITE only while it has something
 * to send. Then the server closes its end while the client asks for
 * WRITE alone: tevent turns the flag off and never calls the client;
 * asking for READ as well shows the end of file. Explained on the page
 * "Choosing what to wait for".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc event_fd_flags.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [state] */
struct peer {
	const char *name;
	int fd;
	struct tevent_fd *fde;	/* NULL once freed */
	const char *out;	/* to send when writable, or NULL */
	unsigned calls;		/* of its handler */
	bool got_reply;
	bool got_eof;
	int error;		/* an errno value, if I/O failed */
};

static const char *flag_names(uint16_t flags)
{
	static const char *const names[] = {
		"none", "READ", "WRITE", "READ|WRITE"
	};

	return names[flags & (TEVENT_FD_READ | TEVENT_FD_WRITE)];
}
/*! [state] */

/*! [send] */
/* Writable: send what is waiting, then wait for the answer. */
static void peer_send(struct peer *p)
{
	size_t len = strlen(p->out);

	if (send(p->fd, p->out, len, MSG_NOSIGNAL) != (ssize_t)len) {
		p->error = errno != 0 ? errno : EIO;
		return;
	}
	TEVENT_FD_NOT_WRITEABLE(p->fde);
	TEVENT_FD_READABLE(p->fde);
	printf("%s: sent \"%s\"; flags now %s\n", p->name, p->out,
	       flag_names(tevent_fd_get_flags(p->fde)));
	p->out = NULL;
}
/*! [send] */

/*! [handler] */
static void peer_handler(struct tevent_context *ev, struct tevent_fd *fde,
			 uint16_t flags, void *private_data)
{
	struct peer *p = talloc_get_type_abort(private_data, struct peer);
	char buf[16];
	ssize_t n;

	(void)ev;
	(void)fde;

	p->calls += 1;
	printf("%s [%s]\n", p->name, flag_names(flags));
	if (!(flags & TEVENT_FD_READ)) {
		if (p->out != NULL) {
			peer_send(p);
		}
		return;
	}
	n = read(p->fd, buf, sizeof(buf));
	if (n == -1) {
		p->error = errno;
		return;
	}
	if (n == 0) {
		printf("%s: end of file, the other end is closed\n", p->name);
		p->got_eof = true;
		tevent_fd_set_flags(p->fde, 0);
		return;
	}
	printf("%s: got \"%.*s\"\n", p->name, (int)n, buf);
	p->got_reply = true;
	if (strcmp(p->name, "server") == 0) {
		/* Answer: wait for room to send, not for more to read. */
		p->out = "PONG";
		tevent_fd_set_flags(p->fde, TEVENT_FD_WRITE);
	} else {
		tevent_fd_set_flags(p->fde, 0);	/* nothing more to do */
	}
}
/*! [handler] */

/*! [wait] */
static void wait_over(struct tevent_context *ev, struct tevent_timer *te,
		      struct timeval now, void *private_data)
{
	bool *over = private_data;

	(void)ev;
	(void)te;
	(void)now;
	*over = true;
}

/*
 * Turn the loop until *until; or, if until is NULL, until tevent has
 * turned a's flags off, for ms milliseconds at most (then they are on).
 */
static bool run(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
		const bool *until, unsigned ms, const struct peer *a,
		const struct peer *b)
{
	struct tevent_timer *te = NULL;
	bool over = false;
	bool ok = true;

	if (until == NULL) {
		te = tevent_add_timer(ev, mem_ctx,
				      tevent_timeval_current_ofs(0, ms * 1000),
				      wait_over, &over);
		if (te == NULL) {
			return false;
		}
	}
	while (until != NULL ? !*until :
	       !over && tevent_fd_get_flags(a->fde) != 0) {
		if (tevent_loop_once(ev) != 0 || a->error != 0 ||
		    b->error != 0) {
			ok = false;
			break;
		}
	}
	if (!over) {
		TALLOC_FREE(te);	/* it would set over, gone by then */
	}
	return ok;
}
/*! [wait] */

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

/*! [peer_new] */
/* A peer on one end of the socketpair, its fd event with auto close. */
static struct peer *peer_new(struct tevent_context *ev, TALLOC_CTX *mem_ctx,
			     const char *name, int fd, uint16_t flags)
{
	struct peer *p = talloc_zero(mem_ctx, struct peer);

	if (p == NULL) {
		return NULL;
	}
	p->name = name;
	p->fd = fd;
	p->fde = tevent_add_fd(ev, p, fd, flags, peer_handler, p);
	if (p->fde == NULL) {
		talloc_free(p);
		return NULL;
	}
	tevent_fd_set_auto_close(p->fde);
	return p;
}
/*! [peer_new] */

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	struct peer *client = NULL, *server = NULL;
	unsigned calls;
	int sv[2];

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	if (ev == NULL) {
		goto nomem;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
		perror("socketpair");
		talloc_free(mem_ctx);
		return 1;
	}
	/*! [main] */
	client = peer_new(ev, mem_ctx, "client", sv[0], TEVENT_FD_WRITE);
	server = peer_new(ev, mem_ctx, "server", sv[1], TEVENT_FD_READ);
	if (client == NULL || server == NULL) {
		if (client == NULL) {
			close(sv[0]);
		}
		if (server == NULL) {
			close(sv[1]);
		}
		goto nomem;
	}
	client->out = "ping";

	/* The exchange; the server closes its end when it is done. */
	if (!run(ev, mem_ctx, &client->got_reply, 0, client, server)) {
		goto failed;
	}
	printf("main: the server closes its end\n");
	TALLOC_FREE(server->fde);

	client->out = "bye";
	tevent_fd_set_flags(client->fde, TEVENT_FD_WRITE);
	calls = client->calls;
	printf("main: the client asks for WRITE only, to send \"bye\"\n");
	if (!run(ev, mem_ctx, NULL, 1000, client, server)) {
		goto failed;
	}
	printf("main: the loop ran on: %u calls of the client's handler; "
	       "its flags: %s\n", client->calls - calls,
	       flag_names(tevent_fd_get_flags(client->fde)));

	tevent_fd_set_flags(client->fde, TEVENT_FD_READ | TEVENT_FD_WRITE);
	printf("main: the client asks for READ|WRITE\n");
	if (!run(ev, mem_ctx, &client->got_eof, 0, client, server)) {
		goto failed;
	}
	/*! [main] */
	talloc_free(mem_ctx);	/* auto close: closes the client's end */
	return 0;

failed:
	fprintf(stderr, "the loop or the I/O failed\n");
	talloc_free(mem_ctx);
	return 1;
nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
