/*
 * pitfall_fd_first_writer.c - a socket writer that waits before it writes.
 *
 * Four messages through a queue into a socket with room for them all:
 * the fd-first writer (the mistake) waits for writability, then sends
 * 4 KiB a call; the write-first writer (the fix) sends at once. Counted:
 * calls from the loop, send() calls, fd events. Explained on the page
 * "Pitfalls of the queue" (queue_pitfalls).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_fd_first_writer.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

#define MESSAGES 4
#define MSG_SIZE 10000	/* small: all four fit in the socket's buffer */
#define PIECE 4096	/* the fd-first writer sends at most this a call */

/*! [counts] */
/* What the program counts, per writer. */
struct counts {
	unsigned triggers;	/* calls of the trigger */
	unsigned fd_calls;	/* calls of the fd handler */
	unsigned sends;		/* send() calls */
	unsigned fd_added;	/* tevent_add_fd() calls */
	unsigned fd_freed;	/* fd events freed */
};
/*! [counts] */

struct sock_write_state {
	struct tevent_context *ev;	/* the trigger is not given one */
	int fd;
	const uint8_t *buf;
	size_t len;
	size_t written;
	struct tevent_fd *fde;
	struct counts *counts;
};

/* send(), counted. MSG_NOSIGNAL: EPIPE instead of SIGPIPE. */
static ssize_t counted_send(struct sock_write_state *state, size_t len)
{
	state->counts->sends += 1;
	return send(state->fd, state->buf + state->written, len,
		    MSG_NOSIGNAL);
}

/* Ask to be told when the socket can take more; counted. */
static bool watch_socket(struct tevent_req *req, tevent_fd_handler_t fn)
{
	struct sock_write_state *state =
		tevent_req_data(req, struct sock_write_state);

	state->counts->fd_added += 1;
	state->fde = tevent_add_fd(state->ev, state, state->fd,
				   TEVENT_FD_WRITE, fn, req);
	return !tevent_req_nomem(state->fde, req);
}

/* Stop watching the socket, if we were; counted. */
static void unwatch_socket(struct sock_write_state *state)
{
	if (state->fde != NULL) {
		state->counts->fd_freed += 1;
		TALLOC_FREE(state->fde);
	}
}

/* Write len bytes of buf into the non-blocking socket fd, when the
 * request reaches the head of queue; trigger chooses the writer. */
static struct tevent_req *sock_write_send(TALLOC_CTX *mem_ctx,
					  struct tevent_context *ev,
					  struct tevent_queue *queue,
					  tevent_queue_trigger_fn_t trigger,
					  int fd, const uint8_t *buf,
					  size_t len, struct counts *counts)
{
	struct tevent_req *req;
	struct sock_write_state *state;

	req = tevent_req_create(mem_ctx, &state, struct sock_write_state);
	if (req == NULL) {
		return NULL;
	}
	*state = (struct sock_write_state) {
		.ev = ev, .fd = fd, .buf = buf, .len = len, .counts = counts,
	};
	if (!tevent_queue_add(queue, ev, req, trigger, NULL)) {
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	return req;
}

/* The request is over: stop watching the socket before the caller is
 * told (err 0: success), since the caller may free the request. */
static void sock_write_finish(struct tevent_req *req, int err)
{
	struct sock_write_state *state =
		tevent_req_data(req, struct sock_write_state);

	unwatch_socket(state);
	if (err != 0) {
		tevent_req_error(req, err);
		return;
	}
	tevent_req_done(req);
}

/*! [fd first] */
static void fd_first_writable(struct tevent_context *ev,
			      struct tevent_fd *fde, uint16_t flags,
			      void *private_data);

/* The mistake: our turn, and we only ask to be told when we may write. */
static void fd_first_trigger(struct tevent_req *req, void *private_data)
{
	struct sock_write_state *state =
		tevent_req_data(req, struct sock_write_state);

	(void)private_data;
	state->counts->triggers += 1;
	watch_socket(req, fd_first_writable);
}

/* A turn of the loop later: one piece per call. */
static void fd_first_writable(struct tevent_context *ev,
			      struct tevent_fd *fde, uint16_t flags,
			      void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct sock_write_state *state =
		tevent_req_data(req, struct sock_write_state);
	size_t todo = state->len - state->written;
	ssize_t n;

	(void)ev;
	(void)fde;
	(void)flags;
	state->counts->fd_calls += 1;
	n = counted_send(state, todo < PIECE ? todo : PIECE);
	if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
		return;
	}
	if (n == -1) {
		sock_write_finish(req, errno);
		return;
	}
	state->written += (size_t)n;
	if (state->written == state->len) {
		sock_write_finish(req, 0);
	}
}
/*! [fd first] */

/*! [write first] */
static void write_first_writable(struct tevent_context *ev,
				 struct tevent_fd *fde, uint16_t flags,
				 void *private_data);

/* The fix: send at once, as much as the socket takes; wait only when
 * it is full (EAGAIN). */
static void write_first_more(struct tevent_req *req)
{
	struct sock_write_state *state =
		tevent_req_data(req, struct sock_write_state);
	ssize_t n;

	while (state->written < state->len) {
		n = counted_send(state, state->len - state->written);
		if (n == -1 && errno == EINTR) {
			continue;
		}
		if (n == -1 && errno == EAGAIN) {
			if (state->fde == NULL) {
				watch_socket(req, write_first_writable);
			}
			return;
		}
		if (n == -1) {
			sock_write_finish(req, errno);
			return;
		}
		state->written += (size_t)n;
	}
	sock_write_finish(req, 0);
}

static void write_first_trigger(struct tevent_req *req, void *private_data)
{
	struct sock_write_state *state =
		tevent_req_data(req, struct sock_write_state);

	(void)private_data;
	state->counts->triggers += 1;
	write_first_more(req);
}

static void write_first_writable(struct tevent_context *ev,
				 struct tevent_fd *fde, uint16_t flags,
				 void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct sock_write_state *state =
		tevent_req_data(req, struct sock_write_state);

	(void)ev;
	(void)fde;
	(void)flags;
	state->counts->fd_calls += 1;
	write_first_more(req);
}
/*! [write first] */

/* 0 if the request succeeded, otherwise a nonzero errno value. */
static int sock_write_recv(struct tevent_req *req)
{
	enum tevent_req_state state;
	uint64_t err;
	int ret = 0;

	if (tevent_req_is_error(req, &state, &err)) {
		ret = (state == TEVENT_REQ_USER_ERROR) ? (int)err : ENOMEM;
	}
	tevent_req_received(req);
	return ret;
}

struct writers {
	unsigned pending;
	int error;
};

/* The caller's callback: collect the result, then free the request. */
static void writer_done(struct tevent_req *req)
{
	struct writers *w = tevent_req_callback_data(req, struct writers);
	int err = sock_write_recv(req);

	TALLOC_FREE(req);	/* this lets the next writer go */
	if (err != 0 && w->error == 0) {
		w->error = err;
	}
	w->pending -= 1;
}

/* Read what the socket holds; true if it is the messages, in order. */
static bool stream_intact(int fd, const uint8_t *data)
{
	uint8_t buf[MESSAGES * MSG_SIZE + 1];
	size_t got = 0;
	ssize_t n;

	do {
		n = read(fd, buf + got, sizeof(buf) - got);
		if (n > 0) {
			got += (size_t)n;
		}
	} while (n > 0 || (n == -1 && errno == EINTR));
	return got == MESSAGES * MSG_SIZE && memcmp(buf, data, got) == 0;
}

static int set_nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags == -1) {
		return -1;
	}
	return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/*! [run] */
/* Send the messages with one writer (its trigger), into a new socket;
 * on success, *c holds the counts and *intact says how the bytes came. */
static int run(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
	       tevent_queue_trigger_fn_t trigger, const uint8_t *data,
	       struct counts *c, bool *intact)
{
	TALLOC_CTX *frame = talloc_new(mem_ctx);	/* this run's */
	struct tevent_queue *queue = tevent_queue_create(frame, "writes");
	struct writers *w = talloc_zero(frame, struct writers);
	int sv[2], ret = 0;
	size_t m;

	if (frame == NULL || queue == NULL || w == NULL) {
		TALLOC_FREE(frame);
		return ENOMEM;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
		TALLOC_FREE(frame);
		return errno;
	}
	if (set_nonblocking(sv[0]) == -1 || set_nonblocking(sv[1]) == -1) {
		ret = errno;
	}
	for (m = 0; m < MESSAGES && ret == 0; m++) {
		struct tevent_req *req;

		req = sock_write_send(frame, ev, queue, trigger, sv[0],
				      data + m * MSG_SIZE, MSG_SIZE, c);
		if (req == NULL) {
			ret = ENOMEM;
			break;
		}
		tevent_req_set_callback(req, writer_done, w);
		w->pending += 1;
	}
	while (ret == 0 && w->pending > 0 && w->error == 0) {
		if (tevent_loop_once(ev) != 0) {
			ret = errno;
		}
	}
	if (ret == 0) {
		ret = w->error;
	}
	if (ret == 0) {
		*intact = stream_intact(sv[1], data);
	}
	TALLOC_FREE(frame);	/* fd events go before the socketpair */
	close(sv[0]);
	close(sv[1]);
	return ret;
}
/*! [run] */

/*! [report] */
/* Each call from the loop into a writer is a turn of the loop of its own
 * (poll_mt may spend more turns, on its own descriptor). */
static void report(const char *writer, const struct counts *c, bool intact)
{
	unsigned calls = c->triggers + c->fd_calls;

	printf("%s:\n", writer);
	printf("  calls from the loop: %2u, %u per message (trigger %u, "
	       "fd handler %u)\n", calls, calls / MESSAGES, c->triggers,
	       c->fd_calls);
	printf("  send() calls:        %2u, %u per message\n", c->sends,
	       c->sends / MESSAGES);
	printf("  fd events added:     %2u, freed: %u\n", c->fd_added,
	       c->fd_freed);
	printf("  the reader got every message, in order: %s\n",
	       intact ? "yes" : "no");
}
/*! [report] */

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
	struct counts fd_first = { 0 }, write_first = { 0 };
	bool intact = false;
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	uint8_t *data;
	size_t m;
	int ret;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	data = talloc_array(mem_ctx, uint8_t, MESSAGES * MSG_SIZE);
	if (ev == NULL || data == NULL) {
		fprintf(stderr, "out of memory\n");
		talloc_free(mem_ctx);
		return 1;
	}
	for (m = 0; m < MESSAGES * MSG_SIZE; m++) {
		data[m] = (uint8_t)('A' + m / MSG_SIZE);
	}

	/*! [main runs] */
	printf("%d messages of %d bytes, through a queue, into a socket "
	       "with room for all\n", MESSAGES, MSG_SIZE);
	ret = run(mem_ctx, ev, fd_first_trigger, data, &fd_first, &intact);
	if (ret == 0) {
		report("the fd-first writer (the mistake)", &fd_first, intact);
		ret = run(mem_ctx, ev, write_first_trigger, data,
			  &write_first, &intact);
	}
	if (ret == 0) {
		report("the write-first writer (the fix)", &write_first,
		       intact);
	}
	/*! [main runs] */

	talloc_free(mem_ctx);
	if (ret != 0) {
		fprintf(stderr, "pitfall_fd_first_writer: %s\n",
			strerror(ret));
		return 1;
	}
	return 0;
}
