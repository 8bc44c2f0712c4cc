/*
 * queue_untrigger.c - a trigger that finds it must wait.
 *
 * A job needs a credit to run. When its trigger finds none, it stops the
 * queue and untriggers its own entry: the job stays at the head, and when
 * credits come, tevent_queue_start() calls the same trigger again. Then,
 * in child processes, the two misuses that make tevent abort.
 * Explained on the page "A trigger that must wait" (queue_untrigger_lesson).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc queue_untrigger.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [state] */
struct pool {
	unsigned credits;
};

struct job_state {
	struct tevent_queue *queue;
	struct tevent_queue_entry *qe;	/* untrigger needs the entry */
	struct pool *pool;
	const char *name;
};
/*! [state] */

/*! [trigger] */
static void job_trigger(struct tevent_req *req, void *private_data)
{
	struct job_state *state = tevent_req_data(req, struct job_state);

	(void)private_data;

	if (state->pool->credits == 0) {
		printf("  trigger %s: no credit; stop the queue, untrigger\n",
		       state->name);
		/* Stop first: untrigger insists on a stopped queue. */
		tevent_queue_stop(state->queue);
		tevent_queue_entry_untrigger(state->qe);
		return;
	}
	state->pool->credits -= 1;
	printf("  trigger %s: took a credit, runs\n", state->name);
	tevent_req_done(req);
}
/*! [trigger] */

/*! [send] */
static struct tevent_req *job_send(TALLOC_CTX *mem_ctx,
				   struct tevent_context *ev,
				   struct tevent_queue *queue,
				   struct pool *pool, const char *name)
{
	struct tevent_req *req;
	struct job_state *state;

	req = tevent_req_create(mem_ctx, &state, struct job_state);
	if (req == NULL) {
		return NULL;
	}
	state->queue = queue;
	state->pool = pool;
	state->name = talloc_strdup(state, name);
	if (tevent_req_nomem(state->name, req)) {
		return tevent_req_post(req, ev);
	}
	state->qe = tevent_queue_add_entry(queue, ev, req, job_trigger, NULL);
	if (tevent_req_nomem(state->qe, req)) {
		return tevent_req_post(req, ev);
	}
	return req;
}
/*! [send] */

/* true if the job succeeded */
static bool job_recv(struct tevent_req *req)
{
	enum tevent_req_state state;
	uint64_t err;
	bool ok = !tevent_req_is_error(req, &state, &err);

	tevent_req_received(req);
	return ok;
}

/* The caller's side: jobs not yet reported back, and any failure. */
struct caller {
	size_t pending;
	bool failed;
};

static void job_done(struct tevent_req *req)
{
	struct caller *c = tevent_req_callback_data_void(req);

	if (!job_recv(req)) {
		printf("  caller: a job failed\n");
		c->failed = true;
	}
	TALLOC_FREE(req);
	c->pending -= 1;
}

static void timer_fired(struct tevent_context *ev, struct tevent_timer *te,
			struct timeval now, void *private_data)
{
	bool *fired = private_data;

	(void)ev;
	(void)te;
	(void)now;
	*fired = true;
}

/* Turn the event loop for ms milliseconds. */
static bool wait_ms(struct tevent_context *ev, unsigned ms)
{
	bool fired = false;

	if (tevent_add_timer(ev, ev, tevent_timeval_current_ofs(0, ms * 1000),
			     timer_fired, &fired) == NULL) {
		return false;
	}
	while (!fired) {
		if (tevent_loop_once(ev) != 0) {
			return false;
		}
	}
	return true;
}

/*! [grant] */
/* Credits came: let the queue call the waiting trigger again. */
static void grant(struct tevent_queue *queue, struct pool *pool)
{
	pool->credits += 1;
	printf("main: one credit granted, queue started\n");
	tevent_queue_start(queue);
}
/*! [grant] */

/*! [misuse] */
/* The two misuses, each run in a child process: tevent aborts on both. */
static void untrigger_while_running(struct tevent_queue *queue,
				    struct tevent_queue_entry *head,
				    struct tevent_queue_entry *second)
{
	(void)queue;
	(void)second;
	tevent_queue_entry_untrigger(head);	/* the queue still runs */
}

static void untrigger_not_the_head(struct tevent_queue *queue,
				   struct tevent_queue_entry *head,
				   struct tevent_queue_entry *second)
{
	(void)head;
	tevent_queue_stop(queue);
	tevent_queue_entry_untrigger(second);	/* not the head */
}

static bool run_misuse(const char *backend, const char *what,
		       void (*misuse)(struct tevent_queue *queue,
				      struct tevent_queue_entry *head,
				      struct tevent_queue_entry *second))
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid == -1) {
		return false;
	}
	if (pid == 0) {
		/* A fresh queue: X triggered at the head, Y waiting. */
		struct pool pool = { .credits = 2 };
		struct tevent_context *ev =
			tevent_context_init_byname(NULL, backend);
		struct tevent_queue *queue;
		struct tevent_req *x, *y;
		struct job_state *xs, *ys;
		int devnull = open("/dev/null", O_WRONLY);

		/* Quiet: the child's trigger output is not the point. */
		if (ev == NULL || devnull == -1 || dup2(devnull, 1) == -1 ||
		    dup2(devnull, 2) == -1) {
			_exit(3);
		}
		queue = tevent_queue_create(ev, "misuse");
		if (queue == NULL ||
		    (x = job_send(ev, ev, queue, &pool, "X")) == NULL ||
		    (y = job_send(ev, ev, queue, &pool, "Y")) == NULL ||
		    tevent_loop_once(ev) != 0) {
			_exit(3);
		}
		xs = tevent_req_data(x, struct job_state);
		ys = tevent_req_data(y, struct job_state);
		misuse(queue, xs->qe, ys->qe);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid) {
		return false;
	}
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT) {
		printf("misuse, %s: the process is aborted (SIGABRT)\n", what);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("misuse, %s: the process goes on\n", what);
	} else {
		return false;	/* the child could not set up */
	}
	return true;
}
/*! [misuse] */

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
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	struct tevent_queue *queue;
	struct pool pool = { .credits = 0 };
	struct caller c = { .pending = 0, .failed = false };
	const char *names[] = { "A", "B" };
	size_t i;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	queue = tevent_queue_create(mem_ctx, "jobs");
	if (ev == NULL || queue == NULL) {
		goto nomem;
	}

	/*! [main] */
	for (i = 0; i < 2; i++) {
		struct tevent_req *req = job_send(mem_ctx, ev, queue, &pool,
						  names[i]);
		if (req == NULL) {
			goto nomem;
		}
		tevent_req_set_callback(req, job_done, &c);
		c.pending += 1;
	}
	printf("main: added A and B, no credits\n");
	while (c.pending > 0) {
		if (!wait_ms(ev, 20)) {
			goto failed;
		}
		printf("main: 20 ms later, running: %s, length %zu\n",
		       tevent_queue_running(queue) ? "yes" : "no",
		       tevent_queue_length(queue));
		grant(queue, &pool);
		if (tevent_loop_once(ev) != 0) {
			goto failed;
		}
	}
	printf("main: all done, length %zu\n", tevent_queue_length(queue));
	/*! [main] */

	talloc_free(mem_ctx);
	if (c.failed) {
		fprintf(stderr, "queue_untrigger: a job failed\n");
		return 1;
	}

	/*! [main misuse] */
	if (!run_misuse(backend, "untrigger while the queue runs",
			untrigger_while_running) ||
	    !run_misuse(backend, "untrigger an entry that is not the head",
			untrigger_not_the_head)) {
		fprintf(stderr, "queue_untrigger: a misuse run failed\n");
		return 1;
	}
	/*! [main misuse] */
	return 0;

failed:
	fprintf(stderr, "queue_untrigger: the event loop failed\n");
	talloc_free(mem_ctx);
	return 1;
nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
