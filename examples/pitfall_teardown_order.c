/*
 * pitfall_teardown_order.c - freeing the event context too early.
 *
 * A queue remembers the event context of its requests. Free the context
 * first, then the active request while another one waits, and the queue
 * entry's destructor schedules the next trigger on the freed context:
 * it reads and writes freed memory. valgrind reports it; the program's
 * own output does not show it. Then the right order.
 * Explained on the page "Pitfalls" (queue_pitfalls).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc pitfall_teardown_order.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

struct step_state {
	uint8_t dummy;		/* C has no empty structs */
};

/* The trigger starts work that never ends here: the request stays. */
static void step_trigger(struct tevent_req *req, void *private_data)
{
	(void)req;
	(void)private_data;
}

static struct tevent_req *step_send(TALLOC_CTX *mem_ctx,
				    struct tevent_context *ev,
				    struct tevent_queue *queue)
{
	struct tevent_req *req;
	struct step_state *state;

	req = tevent_req_create(mem_ctx, &state, struct step_state);
	if (req == NULL) {
		return NULL;
	}
	if (!tevent_queue_add(queue, ev, req, step_trigger, NULL)) {
		tevent_req_oom(req);
		return tevent_req_post(req, ev);
	}
	return req;
}

/*! [teardown] */
/* A context, a queue, an active request A and a waiting request B;
 * then everything is freed, the context first or last. */
static bool run(const char *backend, bool context_first)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct tevent_context *ev;
	struct tevent_queue *queue;
	struct tevent_req *a, *b;

	if (mem_ctx == NULL) {
		return false;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	queue = tevent_queue_create(mem_ctx, "steps");
	a = step_send(mem_ctx, ev, queue);
	b = step_send(mem_ctx, ev, queue);
	if (ev == NULL || queue == NULL || a == NULL || b == NULL ||
	    tevent_loop_once(ev) != 0) {	/* A starts */
		talloc_free(mem_ctx);
		return false;
	}
	if (context_first) {
		TALLOC_FREE(ev);	/* wrong: A and B still use it */
		TALLOC_FREE(a);		/* schedules B on the freed ev */
		TALLOC_FREE(b);
		TALLOC_FREE(queue);
	} else {
		TALLOC_FREE(a);
		TALLOC_FREE(b);
		TALLOC_FREE(queue);
		TALLOC_FREE(ev);	/* right: the context goes last */
	}
	talloc_free(mem_ctx);
	return true;
}
/*! [teardown] */

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
	bool ok;

	/*! [main] */
	ok = run(backend, true);
	printf("context freed first: %s\n", ok ? "done" : "failed");
	ok = ok && run(backend, false);
	printf("context freed last: %s\n", ok ? "done" : "failed");
	/*! [main] */
	if (!ok) {
		fprintf(stderr, "pitfall_teardown_order: out of memory\n");
		return 1;
	}
	return 0;
}
