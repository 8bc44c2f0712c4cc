/*
 * queue_turns.c - how many turns of the event loop each step of a
 * tevent_queue takes.
 *
 * Each step is done, and then the loop is turned one tevent_loop_once()
 * at a time until the step has had its effect: a trigger ran, or a wait
 * request finished. The program prints how many calls that took. Run it
 * with -b BACKEND to see any backend: the counts are the same on each.
 * Explained on the page "The queue at its edges" (queue_edges_lesson).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc queue_turns.c $(pkg-config --cflags --libs tevent talloc)
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

/*! [job] */
/* A job only notes that its trigger ran; the program frees it. */
struct job_state {
	bool *triggered;
	struct tevent_queue_entry *entry;
};

static void job_trigger(struct tevent_req *req, void *private_data)
{
	struct job_state *state = tevent_req_data(req, struct job_state);

	(void)private_data;
	*state->triggered = true;
}

static struct tevent_req *job_add(TALLOC_CTX *mem_ctx,
				  struct tevent_context *ev,
				  struct tevent_queue *queue, bool *triggered)
{
	struct tevent_req *req;
	struct job_state *state;

	req = tevent_req_create(mem_ctx, &state, struct job_state);
	if (req == NULL) {
		return NULL;
	}
	state->triggered = triggered;
	state->entry = tevent_queue_add_entry(queue, ev, req, job_trigger,
					      NULL);
	if (state->entry == NULL) {
		TALLOC_FREE(req);
	}
	return req;
}
/*! [job] */

/*! [count] */
/* Turn the loop until *done; the number of turns, or 0 if it took more
 * than ten (or the loop failed). */
static int turns_until(struct tevent_context *ev, const bool *done)
{
	int turns = 0;

	while (!*done) {
		if (turns == 10 || tevent_loop_once(ev) != 0) {
			return 0;
		}
		turns += 1;
	}
	return turns;
}

static void show(const char *step, int turns)
{
	if (turns == 0) {
		printf("%-48s not within 10 turns\n", step);
	} else {
		printf("%-48s %d turn%s\n", step, turns, turns == 1 ? "" : "s");
	}
}
/*! [count] */

/*! [wait done] */
struct wait_result {
	bool done;
	bool ok;
};

static void wait_done(struct tevent_req *req)
{
	struct wait_result *w = tevent_req_callback_data_void(req);

	w->ok = tevent_queue_wait_recv(req);
	w->done = true;
}
/*! [wait done] */

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

/*! [steps] */
static int run(TALLOC_CTX *mem_ctx, struct tevent_context *ev)
{
	struct tevent_queue *queue;
	struct tevent_req *a, *b, *c, *d, *e, *wait;
	struct job_state *bs;
	bool ta = false, tb = false, tc = false, td = false, te = false;
	struct wait_result w = { false, false };

	queue = tevent_queue_create(mem_ctx, "jobs");
	if (queue == NULL) {
		return -1;
	}

	a = job_add(mem_ctx, ev, queue, &ta);
	if (a == NULL) {
		return -1;
	}
	show("add to an empty queue -> its trigger", turns_until(ev, &ta));

	b = job_add(mem_ctx, ev, queue, &tb);
	if (b == NULL) {
		return -1;
	}
	TALLOC_FREE(a);
	show("free the active request -> next trigger", turns_until(ev, &tb));

	c = job_add(mem_ctx, ev, queue, &tc);
	if (c == NULL) {
		return -1;
	}
	bs = tevent_req_data(b, struct job_state);
	TALLOC_FREE(bs->entry);		/* B goes on, out of the queue */
	show("free only the active entry -> next trigger",
	     turns_until(ev, &tc));
	TALLOC_FREE(b);
	TALLOC_FREE(c);

	tevent_queue_stop(queue);
	d = job_add(mem_ctx, ev, queue, &td);
	if (d == NULL) {
		return -1;
	}
	tevent_queue_start(queue);
	show("start a stopped queue -> its trigger", turns_until(ev, &td));
	TALLOC_FREE(d);

	wait = tevent_queue_wait_send(mem_ctx, ev, queue);
	if (wait == NULL) {
		return -1;
	}
	tevent_req_set_callback(wait, wait_done, &w);
	show("tevent_queue_wait_send() -> it is done", turns_until(ev, &w.done));
	if (!w.ok) {
		return -1;
	}
	e = job_add(mem_ctx, ev, queue, &te);
	if (e == NULL) {
		return -1;
	}
	TALLOC_FREE(wait);
	show("free the wait request -> next trigger", turns_until(ev, &te));
	TALLOC_FREE(e);
	return 0;
}
/*! [steps] */

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	int ret;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	if (ev == NULL) {
		fprintf(stderr, "out of memory\n");
		talloc_free(mem_ctx);
		return 1;
	}
	ret = run(mem_ctx, ev);
	if (ret != 0) {
		fflush(stdout);
		fprintf(stderr, "out of memory\n");
	}
	talloc_free(mem_ctx);
	return ret == 0 ? 0 : 1;
}
