/*
 * bench_writer.c - the tutorial's socket writer against a write() loop.
 *
 * Three writers send messages of one size, one after the other, into
 * one end of a socketpair with the default SO_SNDBUF, while a thread
 * reads the other end as fast as it can:
 *   blocking     a blocking socket and a write() loop, no tevent;
 *   fd_first     the tutorial's old writer: each message a request in a
 *                tevent_queue, whose trigger asks for writability and
 *                whose fd handler sends at most 4 KiB a call;
 *   write_first  the tutorial's writer: the trigger sends at once, as
 *                much as the socket takes, and waits for writability
 *                only when send() says EAGAIN.
 * The callback of each message's request frees it and sends the next.
 * A run sends 256 MiB (-m) in messages of each size from 4 KiB to
 * 8 MiB. After a warm-up, each repetition runs the three writers at
 * every size, in an order that rotates. Time is wall time, from the
 * first byte written to the last byte read; the ratio to blocking is
 * taken within each repetition. Counted in the program, per message:
 * send() and write() calls, loop turns, fd events added.
 *
 *   bench_writer [-r REPS] [-m MIB] [-s SIZE]   (-s: that size only)
 *   bench_writer -w WRITER -s SIZE [-m MIB]     one run, no warm-up and
 *                                               no output (for strace -c)
 *
 * SPDX-License-Identifier: MIT-0
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

#include "bench.h"

#define PIECE 4096		/* the most the fd-first writer sends a call */
#define READ_SIZE (256 * 1024)	/* the most the reader reads a call */

static const size_t sizes[] = {
	4096, 16384, 65536, 262144, 1048576, 8388608,
};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

/* What the program counts, for all runs of one writer and size. */
struct counts {
	unsigned long messages;
	unsigned long sends;	/* send() or write() calls, EAGAIN too */
	unsigned long turns;	/* tevent_loop_once() calls */
	unsigned long fd_adds;	/* tevent_add_fd() calls */
};

static ssize_t counted_send(struct counts *c, int fd, const void *buf,
			    size_t len)
{
	c->sends += 1;
	/* MSG_NOSIGNAL: if the reader has gone, EPIPE and no SIGPIPE */
	return send(fd, buf, len, MSG_NOSIGNAL);
}

/* ---- the writers' request ------------------------------------------- */

struct msg_write_state {
	struct tevent_context *ev;
	int fd;
	const uint8_t *buf;
	size_t len;
	size_t written;
	bool write_first;	/* which writer: fd-first or write-first */
	struct tevent_fd *fde;
	struct counts *counts;
};

static void msg_write_trigger(struct tevent_req *req, void *private_data);
static void msg_write_writable(struct tevent_context *ev,
			       struct tevent_fd *fde, uint16_t flags,
			       void *private_data);

/* Write len bytes of buf into fd once the request reaches the head of
 * queue, with the write-first writer or the fd-first one. */
static struct tevent_req *msg_write_send(TALLOC_CTX *mem_ctx,
					 struct tevent_context *ev,
					 struct tevent_queue *queue,
					 bool write_first, int fd,
					 const uint8_t *buf, size_t len,
					 struct counts *counts)
{
	struct tevent_req *req;
	struct msg_write_state *state;

	req = tevent_req_create(mem_ctx, &state, struct msg_write_state);
	if (req == NULL) {
		return NULL;
	}
	*state = (struct msg_write_state) {
		.ev = ev, .fd = fd, .buf = buf, .len = len,
		.write_first = write_first, .counts = counts,
	};
	if (!tevent_queue_add(queue, ev, req, msg_write_trigger, NULL)) {
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	return req;
}

/* Wait until fd can take more (the fd event stays until the end). */
static void msg_write_wait(struct tevent_req *req)
{
	struct msg_write_state *state =
		tevent_req_data(req, struct msg_write_state);

	if (state->fde != NULL) {
		return;
	}
	state->counts->fd_adds += 1;
	state->fde = tevent_add_fd(state->ev, state, state->fd,
				   TEVENT_FD_WRITE, msg_write_writable, req);
	if (tevent_req_nomem(state->fde, req)) {
		return;
	}
}

/* What a send() of up to todo bytes left to do. */
enum progress { SENT, FULL, FINISHED };

static enum progress msg_write_some(struct tevent_req *req, size_t todo)
{
	struct msg_write_state *state =
		tevent_req_data(req, struct msg_write_state);
	ssize_t n;

	n = counted_send(state->counts, state->fd,
			 state->buf + state->written, todo);
	if (n == -1 && errno == EINTR) {
		return SENT;		/* nothing, but try again */
	}
	if (n == -1 && errno == EAGAIN) {
		return FULL;
	}
	if (n == -1) {
		TALLOC_FREE(state->fde);
		tevent_req_error(req, errno);
		return FINISHED;
	}
	state->written += (size_t)n;
	if (state->written < state->len) {
		return SENT;
	}
	TALLOC_FREE(state->fde);
	tevent_req_done(req);
	return FINISHED;
}

/* The fd-first writer, in the fd handler: one piece a call. */
static void fd_first_write(struct tevent_req *req)
{
	struct msg_write_state *state =
		tevent_req_data(req, struct msg_write_state);
	size_t todo = state->len - state->written;

	msg_write_some(req, todo < PIECE ? todo : PIECE);
}

/* The write-first writer: send until done or the socket is full (then
 * wait for room). */
static void write_first_write(struct tevent_req *req)
{
	struct msg_write_state *state =
		tevent_req_data(req, struct msg_write_state);
	enum progress p;

	do {
		p = msg_write_some(req, state->len - state->written);
	} while (p == SENT);
	if (p == FULL) {
		msg_write_wait(req);
	}
}

/* Our turn: the fd-first writer waits for writability, the
 * write-first writer writes at once. */
static void msg_write_trigger(struct tevent_req *req, void *private_data)
{
	struct msg_write_state *state =
		tevent_req_data(req, struct msg_write_state);

	(void)private_data;
	if (state->write_first) {
		write_first_write(req);
	} else {
		msg_write_wait(req);
	}
}

static void msg_write_writable(struct tevent_context *ev,
			       struct tevent_fd *fde, uint16_t flags,
			       void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct msg_write_state *state =
		tevent_req_data(req, struct msg_write_state);

	(void)ev;
	(void)fde;
	(void)flags;
	if (state->write_first) {
		write_first_write(req);
	} else {
		fd_first_write(req);
	}
}

/* 0 if the request succeeded, otherwise a nonzero errno value. */
static int msg_write_recv(struct tevent_req *req)
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

/* ---- one run of a writer -------------------------------------------- */

/* The reader thread: reads total bytes from fd, or fails. */
struct reader {
	int fd;
	size_t total;
	int error;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	uint8_t *buf = malloc(READ_SIZE);
	size_t got = 0;
	ssize_t n;

	if (buf == NULL) {
		r->error = ENOMEM;
		return NULL;
	}
	while (got < r->total) {
		n = recv(r->fd, buf, READ_SIZE, 0);
		if (n == -1 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			r->error = (n == 0) ? EPIPE : errno;
			break;
		}
		got += (size_t)n;
	}
	free(buf);
	return NULL;
}

/* What the tevent writers' callbacks share with their loop. */
struct run {
	struct tevent_context *ev;
	struct tevent_queue *queue;
	bool write_first;
	int fd;
	const uint8_t *buf;
	size_t size;
	unsigned long left;	/* messages not sent yet */
	bool pending;		/* a message is on its way */
	int error;
	struct counts *counts;
};

static void run_msg_done(struct tevent_req *req);

/* Send the next message of run, if one is left. */
static void run_next(struct run *run)
{
	struct tevent_req *req;

	if (run->left == 0) {
		return;
	}
	req = msg_write_send(run, run->ev, run->queue, run->write_first,
			     run->fd, run->buf, run->size, run->counts);
	if (req == NULL) {
		run->error = ENOMEM;
		return;
	}
	tevent_req_set_callback(req, run_msg_done, run);
	run->left -= 1;
	run->pending = true;
	run->counts->messages += 1;
}

static void run_msg_done(struct tevent_req *req)
{
	struct run *run = tevent_req_callback_data(req, struct run);
	int err = msg_write_recv(req);

	TALLOC_FREE(req);
	run->pending = false;
	if (err != 0) {
		run->error = err;
		return;
	}
	run_next(run);
}

/* The tevent writers: count messages of size bytes into fd. */
static int write_tevent(struct run *run)
{
	run_next(run);
	while (run->pending && run->error == 0) {
		if (tevent_loop_once(run->ev) != 0) {
			return errno;
		}
		run->counts->turns += 1;
	}
	return run->error;
}

/* The blocking writer: write() until each message is out; the kernel
 * puts the thread to sleep while the socket is full. */
static int write_blocking(int fd, const uint8_t *buf, size_t size,
			  unsigned long count, struct counts *c)
{
	unsigned long m;
	size_t done;
	ssize_t n;

	for (m = 0; m < count; m++) {
		for (done = 0; done < size; done += (size_t)n) {
			c->sends += 1;
			n = write(fd, buf + done, size - done);
			if (n == -1 && errno == EINTR) {
				n = 0;
				continue;
			}
			if (n == -1) {
				return errno;
			}
		}
		c->messages += 1;
	}
	return 0;
}

enum writer { BLOCKING, FD_FIRST, WRITE_FIRST, NWRITERS };
static const char *const writer_names[NWRITERS] = {
	"blocking", "fd_first", "write_first",
};

/* What every run shares. */
struct bench {
	struct tevent_context *ev;
	struct tevent_queue *queue;
	const uint8_t *buf;	/* the largest message; all are its start */
	size_t total;		/* bytes per run */
};

/* The tevent writers' state of a run, or NULL if out of memory. */
static struct run *run_new(TALLOC_CTX *mem_ctx, struct bench *b,
			   enum writer w, size_t size, struct counts *c)
{
	struct run *run = talloc(mem_ctx, struct run);

	if (run != NULL) {
		*run = (struct run) {
			.ev = b->ev, .queue = b->queue, .buf = b->buf,
			.size = size, .write_first = (w == WRITE_FIRST),
			.counts = c, .left = b->total / size,
		};
	}
	return run;
}

/* Write b->total bytes in messages of size with writer w: the wall
 * time in ns from the first write to the reader's last byte, or < 0. */
static double run_writer(struct bench *b, enum writer w, size_t size,
			 struct counts *c)
{
	struct reader r = { .total = b->total };
	struct run *run = run_new(NULL, b, w, size, c);
	pthread_t thread;
	double t0 = 0, t1 = 0;
	int sv[2], err;

	if (run == NULL || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
		talloc_free(run);
		fprintf(stderr, "bench_writer: cannot set up a run\n");
		return -1;
	}
	r.fd = sv[1];
	run->fd = sv[0];
	if (w != BLOCKING &&
	    fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK) == -1) {
		err = errno;
		goto fail;
	}
	err = pthread_create(&thread, NULL, reader_main, &r);
	if (err != 0) {
		goto fail;
	}
	t0 = bench_ns(CLOCK_MONOTONIC);
	if (w == BLOCKING) {
		err = write_blocking(sv[0], b->buf, size, b->total / size, c);
	} else {
		err = write_tevent(run);
	}
	if (err != 0) {
		shutdown(sv[0], SHUT_RDWR);	/* the reader stops too */
	}
	pthread_join(thread, NULL);
	t1 = bench_ns(CLOCK_MONOTONIC);
	if (err == 0) {
		err = r.error;
	}
fail:
	talloc_free(run);	/* its request, if one failed, and fd event */
	close(sv[0]);
	close(sv[1]);
	if (err != 0) {
		fprintf(stderr, "bench_writer: %s, %zu bytes: %s\n",
			writer_names[w], size, strerror(err));
		return -1;
	}
	return t1 - t0;
}

/* ---- the repetitions ------------------------------------------------ */

/* Per repetition: the ns of each writer at each size. */
struct rep {
	double ns[NSIZES][NWRITERS];
};

static double mibps(const struct bench *b, double ns)
{
	return (double)b->total / (1024.0 * 1024.0) / (ns / 1e9);
}

/* The result lines of size s. */
static void report(const struct bench *b, size_t s, struct rep *rep,
		   unsigned reps, struct counts c[NWRITERS], double *v)
{
	char name[80];
	unsigned k;
	int w;

	for (w = 0; w < NWRITERS; w++) {
		double m = (double)c[w].messages;

		for (k = 0; k < reps; k++) {
			v[k] = mibps(b, rep[k].ns[s][w]);
		}
		snprintf(name, sizeof(name), "writer.%s.%zu.mibps",
			 writer_names[w], sizes[s]);
		bench_put_series(name, v, reps, "MiB/s");
		for (k = 0; k < reps; k++) {
			v[k] = rep[k].ns[s][BLOCKING] / rep[k].ns[s][w];
		}
		snprintf(name, sizeof(name), "writer.ratio.%s_vs_blocking.%zu",
			 writer_names[w], sizes[s]);
		bench_put_series(name, v, reps, "x");
		snprintf(name, sizeof(name), "writer.%s.%zu.sends",
			 writer_names[w], sizes[s]);
		bench_put(name, (double)c[w].sends / m, "calls/message");
		snprintf(name, sizeof(name), "writer.%s.%zu.turns",
			 writer_names[w], sizes[s]);
		bench_put(name, (double)c[w].turns / m, "turns/message");
		snprintf(name, sizeof(name), "writer.%s.%zu.fd_adds",
			 writer_names[w], sizes[s]);
		bench_put(name, (double)c[w].fd_adds / m, "events/message");
	}
}

/* A warm-up run of every writer at size s, then reps repetitions of
 * them all, in a rotating order. Counts are of the repetitions. */
static int bench_size(struct bench *b, size_t s, struct rep *rep,
		      unsigned reps, double *v)
{
	struct counts c[NWRITERS] = { { 0 } };
	struct counts warm;
	unsigned k;
	int i, w;

	for (w = 0; w < NWRITERS; w++) {
		if (run_writer(b, w, sizes[s], &warm) < 0) {
			return 1;
		}
	}
	for (k = 0; k < reps; k++) {
		for (i = 0; i < NWRITERS; i++) {
			w = (int)((i + k) % NWRITERS);
			rep[k].ns[s][w] = run_writer(b, w, sizes[s], &c[w]);
			if (rep[k].ns[s][w] < 0) {
				return 1;
			}
		}
	}
	report(b, s, rep, reps, c, v);
	return 0;
}

/* One run of writer w at size, for strace -c: it prints nothing, so
 * that its only write() calls are the blocking writer's. */
static int bench_one(struct bench *b, enum writer w, size_t size)
{
	struct counts c = { 0 };

	return run_writer(b, w, size, &c) < 0;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-r REPS] [-m MIB] [-s SIZE] "
		"| -w WRITER -s SIZE [-m MIB]\n", prog);
	exit(2);
}

int main(int argc, char **argv)
{
	struct bench b = { .total = 256 };
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	uint8_t *buf;
	struct rep *rep;
	double *v;
	unsigned reps = 5;
	int opt, w = -1, ret = 0;
	size_t s, one_size = 0;

	while ((opt = getopt(argc, argv, "r:m:w:s:")) != -1) {
		switch (opt) {
		case 'r':
			reps = bench_number(argv[0], opt, optarg, 1);
			break;
		case 'm':
			b.total = bench_number(argv[0], opt, optarg, 8);
			break;
		case 'w':
			for (w = 0; w < NWRITERS; w++) {
				if (strcmp(writer_names[w], optarg) == 0) {
					break;
				}
			}
			if (w == NWRITERS) {
				usage(argv[0]);
			}
			break;
		case 's':
			one_size = bench_number(argv[0], opt, optarg, 1);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (w != -1 && one_size == 0) {
		usage(argv[0]);
	}
	b.total *= 1024 * 1024;
	buf = talloc_array(mem_ctx, uint8_t, sizes[NSIZES - 1]);
	rep = talloc_array(mem_ctx, struct rep, reps);
	v = talloc_array(mem_ctx, double, reps);
	b.ev = tevent_context_init(mem_ctx);
	b.queue = tevent_queue_create(mem_ctx, "writes");
	if (buf == NULL || rep == NULL || v == NULL || b.ev == NULL ||
	    b.queue == NULL || (one_size > sizes[NSIZES - 1])) {
		fprintf(stderr, "bench_writer: cannot set up\n");
		talloc_free(mem_ctx);
		return 1;
	}
	memset(buf, 'x', sizes[NSIZES - 1]);
	b.buf = buf;
	if (w != -1) {
		ret = bench_one(&b, w, one_size);
	}
	for (s = 0; w == -1 && s < NSIZES && ret == 0; s++) {
		if (one_size == 0 || one_size == sizes[s]) {
			ret = bench_size(&b, s, rep, reps, v);
		}
	}
	if (w == -1 && ret == 0) {
		bench_put("writer.mib_per_run", (double)b.total / 1048576,
			  "MiB");
		bench_put("writer.repetitions", reps, "runs");
	}
	talloc_free(mem_ctx);
	return ret;
}
