/*
 * queue_socket_writer.c - several large writes into one socket.
 *
 * Four writers (or -n WRITERS) each send a 64 KiB message into the same
 * end of a socketpair whose send buffer is small, so every message needs
 * many write() calls. With a tevent_queue the reader gets each message whole
 * and in order; without one, the writers' chunks interleave.
 * Explained on the page "The tevent_queue tutorial" (tevent_queue_tutorial).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc queue_socket_writer.c $(pkg-config --cflags --libs tevent talloc)
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

#define DEFAULT_WRITERS 4	/* one message per writer */
#define MAX_WRITERS 26		/* messages are filled with A to Z */
#define MSG_SIZE (64 * 1024)
#define CHUNK_SIZE 4096		/* the reader reads at most this much a call */
#define SNDBUF_SIZE 4096	/* a small send buffer: writes block often */

/*! [write state] */
struct sock_write_state {
	struct tevent_context *ev;	/* the trigger is not given one */
	int fd;
	const uint8_t *buf;
	size_t len;
	size_t written;
	struct tevent_fd *fde;
};

static void sock_write_trigger(struct tevent_req *req, void *private_data);
static void sock_write_more(struct tevent_req *req);
static void sock_write_writable(struct tevent_context *ev,
				struct tevent_fd *fde, uint16_t flags,
				void *private_data);
/*! [write state] */

/*! [write send] */
/*
 * Write len bytes of buf into the non-blocking socket fd; buf must stay
 * valid until the request has finished. With a queue, the write starts
 * when the request reaches the head of the queue; with queue == NULL it
 * starts at once.
 */
static struct tevent_req *sock_write_send(TALLOC_CTX *mem_ctx,
					  struct tevent_context *ev,
					  struct tevent_queue *queue,
					  int fd, const uint8_t *buf,
					  size_t len)
{
	struct tevent_req *req;
	struct sock_write_state *state;

	req = tevent_req_create(mem_ctx, &state, struct sock_write_state);
	if (req == NULL) {
		return NULL;
	}
	state->ev = ev;
	state->fd = fd;
	state->buf = buf;
	state->len = len;

	if (queue == NULL) {
		sock_write_trigger(req, NULL);
		if (!tevent_req_is_in_progress(req)) {
			return tevent_req_post(req, ev);
		}
		return req;
	}

	if (!tevent_queue_add(queue, ev, req, sock_write_trigger, NULL)) {
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	return req;
}
/*! [write send] */

/*! [write trigger] */
/* Our turn: start writing at once. */
static void sock_write_trigger(struct tevent_req *req, void *private_data)
{
	(void)private_data;
	sock_write_more(req);
}
/*! [write trigger] */

/*! [write more] */
/*
 * Write until the message is out or the socket is full. Only a full
 * socket (EAGAIN) makes the request wait, with an fd event, until the
 * socket has room: a message that fits costs one send() and no turn of
 * the event loop.
 */
static void sock_write_more(struct tevent_req *req)
{
	struct sock_write_state *state =
		tevent_req_data(req, struct sock_write_state);
	ssize_t n;

	while (state->written < state->len) {
		/* MSG_NOSIGNAL: if the peer has gone, fail with EPIPE, no
		 * SIGPIPE */
		n = send(state->fd, state->buf + state->written,
			 state->len - state->written, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR) {
			continue;
		}
		if (n == -1 && errno == EAGAIN) {
			if (state->fde == NULL) {
				state->fde = tevent_add_fd(state->ev, state,
							   state->fd,
							   TEVENT_FD_WRITE,
							   sock_write_writable,
							   req);
				if (tevent_req_nomem(state->fde, req)) {
					return;
				}
			}
			return;		/* wait for room */
		}
		if (n == -1) {
			TALLOC_FREE(state->fde);
			tevent_req_error(req, errno);
			return;
		}
		state->written += (size_t)n;
	}
	/* Done: stop watching the socket before the caller is told. The
	 * request stays allocated until its caller frees it, and a live
	 * fd event would fire again meanwhile. */
	TALLOC_FREE(state->fde);
	tevent_req_done(req);
}
/*! [write more] */

/*! [write writable] */
/* The socket has room again: go on writing. */
static void sock_write_writable(struct tevent_context *ev,
				struct tevent_fd *fde, uint16_t flags,
				void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);

	(void)ev;
	(void)fde;
	(void)flags;
	sock_write_more(req);
}
/*! [write writable] */

/*! [write recv] */
/* 0 if the request succeeded, otherwise a nonzero errno value. */
static int req_errno(struct tevent_req *req)
{
	enum tevent_req_state state;
	uint64_t err;

	if (!tevent_req_is_error(req, &state, &err)) {
		return 0;
	}
	switch (state) {
	case TEVENT_REQ_USER_ERROR:
		return (int)err;	/* what tevent_req_error() was given */
	case TEVENT_REQ_TIMED_OUT:
		return ETIMEDOUT;
	case TEVENT_REQ_NO_MEMORY:
		return ENOMEM;
	default:
		return EINVAL;		/* not finished: a caller's bug */
	}
}

static int sock_write_recv(struct tevent_req *req)
{
	int err = req_errno(req);

	tevent_req_received(req);
	return err;
}
/*! [write recv] */

/*
 * The reader at the other end: it reads until total bytes have arrived
 * and returns them as one buffer, the stream exactly as received.
 */
struct sock_read_state {
	int fd;
	uint8_t *buf;		/* total bytes, filled as they arrive */
	size_t received;
	struct tevent_fd *fde;
};

static void sock_read_readable(struct tevent_context *ev,
			       struct tevent_fd *fde, uint16_t flags,
			       void *private_data);

static struct tevent_req *sock_read_send(TALLOC_CTX *mem_ctx,
					 struct tevent_context *ev,
					 int fd, size_t total)
{
	struct tevent_req *req;
	struct sock_read_state *state;

	req = tevent_req_create(mem_ctx, &state, struct sock_read_state);
	if (req == NULL) {
		return NULL;
	}
	state->fd = fd;
	state->buf = talloc_array(state, uint8_t, total);
	if (tevent_req_nomem(state->buf, req)) {
		return tevent_req_post(req, ev);
	}
	state->fde = tevent_add_fd(ev, state, fd, TEVENT_FD_READ,
				   sock_read_readable, req);
	if (tevent_req_nomem(state->fde, req)) {
		return tevent_req_post(req, ev);
	}
	return req;
}

static void sock_read_readable(struct tevent_context *ev,
			       struct tevent_fd *fde, uint16_t flags,
			       void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct sock_read_state *state =
		tevent_req_data(req, struct sock_read_state);
	size_t todo = talloc_array_length(state->buf) - state->received;
	ssize_t n;

	(void)ev;
	(void)fde;
	(void)flags;

	if (todo > CHUNK_SIZE) {
		todo = CHUNK_SIZE;
	}
	n = read(state->fd, state->buf + state->received, todo);
	if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
		return;
	}
	if (n <= 0) {
		TALLOC_FREE(state->fde);
		tevent_req_error(req, (n == 0) ? EPIPE : errno);
		return;
	}
	state->received += (size_t)n;
	if (state->received < talloc_array_length(state->buf)) {
		return;
	}
	TALLOC_FREE(state->fde);
	tevent_req_done(req);
}

/* On success *pbuf is the received stream, moved to mem_ctx. */
static int sock_read_recv(struct tevent_req *req, TALLOC_CTX *mem_ctx,
			  uint8_t **pbuf)
{
	struct sock_read_state *state =
		tevent_req_data(req, struct sock_read_state);
	int err = req_errno(req);

	if (err == 0) {
		*pbuf = talloc_move(mem_ctx, &state->buf);
	}
	tevent_req_received(req);
	return err;
}

/*! [writer done] */
struct writers {
	size_t pending;
	int error;
};

/* The caller's callback: collect the result, then free the request. */
static void writer_done(struct tevent_req *req)
{
	struct writers *w = tevent_req_callback_data(req, struct writers);
	int err = sock_write_recv(req);

	TALLOC_FREE(req);	/* with a queue, this lets the next writer go */
	if (err != 0 && w->error == 0) {
		w->error = err;
	}
	w->pending -= 1;
}
/*! [writer done] */

/*
 * Print, per message, how many of its bytes the reader got, and whether
 * it is intact: found whole at its own place in the stream, where a
 * receiver that knows the message sizes will look for it.
 */
static void report(const uint8_t *sent, const uint8_t *received,
		   unsigned messages)
{
	size_t m, i;

	for (m = 0; m < messages; m++) {
		uint8_t byte = sent[m * MSG_SIZE];
		size_t count = 0;
		bool intact = memcmp(received + m * MSG_SIZE,
				     sent + m * MSG_SIZE, MSG_SIZE) == 0;

		for (i = 0; i < messages * MSG_SIZE; i++) {
			count += (received[i] == byte);
		}
		printf("  message %c: %zu of %d bytes received, intact: %s\n",
		       byte, count, MSG_SIZE, intact ? "yes" : "no");
	}
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
/* Send all messages through one socket, serialized by queue if given. */
static int run(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
	       struct tevent_queue *queue, const uint8_t *data,
	       unsigned count)
{
	TALLOC_CTX *frame;	/* all of this run, freed at its end */
	struct writers *w;
	struct tevent_req *reader;
	uint8_t *stream = NULL;
	int sv[2];
	int *dups;		/* a descriptor per unqueued writer */
	int sndbuf = SNDBUF_SIZE;
	int ret;
	size_t m;

	frame = talloc_new(mem_ctx);
	dups = talloc_array(frame, int, count);
	if (frame == NULL || dups == NULL) {
		TALLOC_FREE(frame);
		return ENOMEM;
	}
	for (m = 0; m < count; m++) {
		dups[m] = -1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
		TALLOC_FREE(frame);
		return errno;
	}
	if (set_nonblocking(sv[0]) == -1 || set_nonblocking(sv[1]) == -1 ||
	    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sndbuf,
		       sizeof(sndbuf)) == -1) {
		ret = errno;
		goto done;
	}

	w = talloc_zero(frame, struct writers);
	reader = sock_read_send(frame, ev, sv[1], count * MSG_SIZE);
	if (w == NULL || reader == NULL) {
		ret = ENOMEM;
		goto done;
	}
	for (m = 0; m < count; m++) {
		struct tevent_req *req;
		int fd = sv[0];

		if (queue == NULL) {
			/* The epoll backend of tevent 0.14 takes at most
			 * two fd events per descriptor: one descriptor per
			 * writer. */
			dups[m] = dup(sv[0]);
			if (dups[m] == -1) {
				ret = errno;
				goto done;
			}
			fd = dups[m];
		}
		req = sock_write_send(frame, ev, queue, fd,
				      data + m * MSG_SIZE, MSG_SIZE);
		if (req == NULL) {
			ret = ENOMEM;
			goto done;
		}
		tevent_req_set_callback(req, writer_done, w);
		w->pending += 1;
	}

	/* Turn the event loop until the reader has everything, or a writer
	 * has failed: then the rest of the stream will never come. */
	while (tevent_req_is_in_progress(reader) && w->error == 0) {
		if (tevent_loop_once(ev) != 0) {
			ret = errno;
			goto done;
		}
	}
	if (w->error != 0) {
		ret = w->error;
		goto done;
	}
	ret = sock_read_recv(reader, frame, &stream);
	if (ret == 0 && w->pending != 0) {
		ret = EIO;	/* all bytes came, yet a writer is not done */
	}
	if (ret == 0) {
		report(data, stream, count);
	}
done:
	for (m = 0; m < count; m++) {
		if (dups[m] != -1) {
			close(dups[m]);
		}
	}
	TALLOC_FREE(frame);	/* fd events go before the socketpair */
	close(sv[0]);
	close(sv[1]);
	return ret;
}
/*! [run] */

/*! [args] */
/*
 * The command line: "-b BACKEND" runs the program on that tevent
 * backend, one of those that tevent_backend_list() names (without it,
 * tevent picks its default); "-n WRITERS" sets the number of writers,
 * 1 to 26 (4 without it). A bad argument ends the program with a usage
 * line on stderr and exit status 2.
 */
struct options {
	const char *backend;
	unsigned writers;
};

static void usage(const char *prog)
{
	const char **names = tevent_backend_list(NULL);
	size_t i;

	fprintf(stderr, "usage: %s [-b BACKEND] [-n WRITERS (1-%d)]; "
		"BACKEND is one of:", prog, MAX_WRITERS);
	for (i = 0; names != NULL && names[i] != NULL; i++) {
		fprintf(stderr, " %s", names[i]);
	}
	fprintf(stderr, "\n");
	talloc_free(names);
	exit(2);
}

static bool backend_is_known(const char *backend)
{
	const char **names = tevent_backend_list(NULL);
	bool known = false;
	size_t i;

	for (i = 0; names != NULL && names[i] != NULL; i++) {
		known = known || strcmp(names[i], backend) == 0;
	}
	talloc_free(names);
	return known;
}

static struct options options_from_args(int argc, char **argv)
{
	struct options o = { .backend = NULL, .writers = DEFAULT_WRITERS };
	char *end;
	long n;
	int opt;

	opterr = 0;		/* usage() says it all, in one line */
	while ((opt = getopt(argc, argv, "b:n:")) != -1) {
		switch (opt) {
		case 'b':
			if (!backend_is_known(optarg)) {
				usage(argv[0]);
			}
			o.backend = optarg;
			break;
		case 'n':
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    n < 1 || n > MAX_WRITERS) {
				usage(argv[0]);	/* not a number, or out of range */
			}
			o.writers = (unsigned)n;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc) {
		usage(argv[0]);
	}
	return o;
}
/*! [args] */

int main(int argc, char **argv)
{
	struct options o = options_from_args(argc, argv);
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	struct tevent_queue *queue;
	uint8_t *data;
	size_t m;
	int ret;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, o.backend);
	queue = tevent_queue_create(mem_ctx, "socket writes");
	data = talloc_array(mem_ctx, uint8_t, o.writers * MSG_SIZE);
	if (ev == NULL || queue == NULL || data == NULL) {
		fprintf(stderr, "out of memory\n");
		talloc_free(mem_ctx);
		return 1;
	}
	for (m = 0; m < o.writers; m++) {
		memset(data + m * MSG_SIZE, 'A' + (int)m, MSG_SIZE);
	}

	/*! [main runs] */
	printf("%u messages of %d bytes into one socket, with a queue:\n",
	       o.writers, MSG_SIZE);
	ret = run(mem_ctx, ev, queue, data, o.writers);
	if (ret == 0) {
		printf("the same messages, without a queue:\n");
		ret = run(mem_ctx, ev, NULL, data, o.writers);
	}
	/*! [main runs] */

	talloc_free(mem_ctx);
	if (ret != 0) {
		fprintf(stderr, "queue_socket_writer: %s\n", strerror(ret));
		return 1;
	}
	return 0;
}
