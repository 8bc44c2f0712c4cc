/*
 * Exercise: one log, three writers (exercises/pitfall_queue_active).
 * Write the request log_send()/log_recv() and the caller's callback
 * log_done() where the comments say; README.md says what they do, and
 * `make exercise NAME=pitfall_queue_active` checks the program.
 *
 * SPDX-License-Identifier: MIT-0
 */
/*
 * Build:
 * cc start.c $(pkg-config --cflags --libs tevent talloc)
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

#define NJOBS 3

/* The caller's count of jobs. */
struct caller {
	struct tevent_queue *log;
	unsigned done;		/* jobs whose callback has run */
	int error;		/* 0, or why a job failed */
	bool gave_up;		/* the caller stopped waiting */
};

/* The data of the callback of each job. */
struct sent {
	struct caller *c;
	const char *name;
};

/* ---- The request and its callback: your part -------------------------- */

/*
 * The request's state, its trigger and the handler of its timer: yours
 * to write. log_send() creates the request and adds it to the queue
 * with tevent_queue_add_entry(); the trigger writes "NAME: line 1 of N
 * (K waiting)", and the other lines follow, one each 10 ms.
 */
static struct tevent_req *log_send(TALLOC_CTX *mem_ctx,
				   struct tevent_context *ev,
				   struct tevent_queue *log,
				   const char *name, unsigned lines)
{
	(void)mem_ctx;
	(void)ev;
	(void)log;
	(void)name;
	(void)lines;
	return NULL;		/* to be written */
}

/* The caller's callback: print "caller: NAME wrote N lines". */
static void log_done(struct tevent_req *req)
{
	(void)req;		/* to be written */
}

/* ---- main(): you need not change what follows --------------------------- */

static void give_up(struct tevent_context *ev, struct tevent_timer *te,
		    struct timeval now, void *private_data)
{
	struct caller *c = talloc_get_type_abort(private_data, struct caller);

	(void)ev;
	(void)te;
	(void)now;
	c->gave_up = true;
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
	static const struct {
		const char *name;
		unsigned lines;
	} jobs[NJOBS] = { { "A", 3 }, { "B", 2 }, { "C", 2 } };
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct tevent_context *ev;
	struct tevent_timer *te;
	struct caller *c;
	unsigned i;

	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	c = talloc_zero(mem_ctx, struct caller);
	if (ev == NULL || c == NULL ||
	    (c->log = tevent_queue_create(c, "log")) == NULL) {
		goto fail;
	}
	printf("main: %u jobs for one log\n", NJOBS);
	for (i = 0; i < NJOBS; i++) {
		struct sent *s = talloc_zero(c, struct sent);
		struct tevent_req *req;

		if (s == NULL) {
			goto fail;
		}
		s->c = c;
		s->name = jobs[i].name;
		req = log_send(c, ev, c->log, jobs[i].name, jobs[i].lines);
		if (req == NULL) {
			goto fail;
		}
		tevent_req_set_callback(req, log_done, s);
	}
	/* No job takes long: give up after half a second. */
	te = tevent_add_timer(ev, c, tevent_timeval_current_ofs(0, 500000),
			      give_up, c);
	if (te == NULL) {
		goto fail;
	}
	while (c->done < NJOBS && c->error == 0 && !c->gave_up) {
		if (tevent_loop_once(ev) != 0) {
			goto fail;
		}
	}
	if (c->gave_up) {
		printf("main: gave up after 500 ms: %u of %u jobs done, "
		       "%zu in the queue\n", c->done, NJOBS,
		       tevent_queue_length(c->log));
		talloc_free(mem_ctx);
		return 1;
	}
	TALLOC_FREE(te);	/* it has not fired */
	if (c->error != 0) {
		fprintf(stderr, "a job failed: %s\n", strerror(c->error));
		talloc_free(mem_ctx);
		return 1;
	}
	printf("main: all %u jobs done\n", NJOBS);
	talloc_free(mem_ctx);
	return 0;

fail:
	fprintf(stderr, "out of memory, or the loop failed\n");
	talloc_free(mem_ctx);
	return 1;
}
