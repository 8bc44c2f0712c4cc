/*
 * bench_scale.c - does a longer queue cost more per request?
 *
 * For each queue length L from 10 to 10^6, a queue holds L waiting
 * requests (the queue path's request of tests/bench/requests.h; the
 * event loop never turns, so none is triggered). Then a batch of 1000
 * more is added at the tail, and freed again in the order they came:
 * the time per add and per free, at that length. After a warm-up, each
 * repetition measures every length, in a rotating order; the ratios
 * against the shortest queue are taken within each repetition. Time is
 * the CPU time of the thread.
 *
 * Also the memory of one waiting request: talloc_total_size() of the
 * request (its state and queue entry hang off it), and what malloc
 * handed out per request while 10^5 of them were added.
 *
 *   bench_scale [-r REPS] [-m MAX_LENGTH]
 *   bench_scale -c L     one batch at length L, for callgrind (make
 *                        bench runs it with --instr-atstart=no)
 *
 * SPDX-License-Identifier: MIT-0
 */
#include <errno.h>
#include <unistd.h>

#include <valgrind/callgrind.h>

#include "bench.h"
#include "requests.h"

#define BATCH 1000
#define MAX_LENGTHS 6

/* A queue with its waiting requests. */
struct line {
	unsigned long length;
	TALLOC_CTX *waiting;		/* the L requests that wait */
	struct tevent_queue *queue;
	struct tevent_req **batch;	/* the requests added and freed */
};

/* A queue that holds length requests, or NULL if out of memory. */
static struct line *line_new(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
			     unsigned long length)
{
	struct line *l = talloc_zero(mem_ctx, struct line);
	unsigned long i;

	if (l == NULL) {
		return NULL;
	}
	l->length = length;
	l->waiting = talloc_new(l);
	l->queue = tevent_queue_create(l, "scale");
	l->batch = talloc_array(l, struct tevent_req *, BATCH);
	if (l->waiting == NULL || l->queue == NULL || l->batch == NULL) {
		talloc_free(l);
		return NULL;
	}
	for (i = 0; i < length; i++) {
		if (qjob_send(l->waiting, ev, l->queue) == NULL) {
			talloc_free(l);
			return NULL;
		}
	}
	return l;
}

/* Add BATCH requests at the tail of l's queue; false if out of memory.
 * noinline: callgrind's numbers name it. */
__attribute__((noinline)) static bool add_batch(struct line *l,
						struct tevent_context *ev)
{
	size_t i;

	for (i = 0; i < BATCH; i++) {
		l->batch[i] = qjob_send(l, ev, l->queue);
		if (l->batch[i] == NULL) {
			return false;
		}
	}
	return true;
}

/* Free them again, first added first. */
__attribute__((noinline)) static void free_batch(struct line *l)
{
	size_t i;

	for (i = 0; i < BATCH; i++) {
		TALLOC_FREE(l->batch[i]);
	}
}

/* One batch at l's length: the ns per add and per free. */
static bool measure(struct line *l, struct tevent_context *ev,
		    double *add_ns, double *free_ns)
{
	double t0, t1, t2;
	bool ok;

	t0 = bench_ns(CLOCK_THREAD_CPUTIME_ID);
	ok = add_batch(l, ev);
	t1 = bench_ns(CLOCK_THREAD_CPUTIME_ID);
	free_batch(l);
	t2 = bench_ns(CLOCK_THREAD_CPUTIME_ID);
	*add_ns = (t1 - t0) / BATCH;
	*free_ns = (t2 - t1) / BATCH;
	if (!ok || tevent_queue_length(l->queue) != l->length) {
		fprintf(stderr, "bench_scale: a batch failed at length %lu\n",
			l->length);
		return false;
	}
	return true;
}

/* Bytes per waiting request: talloc's count and malloc's. */
static bool bytes(TALLOC_CTX *mem_ctx, struct tevent_context *ev)
{
	const unsigned long n = 100000;
	struct mallinfo2 before = mallinfo2();
	struct mallinfo2 after;
	struct line *l = line_new(mem_ctx, ev, n);
	struct tevent_req *req;

	if (l == NULL) {
		return false;
	}
	after = mallinfo2();
	req = qjob_send(l, ev, l->queue);
	if (req == NULL) {
		talloc_free(l);
		return false;
	}
	bench_put("scale.bytes.talloc", (double)talloc_total_size(req),
		  "bytes");
	bench_put("scale.bytes.malloc",
		  (double)(after.uordblks - before.uordblks) / (double)n,
		  "bytes");
	talloc_free(l);
	return true;
}

struct series {
	double add[MAX_LENGTHS], free[MAX_LENGTHS];
};

/* What the repetitions measured, as result lines. */
static void report(struct line **lines, size_t nlines, struct series *s,
		   unsigned reps, double *v)
{
	char name[64];
	size_t i;
	unsigned k;

	for (i = 0; i < nlines; i++) {
		unsigned long len = lines[i]->length;

		for (k = 0; k < reps; k++) {
			v[k] = s[k].add[i];
		}
		snprintf(name, sizeof(name), "scale.add.%lu.ns", len);
		bench_put_series(name, v, reps, "ns");
		for (k = 0; k < reps; k++) {
			v[k] = s[k].free[i];
		}
		snprintf(name, sizeof(name), "scale.free.%lu.ns", len);
		bench_put_series(name, v, reps, "ns");
		for (k = 0; k < reps; k++) {
			v[k] = s[k].add[i] / s[k].add[0];
		}
		snprintf(name, sizeof(name), "scale.ratio.add_%lu_vs_%lu",
			 len, lines[0]->length);
		bench_put_series(name, v, reps, "x");
		for (k = 0; k < reps; k++) {
			v[k] = s[k].free[i] / s[k].free[0];
		}
		snprintf(name, sizeof(name), "scale.ratio.free_%lu_vs_%lu",
			 len, lines[0]->length);
		bench_put_series(name, v, reps, "x");
	}
	bench_put("scale.batch", BATCH, "requests");
	bench_put("scale.repetitions", reps, "runs");
}

static int timed(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		 unsigned reps, unsigned long max)
{
	struct line *lines[MAX_LENGTHS];
	struct series *s = talloc_array(mem_ctx, struct series, reps);
	double *v = talloc_array(mem_ctx, double, reps);
	double a, f;
	unsigned long len;
	size_t n = 0, i, j;
	unsigned k;

	if (s == NULL || v == NULL || !bytes(mem_ctx, ev)) {
		return ENOMEM;
	}
	for (len = 10; len <= max && n < MAX_LENGTHS; len *= 10) {
		lines[n] = line_new(mem_ctx, ev, len);
		if (lines[n] == NULL) {
			return ENOMEM;
		}
		n++;
	}
	for (i = 0; i < n; i++) {		/* the warm-up */
		if (!measure(lines[i], ev, &a, &f)) {
			return EIO;
		}
	}
	for (k = 0; k < reps; k++) {
		for (j = 0; j < n; j++) {
			i = (j + k) % n;	/* rotate the order */
			if (!measure(lines[i], ev, &s[k].add[i],
				     &s[k].free[i])) {
				return EIO;
			}
		}
	}
	report(lines, n, s, reps, v);
	return 0;
}

/*
 * For callgrind: one batch at length len, counted alone (the program
 * runs with --instr-atstart=no). Two dumps: the adds, then the frees.
 */
static int counted(TALLOC_CTX *mem_ctx, struct tevent_context *ev,
		   unsigned long len)
{
	struct line *l = line_new(mem_ctx, ev, len);
	double a, f;

	if (l == NULL || !measure(l, ev, &a, &f)) {	/* the warm-up */
		return ENOMEM;
	}
	CALLGRIND_START_INSTRUMENTATION;
	CALLGRIND_ZERO_STATS;
	if (!add_batch(l, ev)) {
		return ENOMEM;
	}
	CALLGRIND_DUMP_STATS_AT("add");
	free_batch(l);
	CALLGRIND_DUMP_STATS_AT("free");
	CALLGRIND_STOP_INSTRUMENTATION;
	printf("one batch of %d at length %lu\n", BATCH, len);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long max = 1000000, count_at = 0;
	unsigned reps = 21;
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	int opt, err;

	while ((opt = getopt(argc, argv, "r:m:c:")) != -1) {
		switch (opt) {
		case 'r':
			reps = bench_number(argv[0], opt, optarg, 1);
			break;
		case 'm':
			max = bench_number(argv[0], opt, optarg, 10);
			break;
		case 'c':
			count_at = bench_number(argv[0], opt, optarg, 1);
			break;
		default:
			fprintf(stderr, "usage: %s [-r REPS] [-m MAX_LENGTH] "
				"| -c LENGTH\n", argv[0]);
			return 2;
		}
	}
	bench_keep_heap();
	mem_ctx = talloc_new(NULL);
	ev = tevent_context_init(mem_ctx);
	if (mem_ctx == NULL || ev == NULL) {
		fprintf(stderr, "bench_scale: cannot set up tevent\n");
		talloc_free(mem_ctx);
		return 1;
	}
	if (count_at > 0) {
		err = counted(mem_ctx, ev, count_at);
	} else {
		err = timed(mem_ctx, ev, reps, max);
	}
	talloc_free(mem_ctx);
	if (err != 0) {
		fprintf(stderr, "bench_scale: %s\n", strerror(err));
		return 1;
	}
	return 0;
}
