/*
 * loop_backends.c - the backends of tevent, side by side.
 *
 * Lists the backends, runs the same small job (an immediate event and
 * a pipe) on a context of each and counts the turns of the loop it
 * takes, changes the default backend, and gives each backend a regular
 * file to watch (in a child, since one of them aborts). Explained on
 * the page "Backends".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc loop_backends.c $(pkg-config --cflags --libs tevent talloc)
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

/*! [job] */
/* The job: a pipe with one byte in it, an fd event that reads one byte
 * a turn, and an immediate event that writes a second byte. */
struct job {
	int fds[2];
	unsigned reads;
	unsigned handlers_run;
	bool print;		/* say what runs */
	bool failed;
};

static void job_immediate(struct tevent_context *ev,
			  struct tevent_immediate *im, void *private_data)
{
	struct job *j = private_data;

	(void)ev;
	(void)im;
	j->handlers_run += 1;
	if (write(j->fds[1], "2", 1) != 1) {
		j->failed = true;
	}
	if (j->print) {
		printf("  the immediate wrote a second byte\n");
	}
}

static void job_readable(struct tevent_context *ev, struct tevent_fd *fde,
			 uint16_t flags, void *private_data)
{
	struct job *j = private_data;
	char c;

	(void)ev;
	(void)flags;
	j->handlers_run += 1;
	if (read(j->fds[0], &c, 1) != 1) {
		j->failed = true;
		return;
	}
	j->reads += 1;
	if (j->print) {
		printf("  the fd event read byte %c\n", c);
	}
	if (j->reads == 2) {
		talloc_free(fde);
	}
}

/*
 * Run the job on ev: turn the loop until both bytes are read. Returns
 * the number of turns (0 on failure); *idle counts the turns that ran
 * none of the job's handlers.
 */
static unsigned run_job(struct tevent_context *ev, bool print,
			unsigned *idle)
{
	struct job j = { .print = print };
	struct tevent_immediate *im = tevent_create_immediate(ev);
	struct tevent_fd *fde = NULL;
	unsigned turns = 0, before;

	*idle = 0;
	if (im == NULL || pipe(j.fds) != 0) {
		TALLOC_FREE(im);
		return 0;
	}
	if (write(j.fds[1], "1", 1) == 1) {
		fde = tevent_add_fd(ev, im, j.fds[0], TEVENT_FD_READ,
				    job_readable, &j);
	}
	if (fde != NULL) {
		tevent_schedule_immediate(im, ev, job_immediate, &j);
	}
	while (fde != NULL && j.reads < 2 && !j.failed && turns < 10) {
		before = j.handlers_run;
		if (tevent_loop_once(ev) != 0) {
			break;
		}
		turns += 1;
		*idle += j.handlers_run == before ? 1 : 0;
	}
	if (j.reads < 2) {
		turns = 0;
	}
	talloc_free(im);	/* and the fd event with it, if it is left */
	close(j.fds[0]);
	close(j.fds[1]);
	return turns;
}
/*! [job] */

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

/*! [each] */
/* What the job took on one backend. */
struct result {
	const char *name;
	unsigned turns, idle;
};

/* The job on a context of each backend that tevent_backend_list()
 * names; the results go into results[]. */
static bool job_on_each(TALLOC_CTX *mem_ctx, const char **names,
			struct result *results)
{
	size_t i;

	printf("the job on each backend:\n");
	for (i = 0; names[i] != NULL; i++) {
		struct tevent_context *ev;
		struct result *r = &results[i];

		ev = tevent_context_init_byname(mem_ctx, names[i]);
		if (ev == NULL) {
			return false;
		}
		r->name = names[i];
		r->turns = run_job(ev, false, &r->idle);
		talloc_free(ev);
		if (r->turns == 0) {
			return false;
		}
		printf("  %-8s %u turns, %u of them ran none of its "
		       "handlers\n", r->name, r->turns, r->idle);
	}
	return true;
}
/*! [each] */

/*! [default] */
/* Make name the default backend, and check that tevent_context_init()
 * then gives a context that does the job as that backend did. */
static bool job_on_default(TALLOC_CTX *mem_ctx, const char *name,
			   const struct result *results)
{
	struct tevent_context *ev;
	unsigned turns, idle;
	size_t i;

	tevent_set_default_backend(name);
	ev = tevent_context_init(mem_ctx);
	tevent_set_default_backend(NULL);	/* back to "standard" */
	if (ev == NULL) {
		return false;
	}
	turns = run_job(ev, false, &idle);
	talloc_free(ev);
	for (i = 0; results[i].name != NULL; i++) {
		if (strcmp(results[i].name, name) == 0) {
			break;
		}
	}
	/* (tevent copies the name; if that fails, it says nothing) */
	if (turns == 0 || results[i].name == NULL ||
	    turns != results[i].turns || idle != results[i].idle) {
		return false;
	}
	printf("default backend %s: tevent_context_init() gives a context "
	       "whose job\n  takes %u turns, %u of them idle, as on %s\n",
	       name, turns, idle, name);
	return true;
}
/*! [default] */

/*! [file] */
static unsigned file_calls;

static void file_readable(struct tevent_context *ev, struct tevent_fd *fde,
			  uint16_t flags, void *private_data)
{
	(void)ev;
	(void)fde;
	(void)flags;
	(void)private_data;
	file_calls += 1;
}

/* In a child: watch a regular file (this program's own) for reading.
 * Returns 0 once the handler has run. */
static int watch_a_file(void *arg)
{
	const char *name = arg;
	struct tevent_context *ev = tevent_context_init_byname(NULL, name);
	int fd = open("/proc/self/exe", O_RDONLY);
	unsigned turns = 0;

	if (ev == NULL || fd == -1 ||
	    tevent_add_fd(ev, ev, fd, TEVENT_FD_READ, file_readable,
			  NULL) == NULL) {
		fprintf(stderr, "loop_backends: cannot watch a file\n");
		return -1;
	}
	while (file_calls == 0 && turns++ < 10) {
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "loop_backends: a turn failed\n");
			return -1;
		}
	}
	talloc_free(ev);
	close(fd);
	if (file_calls == 0) {
		fprintf(stderr, "loop_backends: the handler did not run\n");
		return -1;
	}
	return 0;
}
/*! [file] */

/*! [child] */
/*
 * Run fn(arg) in a child process and wait for it. Returns 0 if fn
 * returned 0 in the child, -1 if not (the child has said why on
 * stderr), and puts the signal that killed the child, if one did, in
 * *sig. The child reports through a pipe, not through its exit status:
 * valgrind run with --leak-check=full --error-exitcode=N (as the tests
 * run it) makes a process that ends with memory it reports as leaked
 * exit with N, and a child here ends with what its parent had.
 */
static int in_child(int (*fn)(void *arg), void *arg, int *sig)
{
	int fds[2], status;
	char ok = 'n';
	pid_t pid;

	*sig = 0;
	fflush(stdout);
	if (pipe(fds) != 0 || (pid = fork()) == -1) {
		fprintf(stderr, "loop_backends: cannot start a child\n");
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		if (fn(arg) == 0 && write(fds[1], "y", 1) != 1) {
			fprintf(stderr, "loop_backends: cannot report\n");
		}
		fflush(stdout);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &ok, 1) != 1) {
		ok = 'n';
	}
	close(fds[0]);
	if (waitpid(pid, &status, 0) != pid) {
		fprintf(stderr, "loop_backends: lost the child\n");
		return -1;
	}
	if (WIFSIGNALED(status)) {
		*sig = WTERMSIG(status);
	}
	return ok == 'y' ? 0 : -1;
}
/*! [child] */

/*! [each file] */
/* Returns false if a child failed: it has said why on stderr. */
static bool file_on_each(const char **names)
{
	size_t i;
	int sig;

	printf("a regular file given to tevent_add_fd(), in a child:\n");
	for (i = 0; names[i] != NULL; i++) {
		if (in_child(watch_a_file, (void *)names[i], &sig) == 0) {
			printf("  %-8s the handler ran: the file is "
			       "readable\n", names[i]);
		} else if (sig == SIGABRT) {
			printf("  %-8s the child was killed by SIGABRT\n",
			       names[i]);
		} else {
			if (sig != 0) {
				fprintf(stderr, "loop_backends: killed by "
					"signal %d\n", sig);
			}
			return false;
		}
	}
	return true;
}
/*! [each file] */

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	const char **names;
	struct result results[5] = { { NULL, 0, 0 } };
	unsigned idle;
	size_t i;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	/*! [list] */
	ev = tevent_context_init_byname(mem_ctx, backend);
	names = tevent_backend_list(mem_ctx);
	if (ev == NULL || names == NULL) {
		goto fail;
	}
	printf("tevent_backend_list():");
	for (i = 0; names[i] != NULL; i++) {
		printf(" %s", names[i]);
	}
	printf("\n");
	/*! [list] */
	/* On Linux there are four. Fewer means that registering one failed
	 * for want of memory, which tevent does not report. */
	if (i != 4) {
		goto fail;
	}

	/*! [run] */
	printf("the job on the context of the command line:\n");
	if (run_job(ev, true, &idle) == 0 ||
	    !job_on_each(mem_ctx, names, results) ||
	    !job_on_default(mem_ctx, "poll_mt", results)) {
		goto fail;
	}
	if (!file_on_each(names)) {
		talloc_free(mem_ctx);
		return 1;	/* a child has said why */
	}
	/*! [run] */
	talloc_free(mem_ctx);
	return 0;

fail:
	fprintf(stderr, "loop_backends: out of memory, or a turn failed\n");
	talloc_free(mem_ctx);
	return 1;
}
