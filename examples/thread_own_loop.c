/*
 * thread_own_loop.c - two threads, each with its own event context and
 * its own loop, that send each other work with
 * tevent_threaded_schedule_immediate().
 *
 * The worker thread makes its event context and a threaded context for
 * it, and tells the main thread it is ready. The main thread asks it
 * twice to add a number to a total that only the worker touches; the
 * worker answers each time; then the main thread tells it to stop.
 * Explained on the page "One event context per thread".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc thread_own_loop.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

#define NQUESTIONS 2

/*! [worker struct] */
/*
 * What the two threads share. The main thread allocates all of it,
 * the immediates included, before it starts the worker, and allocates
 * nothing more in it until the worker has ended. Each field is written
 * by one thread only, as the comments say.
 */
struct worker {
	/* main thread, before the worker starts */
	const char *backend;
	struct tevent_threaded_context *to_main;
	struct tevent_immediate *ready_im;		/* worker -> main */
	struct tevent_immediate *answer_im[NQUESTIONS];	/* worker -> main */
	struct tevent_immediate *question_im[NQUESTIONS]; /* main -> worker */
	struct tevent_immediate *stop_im;		/* main -> worker */
	pthread_t main_thread;
	/* main thread, before it sends question i */
	unsigned question[NQUESTIONS];
	/* main thread, in its handlers */
	unsigned ready, answers, main_handlers, in_main_thread;
	/* both threads wait here before the worker frees its context */
	pthread_barrier_t done_sending;

	/* worker thread, before it reports ready */
	pthread_t worker_thread;
	struct tevent_threaded_context *to_worker;
	bool failed;
	/* worker thread, in its handlers: its state, and the answers */
	unsigned total, asked, answer[NQUESTIONS];
	unsigned worker_handlers, in_worker_thread;
	bool stop;
};
/*! [worker struct] */

/*! [main handlers] */
/* These run in the main thread, from its loop. */
static void main_count(struct worker *w)
{
	w->main_handlers += 1;
	w->in_main_thread += pthread_equal(pthread_self(), w->main_thread);
}

static void main_on_ready(struct tevent_context *ev,
			  struct tevent_immediate *im, void *private_data)
{
	struct worker *w = private_data;

	(void)ev;
	(void)im;
	main_count(w);
	w->ready = 1;
}

static void main_on_answer(struct tevent_context *ev,
			   struct tevent_immediate *im, void *private_data)
{
	struct worker *w = private_data;

	(void)ev;
	(void)im;
	main_count(w);
	w->answers += 1;
}
/*! [main handlers] */

/*! [worker handlers] */
/* These run in the worker thread, from its loop. */
static void worker_count(struct worker *w)
{
	w->worker_handlers += 1;
	w->in_worker_thread +=
		pthread_equal(pthread_self(), w->worker_thread);
}

static void worker_on_question(struct tevent_context *ev,
			       struct tevent_immediate *im,
			       void *private_data)
{
	struct worker *w = private_data;
	unsigned i = w->asked++;

	(void)ev;
	(void)im;
	worker_count(w);
	w->total += w->question[i];
	w->answer[i] = w->total;
	tevent_threaded_schedule_immediate(w->to_main, w->answer_im[i],
					   main_on_answer, w);
}

static void worker_on_stop(struct tevent_context *ev,
			   struct tevent_immediate *im, void *private_data)
{
	struct worker *w = private_data;

	(void)ev;
	(void)im;
	worker_count(w);
	w->stop = true;
}
/*! [worker handlers] */

/*! [worker thread] */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	TALLOC_CTX *mine = talloc_new(NULL);	/* this thread's own tree */
	struct tevent_context *ev = NULL;

	w->worker_thread = pthread_self();
	if (mine != NULL) {
		ev = tevent_context_init_byname(mine, w->backend);
	}
	if (ev != NULL) {
		w->to_worker = tevent_threaded_context_create(mine, ev);
	}
	w->failed = (w->to_worker == NULL);
	tevent_threaded_schedule_immediate(w->to_main, w->ready_im,
					   main_on_ready, w);

	if (w->failed) {
		talloc_free(mine);
		return NULL;
	}
	while (!w->stop) {
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "worker: tevent_loop_once failed\n");
			exit(1);
		}
	}
	/* The main thread may still be inside its last call of
	 * tevent_threaded_schedule_immediate() on our context: wait. */
	pthread_barrier_wait(&w->done_sending);
	talloc_free(mine);	/* its event context, in its own thread */
	return NULL;
}
/*! [worker thread] */
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

/*! [prepare] */
static int worker_destructor(struct worker *w)
{
	pthread_barrier_destroy(&w->done_sending);
	return 0;
}

static struct worker *worker_new(TALLOC_CTX *mem_ctx, const char *backend,
				 struct tevent_threaded_context *to_main)
{
	struct worker *w = talloc_zero(mem_ctx, struct worker);
	unsigned i;

	if (w == NULL) {
		return NULL;
	}
	if (pthread_barrier_init(&w->done_sending, NULL, 2) != 0) {
		TALLOC_FREE(w);
		return NULL;
	}
	talloc_set_destructor(w, worker_destructor);
	w->backend = backend;
	w->to_main = to_main;
	w->main_thread = pthread_self();
	w->ready_im = tevent_create_immediate(w);
	w->stop_im = tevent_create_immediate(w);
	if (w->ready_im == NULL || w->stop_im == NULL) {
		TALLOC_FREE(w);
		return NULL;
	}
	for (i = 0; i < NQUESTIONS; i++) {
		w->answer_im[i] = tevent_create_immediate(w);
		w->question_im[i] = tevent_create_immediate(w);
		if (w->answer_im[i] == NULL || w->question_im[i] == NULL) {
			TALLOC_FREE(w);
			return NULL;
		}
	}
	return w;
}
/*! [prepare] */

/* Turn the main thread's loop until *count reaches n. */
static void wait_until(struct tevent_context *ev, const unsigned *count,
		       unsigned n)
{
	while (*count < n) {
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "tevent_loop_once failed\n");
			exit(1);	/* the worker runs: no teardown */
		}
	}
}

static const char *all_or_not(unsigned part, unsigned whole)
{
	return part == whole ? "all" : "NOT all";
}

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	struct tevent_threaded_context *to_main;
	struct worker *w;
	pthread_t thread;
	static const unsigned numbers[NQUESTIONS] = { 6, 7 };
	unsigned i;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	/*! [main] */
	ev = tevent_context_init_byname(mem_ctx, backend);
	to_main = (ev == NULL) ? NULL :
		tevent_threaded_context_create(mem_ctx, ev);
	w = (to_main == NULL) ? NULL : worker_new(mem_ctx, backend,
						  to_main);
	if (w == NULL ||
	    pthread_create(&thread, NULL, worker_main, w) != 0) {
		goto nomem;
	}

	wait_until(ev, &w->ready, 1);
	if (w->failed) {
		pthread_join(thread, NULL);
		goto nomem;
	}
	printf("main: the worker is ready, with a context of its own\n");

	for (i = 0; i < NQUESTIONS; i++) {
		w->question[i] = numbers[i];
		tevent_threaded_schedule_immediate(w->to_worker,
						   w->question_im[i],
						   worker_on_question, w);
		printf("main: asked the worker to add %u\n", numbers[i]);
		wait_until(ev, &w->answers, i + 1);
		printf("main: the worker's total is %u\n", w->answer[i]);
	}

	tevent_threaded_schedule_immediate(w->to_worker, w->stop_im,
					   worker_on_stop, w);
	pthread_barrier_wait(&w->done_sending);	/* no more calls from us */
	pthread_join(thread, NULL);
	printf("main: told the worker to stop, and joined it\n");
	printf("main: %s of its %u handlers ran in the main thread\n",
	       all_or_not(w->in_main_thread, w->main_handlers),
	       w->main_handlers);
	printf("worker: %s of its %u handlers ran in the worker thread\n",
	       all_or_not(w->in_worker_thread, w->worker_handlers),
	       w->worker_handlers);
	/*! [main] */
	talloc_free(mem_ctx);
	return 0;

nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
