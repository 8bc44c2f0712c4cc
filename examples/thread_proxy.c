/*
 * thread_proxy.c - worker threads send messages to the main thread's
 * event loop through a tevent_thread_proxy.
 *
 * The main thread creates the proxy on its event context. Each of three
 * workers fills in a message and sends it with
 * tevent_thread_proxy_schedule(), which takes over the message and the
 * immediate event. The handler runs in the main thread and keeps the
 * message by moving it to its own talloc tree. Explained on the page
 * "Messages through a thread proxy".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc thread_proxy.c $(pkg-config --cflags --libs tevent talloc)
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

#define NWORKERS 3

/*! [message] */
struct inbox;

/* What a worker sends. */
struct message {
	struct inbox *inbox;	/* set by the main thread */
	unsigned worker;
	unsigned value;
	unsigned square;
	bool sent_from_main_thread;
};

/* What a worker gets from the main thread. */
struct worker {
	unsigned number;
	pthread_t main_thread;
	struct tevent_thread_proxy *proxy;
	/* Allocated by the main thread on the NULL context before the
	 * worker starts, then the worker's until it sends them. */
	struct message *msg;
	struct tevent_immediate *im;
};

/* The main thread's side. */
struct inbox {
	pthread_t main_thread;
	struct message *msgs[NWORKERS];	/* by worker number */
	unsigned received;
	unsigned in_main_thread;
};
/*! [message] */

static void on_message(struct tevent_context *ev,
		       struct tevent_immediate *im, void *private_data);

/*! [worker] */
static void *worker_main(void *arg)
{
	struct worker *w = arg;

	w->msg->worker = w->number;
	w->msg->value = w->number + 6;
	w->msg->square = w->msg->value * w->msg->value;
	w->msg->sent_from_main_thread =
		pthread_equal(pthread_self(), w->main_thread);

	/* Sets w->im and w->msg to NULL: the proxy owns them now. If it
	 * could not take them (out of memory), it leaves them alone. */
	tevent_thread_proxy_schedule(w->proxy, &w->im, on_message, &w->msg);
	return NULL;
}
/*! [worker] */

/*! [handler] */
/* Runs in the main thread. The proxy frees the message after this
 * handler unless the handler moves it elsewhere. */
static void on_message(struct tevent_context *ev,
		       struct tevent_immediate *im, void *private_data)
{
	struct message *msg =
		talloc_get_type_abort(private_data, struct message);
	struct inbox *inbox = msg->inbox;

	(void)ev;
	(void)im;
	inbox->msgs[msg->worker - 1] = talloc_steal(inbox, msg);
	inbox->received += 1;
	inbox->in_main_thread +=
		pthread_equal(pthread_self(), inbox->main_thread);
}
/*! [handler] */
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
/* A worker's message and immediate: on the NULL context, because the
 * proxy takes them over from the worker (see the lesson). */
static struct worker *worker_new(TALLOC_CTX *mem_ctx, unsigned number,
				 struct tevent_thread_proxy *proxy,
				 struct inbox *inbox)
{
	struct worker *w = talloc_zero(mem_ctx, struct worker);

	if (w == NULL) {
		return NULL;
	}
	w->number = number;
	w->main_thread = pthread_self();
	w->proxy = proxy;
	w->msg = talloc_zero(NULL, struct message);
	w->im = tevent_create_immediate(NULL);
	if (w->msg == NULL || w->im == NULL) {
		TALLOC_FREE(w->msg);
		TALLOC_FREE(w->im);
		TALLOC_FREE(w);
		return NULL;
	}
	w->msg->inbox = inbox;
	return w;
}

/* What the proxy did not take (a worker not started, or a send that
 * failed) is still the worker's. */
static int worker_destructor(struct worker *w)
{
	TALLOC_FREE(w->msg);
	TALLOC_FREE(w->im);
	return 0;
}
/*! [prepare] */

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	struct tevent_thread_proxy *proxy;
	struct inbox *inbox;
	struct worker *workers[NWORKERS];
	pthread_t threads[NWORKERS];
	unsigned i, started = 0, sent = 0;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	/*! [main] */
	ev = tevent_context_init_byname(mem_ctx, backend);
	inbox = talloc_zero(mem_ctx, struct inbox);
	if (ev == NULL || inbox == NULL) {
		goto nomem;
	}
	inbox->main_thread = pthread_self();
	proxy = tevent_thread_proxy_create(ev);	/* a child of ev */
	if (proxy == NULL) {
		goto nomem;
	}

	/* Everything the workers need, before the first one starts. */
	for (i = 0; i < NWORKERS; i++) {
		workers[i] = worker_new(mem_ctx, i + 1, proxy, inbox);
		if (workers[i] == NULL) {
			goto nomem;
		}
		talloc_set_destructor(workers[i], worker_destructor);
	}
	for (i = 0; i < NWORKERS; i++) {
		if (pthread_create(&threads[i], NULL, worker_main,
				   workers[i]) != 0) {
			break;
		}
		started += 1;
	}
	/* The workers send and end; their messages wait in the proxy. */
	for (i = 0; i < started; i++) {
		pthread_join(threads[i], NULL);
		sent += (workers[i]->im == NULL);
	}
	if (sent < NWORKERS) {
		goto nomem;
	}
	printf("main: %u workers sent a message and ended\n", sent);

	while (inbox->received < sent) {
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "tevent_loop_once failed\n");
			goto fail;
		}
	}
	printf("main: %u messages received, %u handled in the main thread\n",
	       inbox->received, inbox->in_main_thread);
	for (i = 0; i < NWORKERS; i++) {
		struct message *msg = inbox->msgs[i];

		printf("worker %u: %u squared is %u, sent from %s\n",
		       msg->worker, msg->value, msg->square,
		       msg->sent_from_main_thread ?
		       "the main thread" : "its own thread");
	}
	/*! [main] */
	talloc_free(mem_ctx);
	return 0;

nomem:
	fprintf(stderr, "out of memory\n");
fail:
	talloc_free(mem_ctx);
	return 1;
}
