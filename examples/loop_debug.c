/*
 * loop_debug.c - tevent's debug messages and the loop's trace points.
 *
 * A debug function set with tevent_set_debug() (the level raised with
 * tevent_set_max_debug_level() where the library has it, looked up at
 * run time) and a trace callback set with tevent_set_trace_callback()
 * print what happens while an immediate, a timer and an fd event run.
 * Explained on the page "Debug messages and trace points".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc loop_debug.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#define _GNU_SOURCE		/* RTLD_DEFAULT */
#include <ctype.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [debug] */
static const char *level_name(enum tevent_debug_level level)
{
	switch (level) {
	case TEVENT_DEBUG_FATAL:
		return "FATAL";
	case TEVENT_DEBUG_ERROR:
		return "ERROR";
	case TEVENT_DEBUG_WARNING:
		return "WARNING";
	case TEVENT_DEBUG_TRACE:
		return "TRACE";
	}
	return "?";
}

/* Remove the pointer values (" 0x55d0..."), which change from run to
 * run, and a ':' before one. */
static void drop_pointers(char *s)
{
	char *p, *end;

	while ((p = strstr(s, " 0x")) != NULL) {
		end = p + 3;
		while (isxdigit((unsigned char)*end)) {
			end++;
		}
		if (p > s && p[-1] == ':') {
			p--;
		}
		memmove(p, end, strlen(end) + 1);
	}
}

/* The debug function: tevent calls it with a printf format. */
static void print_debug(void *context, enum tevent_debug_level level,
			const char *fmt, va_list ap)
{
	char msg[256];

	(void)context;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	drop_pointers(msg);
	printf("  debug %s: %s\n", level_name(level), msg);
}
/*! [debug] */

/*! [max level] */
/* tevent_set_max_debug_level() came in tevent 0.15; before, a debug
 * function got every level. Found at run time, so that this program
 * builds and runs on either. */
typedef enum tevent_debug_level (*max_level_fn)(
	struct tevent_context *ev, enum tevent_debug_level level);

static void want_every_level(struct tevent_context *ev)
{
	void *sym = dlsym(RTLD_DEFAULT, "tevent_set_max_debug_level");
	max_level_fn set_max_level;

	if (sym == NULL) {
		return;		/* 0.14: every level already */
	}
	memcpy(&set_max_level, &sym, sizeof(set_max_level));
	set_max_level(ev, TEVENT_DEBUG_TRACE);
}
/*! [max level] */

/*! [trace] */
/* The callback that was set before ours, to be called after ours. */
struct trace_chain {
	tevent_trace_callback_t fn;
	void *data;
};

static void print_trace(enum tevent_trace_point point, void *private_data)
{
	struct trace_chain *next = private_data;

	switch (point) {
	case TEVENT_TRACE_BEFORE_LOOP_ONCE:
		printf("  trace: before the turn\n");
		break;
	case TEVENT_TRACE_BEFORE_WAIT:
		printf("  trace: before the wait\n");
		break;
	case TEVENT_TRACE_AFTER_WAIT:
		printf("  trace: after the wait\n");
		break;
	case TEVENT_TRACE_AFTER_LOOP_ONCE:
		printf("  trace: after the turn\n");
		break;
	default:
		printf("  trace: a point this program does not know\n");
		break;
	}
	if (next->fn != NULL) {
		next->fn(point, next->data);
	}
}

/* Another part of the program had set this one first. */
static void count_turns(enum tevent_trace_point point, void *private_data)
{
	unsigned *turns = private_data;

	if (point == TEVENT_TRACE_BEFORE_LOOP_ONCE) {
		*turns += 1;
	}
}
/*! [trace] */

/*! [handlers] */
static void hello(struct tevent_context *ev, struct tevent_immediate *im,
		  void *private_data)
{
	(void)ev;
	(void)im;
	(void)private_data;
	printf("  handler: the immediate\n");
}

static void tick(struct tevent_context *ev, struct tevent_timer *te,
		 struct timeval now, void *private_data)
{
	(void)ev;
	(void)te;
	(void)now;
	(void)private_data;
	printf("  handler: the timer\n");
}

static void readable(struct tevent_context *ev, struct tevent_fd *fde,
		     uint16_t flags, void *private_data)
{
	int *fds = private_data;
	char c;

	(void)ev;
	(void)flags;
	if (read(fds[0], &c, 1) == 1) {
		printf("  handler: the fd event read a byte\n");
	}
	talloc_free(fde);
}
/*! [handlers] */

/*! [stderr] */
/*
 * tevent_set_debug_stderr() sends the warnings (never the trace
 * messages) to standard error. To show them here, standard error goes
 * into a pipe while tevent_loop_wait() warns that it is out of events,
 * and the program prints what came through.
 */
static bool show_stderr_warning(struct tevent_context *ev)
{
	int p[2], saved;
	char buf[256];
	ssize_t n;
	bool ok;

	if (tevent_set_debug_stderr(ev) != 0 || pipe(p) != 0) {
		return false;
	}
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	ok = saved != -1 && dup2(p[1], STDERR_FILENO) != -1;
	ok = ok && tevent_loop_wait(ev) == 0;	/* nothing to wait for */
	fflush(stderr);
	if (saved != -1) {
		ok = dup2(saved, STDERR_FILENO) != -1 && ok;
		close(saved);
	}
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	tevent_set_debug(ev, NULL, NULL);
	if (!ok || n <= 0) {
		return false;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	printf("  on stderr: %s\n", buf);
	return true;
}
/*! [stderr] */

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
	struct tevent_immediate *im;
	struct trace_chain chain;
	unsigned turns = 0;
	int fds[2] = { -1, -1 };

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	im = tevent_create_immediate(mem_ctx);
	if (ev == NULL || im == NULL) {
		goto fail;
	}

	/*! [set] */
	if (tevent_set_debug(ev, print_debug, NULL) != 0) {
		goto fail;
	}
	want_every_level(ev);
	tevent_set_trace_callback(ev, count_turns, &turns);
	/* ... and later ours, which calls the one set before it */
	tevent_get_trace_callback(ev, &chain.fn, &chain.data);
	tevent_set_trace_callback(ev, print_trace, &chain);
	/*! [set] */

	/*! [run] */
	printf("set up an immediate, a timer that is due and a readable "
	       "pipe:\n");
	tevent_schedule_immediate(im, ev, hello, NULL);
	if (tevent_add_timer(ev, mem_ctx, tevent_timeval_current(), tick,
			     NULL) == NULL ||
	    pipe(fds) != 0 || write(fds[1], "x", 1) != 1 ||
	    tevent_add_fd(ev, mem_ctx, fds[0], TEVENT_FD_READ, readable,
			  fds) == NULL) {
		goto fail;
	}
	printf("tevent_loop_wait():\n");
	if (tevent_loop_wait(ev) != 0) {
		goto fail;
	}
	printf("the callback set first, called through ours, counted %u "
	       "turns\n", turns);
	/*! [run] */

	/*! [off] */
	printf("both callbacks reset to NULL, the immediate again:\n");
	tevent_set_debug(ev, NULL, NULL);
	tevent_set_trace_callback(ev, NULL, NULL);
	tevent_schedule_immediate(im, ev, hello, NULL);
	if (tevent_loop_wait(ev) != 0) {
		goto fail;
	}
	printf("tevent_set_debug_stderr(), and the loop with nothing to do:\n");
	if (!show_stderr_warning(ev)) {
		goto fail;
	}
	/*! [off] */
	close(fds[0]);
	close(fds[1]);
	talloc_free(mem_ctx);
	return 0;

fail:
	fprintf(stderr, "loop_debug: out of memory, or the loop failed\n");
	if (fds[0] != -1) {
		close(fds[0]);
		close(fds[1]);
	}
	talloc_free(mem_ctx);
	return 1;
}
