/*
 * Claims of the reference pages that Doxygen makes from the installed
 * tevent.h: the loop and the context, timers, immediates, fd events,
 * requests and queues. Each test checks one behavioural sentence of the
 * header's comments (or a few close ones). Where the header is wrong, the
 * test checks what really happens, and the page shows a correction
 * (doc/tevent-h-corrections.sed). Every test passes on each backend
 * (TEVENT_TEST_BACKEND) and on libtevent 0.14.1, 0.16.2 and 0.17.2; the
 * few places where those versions differ ask tevent_version().
 *
 * Run one: build/tests/test_header TEST_NAME
 *
 * SPDX-License-Identifier: MIT-0
 */
#define _GNU_SOURCE	/* RTLD_DEFAULT */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

/* ---- Helpers --------------------------------------------------------- */

struct closed;

/* What a handler logs: "T:name" for a timer, "I:name" for an immediate,
 * "F:name" for an fd event, "S:name" for a signal. */
struct mark {
	struct fixture *f;
	const char *name;
	unsigned calls;
	uint16_t flags;		/* of the last fd handler call */
	unsigned again;		/* a timer adds itself again this often */
	int drain;		/* the fd handler reads a byte from it */
	bool free_itself;	/* the timer frees itself in its handler */
	struct tevent_immediate *im;	/* scheduled by the timer handler */
	struct closed *closed;	/* what note_close saw */
};

static struct mark *mark_new(struct fixture *f, const char *name)
{
	struct mark *m = talloc_zero(f, struct mark);

	assert_non_null(m);
	m->f = f;
	m->name = name;
	return m;
}

static void on_immediate(struct tevent_context *ev,
			 struct tevent_immediate *im, void *private_data)
{
	struct mark *m = private_data;

	(void)im;
	assert_ptr_equal(ev, m->f->ev);
	m->calls += 1;
	log_event(m->f, "I", m->name);
}

static void on_timer(struct tevent_context *ev, struct tevent_timer *te,
		     struct timeval now, void *private_data)
{
	struct mark *m = private_data;

	(void)now;
	assert_ptr_equal(ev, m->f->ev);
	m->calls += 1;
	log_event(m->f, "T", m->name);
	if (m->im != NULL) {
		tevent_schedule_immediate(m->im, ev, on_immediate, m);
	}
	if (m->again > 0) {
		m->again -= 1;
		assert_non_null(tevent_add_timer(ev, m->f,
						 tevent_timeval_zero(),
						 on_timer, m));
	}
	if (m->free_itself) {
		talloc_free(te);
	}
}

static void on_fd(struct tevent_context *ev, struct tevent_fd *fde,
		  uint16_t flags, void *private_data)
{
	struct mark *m = private_data;
	char c;

	(void)fde;
	assert_ptr_equal(ev, m->f->ev);
	m->calls += 1;
	m->flags = flags;
	log_event(m->f, "F", m->name);
	if (m->drain > 0) {
		assert_int_equal(read(m->drain, &c, 1), 1);
	}
}

static void on_signal(struct tevent_context *ev, struct tevent_signal *se,
		      int signum, int count, void *siginfo,
		      void *private_data)
{
	struct mark *m = private_data;

	(void)se;
	(void)signum;
	(void)count;
	(void)siginfo;
	assert_ptr_equal(ev, m->f->ev);
	m->calls += 1;
	log_event(m->f, "S", m->name);
}

static struct tevent_immediate *immediate_add(struct fixture *f,
					      struct mark *m)
{
	struct tevent_immediate *im = tevent_create_immediate(f);

	assert_non_null(im);
	tevent_schedule_immediate(im, f->ev, on_immediate, m);
	return im;
}

static struct tevent_timer *timer_add(struct fixture *f, struct timeval at,
				      struct mark *m)
{
	struct tevent_timer *te = tevent_add_timer(f->ev, f, at, on_timer, m);

	assert_non_null(te);
	return te;
}

/* The backend the fixture's context runs on (NULL: the default). */
static const char *test_backend(void)
{
	const char *name = getenv("TEVENT_TEST_BACKEND");

	return name != NULL && name[0] != '\0' ? name : NULL;
}

/* A time ms milliseconds from now. */
static struct timeval in_ms(unsigned ms)
{
	return tevent_timeval_current_ofs(0, ms * 1000);
}

/* Turn the loop until m's handler has run (at most 100 turns: poll_mt
 * may spend a turn on its own wakeup descriptor). */
static void loop_until_called(struct fixture *f, struct mark *m)
{
	unsigned turns = 0;

	while (m->calls == 0) {
		assert_true(turns++ < 100);
		loop_once(f);
	}
}

static void make_pipe(int fds[2])
{
	assert_int_equal(pipe(fds), 0);
}

static void close_pipe(int fds[2])
{
	close(fds[0]);
	close(fds[1]);
}

/* Run fn(arg) with stderr sent to a temporary file; return what was
 * written. fn must not fail an assertion. */
static char *capture_stderr(TALLOC_CTX *mem_ctx, void (*fn)(void *arg),
			    void *arg)
{
	FILE *tmp = tmpfile();
	int saved;
	off_t size;
	char *text;

	assert_non_null(tmp);
	fflush(stderr);
	saved = dup(2);
	assert_true(saved != -1);
	assert_true(dup2(fileno(tmp), 2) != -1);
	fn(arg);
	fflush(stderr);
	assert_true(dup2(saved, 2) != -1);
	close(saved);
	size = lseek(fileno(tmp), 0, SEEK_END);
	assert_true(size >= 0);
	text = talloc_zero_size(mem_ctx, (size_t)size + 1);
	assert_non_null(text);
	assert_int_equal(pread(fileno(tmp), text, (size_t)size, 0), size);
	fclose(tmp);
	return text;
}

/* The write end of the pipe a child reports through (child_text). */
static int report_fd = -1;

static void report(const char *text)
{
	size_t len = strlen(text);

	if (write(report_fd, text, len) != (ssize_t)len) {
		_exit(4);
	}
}

/* Run fn(f) in a child (run_in_child); return what it reported with
 * report(), and its wait status in *status. A child's exit status is
 * no result: under valgrind, the memory it leaves can change it. */
static char *child_text(struct fixture *f, void (*fn)(void *arg),
			int *status)
{
	char *text = talloc_strdup(f, "");
	char buf[256];
	ssize_t n;
	int fds[2];

	assert_non_null(text);
	make_pipe(fds);
	report_fd = fds[1];
	*status = run_in_child(fn, f);
	report_fd = -1;
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof(buf))) > 0) {
		text = talloc_strndup_append(text, buf, (size_t)n);
		assert_non_null(text);
	}
	close(fds[0]);
	return text;
}

/* tevent_set_max_debug_level() exists from 0.15 on; looked up at run
 * time so that this file builds against 0.14 too. */
typedef enum tevent_debug_level (*max_level_fn)(
	struct tevent_context *ev, enum tevent_debug_level level);

static max_level_fn find_max_debug_level(void)
{
	max_level_fn fn;
	void *sym = dlsym(RTLD_DEFAULT, "tevent_set_max_debug_level");

	memcpy(&fn, &sym, sizeof(fn));
	return fn;
}

/* ---- Context and backends ------------------------------------------- */

static void count_run(struct tevent_context *ev, struct tevent_immediate *im,
		      void *private_data)
{
	unsigned *runs = private_data;

	(void)ev;
	(void)im;
	*runs += 1;
}

static void test_init_uses_the_default_backend_that_was_set(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_context *std_ev, *poll_ev, *ev;
	char *std_names, *poll_names;

	/* A backend shows in the talloc names of its context's data. */
	std_ev = tevent_context_init_byname(f, "standard");
	poll_ev = tevent_context_init_byname(f, "poll");
	assert_non_null(std_ev);
	assert_non_null(poll_ev);
	std_names = child_names(f, std_ev);
	poll_names = child_names(f, poll_ev);
	assert_string_not_equal(std_names, poll_names);

	ev = tevent_context_init(f);
	assert_non_null(ev);
	assert_string_equal(child_names(f, ev), std_names);
	tevent_set_default_backend("poll");
	ev = tevent_context_init(f);
	tevent_set_default_backend(NULL);	/* back to "standard" */
	assert_non_null(ev);
	assert_string_equal(child_names(f, ev), poll_names);
	ev = tevent_context_init(f);
	assert_non_null(ev);
	assert_string_equal(child_names(f, ev), std_names);
}

static void test_backend_list_ends_with_null_and_names_usable_backends(
	void **pstate)
{
	struct fixture *f = *pstate;
	const char **list = tevent_backend_list(f);
	const struct tevent_ops *ops;
	struct tevent_context *ev;
	struct tevent_immediate *im;
	unsigned runs = 0;
	size_t i;

	assert_non_null(list);
	for (i = 0; list[i] != NULL; i++) {
		assert_non_null(tevent_context_init_byname(f, list[i]));
	}
	assert_int_equal(i, 4);		/* standard epoll poll_mt poll */
	assert_null(tevent_context_init_byname(f, "no-such-backend"));

	/* A context made from a backend's function table works. */
	ops = tevent_find_ops_byname("poll");
	assert_non_null(ops);
	ev = tevent_context_init_ops(f, ops, NULL);
	assert_non_null(ev);
	im = tevent_create_immediate(f);
	assert_non_null(im);
	tevent_schedule_immediate(im, ev, count_run, &runs);
	assert_int_equal(tevent_loop_once(ev), 0);
	assert_int_equal(runs, 1);
}

/* ---- The loop -------------------------------------------------------- */

static void test_loop_once_runs_one_handler_per_call(void **pstate)
{
	struct fixture *f = *pstate;
	struct mark *fd = mark_new(f, "fd");
	int fds[2];

	make_pipe(fds);
	fd->drain = fds[0];
	assert_non_null(tevent_add_fd(f->ev, f, fds[0], TEVENT_FD_READ,
				      on_fd, fd));
	assert_int_equal(write(fds[1], "x", 1), 1);
	timer_add(f, tevent_timeval_zero(), mark_new(f, "zero"));
	immediate_add(f, mark_new(f, "1"));
	immediate_add(f, mark_new(f, "2"));
	loop_once(f);
	assert_string_equal(f->log, "I:1");
	loop_once(f);
	assert_string_equal(f->log, "I:1 I:2");
	loop_once(f);
	assert_string_equal(f->log, "I:1 I:2 T:zero");
	loop_until_called(f, fd);
	assert_string_equal(f->log, "I:1 I:2 T:zero F:fd");
	close_pipe(fds);
}

/* In a child: tevent keeps the state of its signal handling for the
 * whole process, which valgrind would report as possibly lost. */
static void signal_first(void *arg)
{
	struct fixture *f = arg;

	if (tevent_add_signal(f->ev, f, SIGUSR1, 0, on_signal,
			      mark_new(f, "usr1")) == NULL) {
		_exit(2);
	}
	timer_add(f, tevent_timeval_zero(), mark_new(f, "zero"));
	immediate_add(f, mark_new(f, "im"));
	if (raise(SIGUSR1) != 0) {
		_exit(3);
	}
	loop_once(f);
	loop_once(f);
	loop_once(f);
	report(f->log);
}

static void test_pending_signal_runs_before_immediates_and_timers(
	void **pstate)
{
	int status;

	assert_string_equal(child_text(*pstate, signal_first, &status),
			    "S:usr1 I:im T:zero");
}

static bool aborted;

static void note_abort(const char *reason)
{
	(void)reason;
	aborted = true;		/* and return: tevent goes on */
}

struct nested {
	int ret;
	int err;
	bool poll_ok;
	struct tevent_req *req;
};

static void nested_loop_once(struct tevent_context *ev,
			     struct tevent_immediate *im, void *private_data)
{
	struct nested *n = private_data;

	(void)im;
	n->ret = tevent_loop_once(ev);
	n->err = errno;
}

static void nested_in_child(void *arg)
{
	struct fixture *f = arg;
	struct tevent_immediate *im = tevent_create_immediate(f);
	struct nested n = { .ret = 0 };

	if (im == NULL) {
		_exit(2);
	}
	tevent_set_abort_fn(note_abort);
	tevent_schedule_immediate(im, f->ev, nested_loop_once, &n);
	if (tevent_loop_once(f->ev) != 0) {
		_exit(3);
	}
	report(aborted ? "abort_fn " : "no abort_fn ");
	report(n.ret != 0 ? "nonzero " : "zero ");
	report(n.err == ELOOP ? "ELOOP" : "other errno");
}

static void test_nested_loop_once_returns_nonzero(void **pstate)
{
	int status;

	assert_string_equal(child_text(*pstate, nested_in_child, &status),
			    "abort_fn nonzero ELOOP");
}

static void test_loop_wait_returns_when_no_events_are_left(void **pstate)
{
	struct fixture *f = *pstate;
	struct mark *m = mark_new(f, "t");

	m->again = 2;
	timer_add(f, tevent_timeval_current_ofs(0, 2000), m);
	/* An immediate that was never scheduled is no event. */
	assert_non_null(tevent_create_immediate(f));
	assert_int_equal(tevent_loop_wait(f->ev), 0);
	assert_string_equal(f->log, "T:t T:t T:t");
}

static void loop_wait_with_disabled_fd(void *arg)
{
	struct fixture *f = arg;
	int fds[2];

	if (pipe(fds) != 0 ||
	    tevent_add_fd(f->ev, f, fds[0], 0, on_fd, NULL) == NULL ||
	    tevent_add_timer(f->ev, f, tevent_timeval_current_ofs(0, 5000),
			     on_timer, mark_new(f, "t")) == NULL) {
		_exit(2);
	}
	ualarm(300 * 1000, 0);	/* SIGALRM ends a wait that never ends */
	report(tevent_loop_wait(f->ev) == 0 ? "returned 0" : "failed");
	ualarm(0, 0);
}

static void test_loop_wait_and_an_fd_event_with_no_flags(void **pstate)
{
	int status;
	char *text = child_text(*pstate, loop_wait_with_disabled_fd,
				&status);

	if (tevent_version() >= 1700) {
		/* 0.17 does not count an fd event with flags 0 */
		assert_string_equal(text, "returned 0");
	} else {
		/* 0.14 and 0.16 wait for it, and so never return */
		assert_string_equal(text, "");
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGALRM);
	}
}

static void point_log(enum tevent_trace_point point, void *private_data)
{
	struct fixture *f = private_data;
	static const char *const names[] = {
		[TEVENT_TRACE_BEFORE_WAIT] = "bw",
		[TEVENT_TRACE_AFTER_WAIT] = "aw",
		[TEVENT_TRACE_BEFORE_LOOP_ONCE] = "bl",
		[TEVENT_TRACE_AFTER_LOOP_ONCE] = "al",
	};

	log_event(f, "P", names[point]);
}

static void test_trace_points_bracket_the_turn_and_the_wait(void **pstate)
{
	struct fixture *f = *pstate;
	static const char idle[] = "P:bl P:bw P:aw P:al ";
	const char *backend = test_backend();
	struct mark *t = mark_new(f, "t");
	unsigned idle_turns = 0;
	const char *rest;

	tevent_set_trace_callback(f->ev, point_log, f);
	immediate_add(f, mark_new(f, "im"));
	loop_once(f);		/* nothing to wait for */
	assert_string_equal(f->log, "P:bl I:im P:al");

	f->log[0] = '\0';
	timer_add(f, tevent_timeval_current_ofs(0, 5000), t);
	loop_until_called(f, t);
	/* poll_mt first wakes up for its own descriptor, which
	 * scheduling the immediate above made readable: a turn that runs
	 * none of our handlers */
	rest = f->log;
	while (strncmp(rest, idle, strlen(idle)) == 0) {
		rest += strlen(idle);
		idle_turns += 1;
	}
	assert_string_equal(rest, "P:bl P:bw P:aw T:t P:al");
	if (backend != NULL && strcmp(backend, "poll_mt") == 0) {
		assert_int_equal(idle_turns, 1);
	} else {
		assert_int_equal(idle_turns, 0);
	}

	f->log[0] = '\0';
	tevent_set_trace_callback(f->ev, NULL, NULL);
	immediate_add(f, mark_new(f, "im2"));
	loop_once(f);
	assert_string_equal(f->log, "I:im2");
}

static void fd_trace_nop(struct tevent_fd *fde,
			 enum tevent_event_trace_point p, void *private_data)
{
	(void)fde;
	(void)p;
	(void)private_data;
}

static void timer_trace_nop(struct tevent_timer *te,
			    enum tevent_event_trace_point p,
			    void *private_data)
{
	(void)te;
	(void)p;
	(void)private_data;
}

static void immediate_trace_nop(struct tevent_immediate *im,
				enum tevent_event_trace_point p,
				void *private_data)
{
	(void)im;
	(void)p;
	(void)private_data;
}

static void queue_trace_nop(struct tevent_queue_entry *qe,
			    enum tevent_event_trace_point p,
			    void *private_data)
{
	(void)qe;
	(void)p;
	(void)private_data;
}

static void test_trace_getters_return_what_was_set_and_null_resets(
	void **pstate)
{
	struct fixture *f = *pstate;
	tevent_trace_callback_t loop_cb = point_log;
	tevent_trace_fd_callback_t fd_cb = fd_trace_nop;
	tevent_trace_timer_callback_t timer_cb = timer_trace_nop;
	tevent_trace_immediate_callback_t im_cb = immediate_trace_nop;
	tevent_trace_queue_callback_t queue_cb = queue_trace_nop;
	void *data = f;

	/* Nothing is set on a new context. */
	tevent_get_trace_callback(f->ev, &loop_cb, &data);
	assert_null(loop_cb);
	assert_null(data);
	tevent_get_trace_fd_callback(f->ev, &fd_cb, &data);
	assert_null(fd_cb);
	tevent_get_trace_timer_callback(f->ev, &timer_cb, &data);
	assert_null(timer_cb);
	tevent_get_trace_immediate_callback(f->ev, &im_cb, &data);
	assert_null(im_cb);
	tevent_get_trace_queue_callback(f->ev, &queue_cb, &data);
	assert_null(queue_cb);

	tevent_set_trace_callback(f->ev, point_log, f);
	tevent_set_trace_fd_callback(f->ev, fd_trace_nop, f);
	tevent_set_trace_timer_callback(f->ev, timer_trace_nop, f);
	tevent_set_trace_immediate_callback(f->ev, immediate_trace_nop, f);
	tevent_set_trace_queue_callback(f->ev, queue_trace_nop, f);
	tevent_get_trace_callback(f->ev, &loop_cb, &data);
	assert_true(loop_cb == point_log && data == f);
	tevent_get_trace_fd_callback(f->ev, &fd_cb, &data);
	assert_true(fd_cb == fd_trace_nop && data == f);
	tevent_get_trace_timer_callback(f->ev, &timer_cb, &data);
	assert_true(timer_cb == timer_trace_nop && data == f);
	tevent_get_trace_immediate_callback(f->ev, &im_cb, &data);
	assert_true(im_cb == immediate_trace_nop && data == f);
	tevent_get_trace_queue_callback(f->ev, &queue_cb, &data);
	assert_true(queue_cb == queue_trace_nop && data == f);

	tevent_set_trace_callback(f->ev, NULL, NULL);
	tevent_set_trace_fd_callback(f->ev, NULL, NULL);
	tevent_set_trace_timer_callback(f->ev, NULL, NULL);
	tevent_set_trace_immediate_callback(f->ev, NULL, NULL);
	tevent_set_trace_queue_callback(f->ev, NULL, NULL);
	tevent_get_trace_callback(f->ev, &loop_cb, &data);
	assert_null(loop_cb);
	tevent_get_trace_fd_callback(f->ev, &fd_cb, &data);
	assert_null(fd_cb);
	tevent_get_trace_timer_callback(f->ev, &timer_cb, &data);
	assert_null(timer_cb);
	tevent_get_trace_immediate_callback(f->ev, &im_cb, &data);
	assert_null(im_cb);
	tevent_get_trace_queue_callback(f->ev, &queue_cb, &data);
	assert_null(queue_cb);
}

/* ---- Debug messages -------------------------------------------------- */

struct debug_count {
	unsigned level[TEVENT_DEBUG_TRACE + 1];
	void *context;
};

static void debug_counter(void *context, enum tevent_debug_level level,
			  const char *fmt, va_list ap)
{
	struct debug_count *c = context;

	(void)fmt;
	(void)ap;
	c->context = context;
	c->level[level] += 1;
}

static void test_set_debug_returns_zero_and_passes_warnings(void **pstate)
{
	struct fixture *f = *pstate;
	struct debug_count c = { .context = NULL };

	assert_int_equal(tevent_set_debug(f->ev, debug_counter, &c), 0);
	/* "out of events" is a warning of tevent_loop_wait() */
	assert_int_equal(tevent_loop_wait(f->ev), 0);
	assert_int_equal(c.level[TEVENT_DEBUG_WARNING], 1);
	assert_ptr_equal(c.context, &c);
	assert_int_equal(tevent_set_debug(f->ev, NULL, NULL), 0);
	assert_int_equal(tevent_loop_wait(f->ev), 0);
	assert_int_equal(c.level[TEVENT_DEBUG_WARNING], 1);
}

static void test_debug_function_gets_trace_messages_by_version(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct debug_count c = { .context = NULL };
	max_level_fn set_max_level = find_max_debug_level();

	assert_int_equal(tevent_set_debug(f->ev, debug_counter, &c), 0);
	immediate_add(f, mark_new(f, "a"));
	loop_once(f);
	if (tevent_version() < 1500) {
		/* 0.14: the function gets every level */
		assert_null(set_max_level);
		assert_true(c.level[TEVENT_DEBUG_TRACE] > 0);
		return;
	}
	/* 0.15 and later: only up to the warnings, unless asked */
	assert_int_equal(c.level[TEVENT_DEBUG_TRACE], 0);
	assert_non_null(set_max_level);
	assert_int_equal(set_max_level(f->ev, TEVENT_DEBUG_TRACE),
			 TEVENT_DEBUG_WARNING);
	immediate_add(f, mark_new(f, "b"));
	loop_once(f);
	assert_true(c.level[TEVENT_DEBUG_TRACE] > 0);
}

/* Provoke a warning (loop_wait out of events) and trace messages (an
 * immediate), with the trace level on where the version has one. */
static void provoke_debug(void *arg)
{
	struct fixture *f = arg;
	struct tevent_immediate *im = tevent_create_immediate(f);
	max_level_fn set_max_level = find_max_debug_level();

	if (set_max_level != NULL) {
		set_max_level(f->ev, TEVENT_DEBUG_TRACE);
	}
	if (im != NULL) {
		tevent_schedule_immediate(im, f->ev, on_immediate,
					  mark_new(f, "a"));
	}
	tevent_loop_wait(f->ev);
}

static void test_debug_stderr_prints_warnings_but_not_trace(void **pstate)
{
	struct fixture *f = *pstate;
	char *out;

	/* By default nothing is printed. */
	out = capture_stderr(f, provoke_debug, f);
	assert_string_equal(out, "");
	assert_string_equal(f->log, "I:a");

	assert_int_equal(tevent_set_debug_stderr(f->ev), 0);
	out = capture_stderr(f, provoke_debug, f);
	assert_non_null(strstr(out, "out of events"));
	assert_null(strstr(out, "mmediate"));
	assert_string_equal(f->log, "I:a I:a");
}

/* ---- Timers ---------------------------------------------------------- */

static void test_timer_time_is_absolute(void **pstate)
{
	struct fixture *f = *pstate;
	struct mark *later = mark_new(f, "later");
	struct mark *early = mark_new(f, "1970");
	struct timeval at = tevent_timeval_current_ofs(0, 20 * 1000);
	struct timeval now;

	timer_add(f, at, later);
	/* 20 ms after the epoch: long past, so due at once */
	timer_add(f, tevent_timeval_set(0, 20 * 1000), early);
	loop_once(f);
	assert_string_equal(f->log, "T:1970");
	loop_until_called(f, later);
	now = tevent_timeval_current();
	assert_true(tevent_timeval_compare(&now, &at) >= 0);
}

static void test_freeing_a_timer_cancels_it(void **pstate)
{
	struct fixture *f = *pstate;
	struct mark *m = mark_new(f, "t");

	talloc_free(timer_add(f, tevent_timeval_current_ofs(0, 2000), m));
	loop_for_ms(f, 20);
	assert_int_equal(m->calls, 0);
}

static void test_timer_fires_once_and_is_freed_after_its_handler(
	void **pstate)
{
	struct fixture *f = *pstate;
	TALLOC_CTX *owner = talloc_new(f);
	struct mark *once = mark_new(f, "once");
	struct mark *self = mark_new(f, "self");

	assert_non_null(owner);
	assert_non_null(tevent_add_timer(f->ev, owner,
					 tevent_timeval_current_ofs(0, 1000),
					 on_timer, once));
	assert_int_equal(talloc_total_blocks(owner), 2);
	loop_until_called(f, once);
	assert_int_equal(talloc_total_blocks(owner), 1);
	/* A handler may free its timer itself. */
	self->free_itself = true;
	timer_add(f, tevent_timeval_zero(), self);
	loop_once(f);
	loop_for_ms(f, 10);
	assert_int_equal(once->calls, 1);
	assert_int_equal(self->calls, 1);
	/* To repeat, a handler adds a timer again. */
	once->again = 2;
	timer_add(f, tevent_timeval_zero(), once);
	loop_for_ms(f, 10);
	assert_int_equal(once->calls, 4);
}

static void test_zero_timer_runs_before_timers_already_due(void **pstate)
{
	struct fixture *f = *pstate;

	timer_add(f, tevent_timeval_set(2, 0), mark_new(f, "past2"));
	timer_add(f, tevent_timeval_set(1, 0), mark_new(f, "past1"));
	timer_add(f, tevent_timeval_current(), mark_new(f, "now"));
	timer_add(f, tevent_timeval_zero(), mark_new(f, "zero"));
	loop_once(f);
	loop_once(f);
	loop_once(f);
	loop_once(f);
	/* by time, except the zero timeval, which goes first */
	assert_string_equal(f->log, "T:zero T:past1 T:past2 T:now");
}

static void test_update_timer_moves_its_time(void **pstate)
{
	struct fixture *f = *pstate;
	struct mark *sooner = mark_new(f, "sooner");
	struct mark *later = mark_new(f, "later");
	struct tevent_timer *te;

	te = timer_add(f, tevent_timeval_current_ofs(60, 0), sooner);
	tevent_update_timer(te, tevent_timeval_current_ofs(0, 2000));
	te = timer_add(f, tevent_timeval_current_ofs(0, 2000), later);
	tevent_update_timer(te, tevent_timeval_current_ofs(60, 0));
	loop_for_ms(f, 20);
	assert_int_equal(sooner->calls, 1);
	assert_int_equal(later->calls, 0);
	talloc_free(te);
}

static int note_freed(bool **flag)
{
	**flag = true;
	return 0;
}

static void update_in_handler(struct tevent_context *ev,
			      struct tevent_timer *te, struct timeval now,
			      void *private_data)
{
	(void)ev;
	(void)now;
	(void)private_data;
	tevent_update_timer(te, tevent_timeval_current_ofs(60, 0));
}

/* In a child: afterwards the context holds a freed timer, and this
 * process must not touch the context again. */
static void update_timer_in_its_handler(void *arg)
{
	struct fixture *f = arg;
	struct tevent_timer *te;
	bool freed = false;
	bool **watch;

	te = tevent_add_timer(f->ev, f, tevent_timeval_zero(),
			      update_in_handler, NULL);
	if (te == NULL || (watch = talloc(te, bool *)) == NULL) {
		_exit(2);
	}
	*watch = &freed;
	talloc_set_destructor(watch, note_freed);
	if (tevent_loop_once(f->ev) != 0) {
		_exit(3);
	}
	report(freed ? "freed" : "kept");
	_exit(0);
}

static void test_update_timer_in_its_own_handler_does_not_keep_it(
	void **pstate)
{
	int status;

	assert_string_equal(child_text(*pstate, update_timer_in_its_handler,
				       &status), "freed");
}

static void test_tags_read_back_what_was_set(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_timer *te;
	struct tevent_immediate *im;
	struct tevent_fd *fde;
	struct tevent_req *a = item_add(f, "A", false, false);
	struct tevent_queue_entry *qe = item_entry(a);
	int fds[2];

	make_pipe(fds);
	te = timer_add(f, tevent_timeval_current_ofs(60, 0), NULL);
	im = tevent_create_immediate(f);
	assert_non_null(im);
	fde = tevent_add_fd(f->ev, f, fds[0], TEVENT_FD_READ, on_fd, NULL);
	assert_non_null(fde);
	assert_int_equal(tevent_timer_get_tag(te), 0);
	assert_int_equal(tevent_immediate_get_tag(im), 0);
	assert_int_equal(tevent_fd_get_tag(fde), 0);
	assert_int_equal(tevent_queue_entry_get_tag(qe), 0);
	tevent_timer_set_tag(te, 1);
	tevent_immediate_set_tag(im, 2);
	tevent_fd_set_tag(fde, 3);
	tevent_queue_entry_set_tag(qe, 4);
	assert_int_equal(tevent_timer_get_tag(te), 1);
	assert_int_equal(tevent_immediate_get_tag(im), 2);
	assert_int_equal(tevent_fd_get_tag(fde), 3);
	assert_int_equal(tevent_queue_entry_get_tag(qe), 4);
	talloc_free(te);
	talloc_free(fde);
	close_pipe(fds);
}

/* ---- Time values ----------------------------------------------------- */

static void test_timeval_compare_zero_set_and_is_zero(void **pstate)
{
	struct timeval a = tevent_timeval_set(1, 999999);
	struct timeval b = tevent_timeval_set(2, 0);
	struct timeval z = tevent_timeval_zero();

	(void)pstate;
	assert_int_equal(a.tv_sec, 1);
	assert_int_equal(a.tv_usec, 999999);
	assert_int_equal(tevent_timeval_compare(&a, &b), -1);
	assert_int_equal(tevent_timeval_compare(&b, &a), 1);
	assert_int_equal(tevent_timeval_compare(&a, &a), 0);
	assert_true(tevent_timeval_is_zero(&z));
	assert_int_equal(tevent_timeval_compare(&z, &a), -1);
	b = tevent_timeval_set(0, 1);
	assert_false(tevent_timeval_is_zero(&b));
}

static void test_timeval_until_is_second_minus_first_or_zero(void **pstate)
{
	struct timeval a = tevent_timeval_set(1, 900000);
	struct timeval b = tevent_timeval_set(3, 100000);
	struct timeval d;

	(void)pstate;
	d = tevent_timeval_until(&a, &b);
	assert_int_equal(d.tv_sec, 1);
	assert_int_equal(d.tv_usec, 200000);
	d = tevent_timeval_until(&b, &a);	/* b is later: zero */
	assert_true(tevent_timeval_is_zero(&d));
}

static void test_timeval_add_carries_and_current_ofs_adds_to_now(
	void **pstate)
{
	struct timeval a = tevent_timeval_set(1, 900000);
	struct timeval sum = tevent_timeval_add(&a, 2, 200000);
	struct timeval before, ofs, after, lo, hi;

	(void)pstate;
	assert_int_equal(sum.tv_sec, 4);
	assert_int_equal(sum.tv_usec, 100000);
	assert_int_equal(a.tv_sec, 1);		/* the input stays */
	assert_int_equal(a.tv_usec, 900000);

	gettimeofday(&before, NULL);
	ofs = tevent_timeval_current_ofs(0, 50000);
	after = tevent_timeval_current();
	lo = tevent_timeval_add(&before, 0, 50000);
	hi = tevent_timeval_add(&after, 0, 50000);
	assert_true(tevent_timeval_compare(&before, &after) <= 0);
	assert_true(tevent_timeval_compare(&lo, &ofs) <= 0);
	assert_true(tevent_timeval_compare(&ofs, &hi) <= 0);
}

/* ---- Immediates ------------------------------------------------------ */

static void test_immediate_scheduled_in_a_handler_runs_next(void **pstate)
{
	struct fixture *f = *pstate;
	struct mark *a = mark_new(f, "a");
	struct mark *fd = mark_new(f, "fd");
	int fds[2];

	make_pipe(fds);
	fd->drain = fds[0];
	assert_non_null(tevent_add_fd(f->ev, f, fds[0], TEVENT_FD_READ,
				      on_fd, fd));
	assert_int_equal(write(fds[1], "x", 1), 1);
	a->im = tevent_create_immediate(f);
	assert_non_null(a->im);
	/* two timers, both due */
	timer_add(f, tevent_timeval_set(1, 0), a);
	timer_add(f, tevent_timeval_set(2, 0), mark_new(f, "b"));
	loop_once(f);
	loop_once(f);
	loop_once(f);
	loop_until_called(f, fd);
	/* a's handler scheduled I:a; it came before the due timer b and
	 * the readable fd */
	assert_string_equal(f->log, "T:a I:a T:b F:fd");
	close_pipe(fds);
}

/* ---- File descriptor events ------------------------------------------ */

static void test_fd_handler_gets_the_flags_that_are_ready(void **pstate)
{
	struct fixture *f = *pstate;
	struct mark *m = mark_new(f, "s");
	struct tevent_fd *fde;
	int sv[2];
	char c;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fde = tevent_add_fd(f->ev, f, sv[0], TEVENT_FD_READ | TEVENT_FD_WRITE,
			    on_fd, m);
	assert_non_null(fde);
	loop_until_called(f, m);
	assert_int_equal(m->flags, TEVENT_FD_WRITE);	/* no data yet */
	assert_int_equal(write(sv[1], "x", 1), 1);
	m->calls = 0;
	loop_until_called(f, m);
	assert_int_equal(m->flags, TEVENT_FD_READ | TEVENT_FD_WRITE);
	/* only the flags asked for */
	tevent_fd_set_flags(fde, TEVENT_FD_READ);
	m->calls = 0;
	loop_until_called(f, m);
	assert_int_equal(m->flags, TEVENT_FD_READ);
	assert_int_equal(read(sv[0], &c, 1), 1);
	close(sv[1]);				/* end of file is readable */
	m->calls = 0;
	loop_until_called(f, m);
	assert_int_equal(m->flags, TEVENT_FD_READ);
	assert_int_equal(read(sv[0], &c, 1), 0);
	talloc_free(fde);
	close(sv[0]);
}

static void test_add_fd_with_a_negative_fd_returns_null(void **pstate)
{
	struct fixture *f = *pstate;

	assert_null(tevent_add_fd(f->ev, f, -1, TEVENT_FD_READ, on_fd, NULL));
}

static void test_freeing_an_fd_event_stops_its_handler(void **pstate)
{
	struct fixture *f = *pstate;
	struct mark *m = mark_new(f, "r");
	struct tevent_fd *fde;
	int fds[2];

	make_pipe(fds);
	assert_int_equal(write(fds[1], "x", 1), 1);
	fde = tevent_add_fd(f->ev, f, fds[0], TEVENT_FD_READ, on_fd, m);
	assert_non_null(fde);
	talloc_free(fde);
	loop_for_ms(f, 10);
	assert_int_equal(m->calls, 0);
	close_pipe(fds);
}

struct closed {
	unsigned calls;
	struct tevent_context *ev;
	struct tevent_fd *fde;
	int fd;
	void *private_data;
};

static void note_close(struct tevent_context *ev, struct tevent_fd *fde,
		       int fd, void *private_data)
{
	struct mark *m = private_data;
	struct closed *c = m->closed;

	c->calls += 1;
	c->ev = ev;
	c->fde = fde;
	c->fd = fd;
	c->private_data = private_data;
}

static void test_close_fn_runs_when_the_fd_event_is_freed(void **pstate)
{
	struct fixture *f = *pstate;
	struct mark *m = mark_new(f, "r");
	struct closed *c = talloc_zero(f, struct closed);
	TALLOC_CTX *owner = talloc_new(f);
	struct tevent_context *ev2;
	struct tevent_fd *fde;
	uintptr_t id;
	int fds[2];

	assert_non_null(c);
	assert_non_null(owner);
	m->closed = c;
	make_pipe(fds);
	fde = tevent_add_fd(f->ev, f, fds[0], TEVENT_FD_READ, on_fd, m);
	assert_non_null(fde);
	tevent_fd_set_close_fn(fde, note_close);
	id = (uintptr_t)fde;
	talloc_free(fde);
	assert_int_equal(c->calls, 1);
	assert_ptr_equal(c->ev, f->ev);
	assert_int_equal((uintptr_t)c->fde, id);
	assert_int_equal(c->fd, fds[0]);
	assert_ptr_equal(c->private_data, m);
	assert_int_equal(fcntl(fds[0], F_GETFD), 0);	/* still open */

	/* When the context goes first, close_fn waits for the fd event's
	 * own free, and gets no context. */
	ev2 = tevent_context_init_byname(f, test_backend());
	assert_non_null(ev2);
	fde = tevent_add_fd(ev2, owner, fds[0], TEVENT_FD_READ, on_fd, m);
	assert_non_null(fde);
	tevent_fd_set_close_fn(fde, note_close);
	talloc_free(ev2);
	assert_int_equal(c->calls, 1);
	talloc_free(owner);
	assert_int_equal(c->calls, 2);
	assert_null(c->ev);
	assert_int_equal(fcntl(fds[0], F_GETFD), 0);
	close_pipe(fds);
}

static void test_auto_close_closes_the_fd_when_freed(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_fd *fde;
	int fds[2];

	make_pipe(fds);
	fde = tevent_add_fd(f->ev, f, fds[0], TEVENT_FD_READ, on_fd, NULL);
	assert_non_null(fde);
	tevent_fd_set_auto_close(fde);
	assert_int_equal(fcntl(fds[0], F_GETFD), 0);
	talloc_free(fde);
	errno = 0;
	assert_int_equal(fcntl(fds[0], F_GETFD), -1);
	assert_int_equal(errno, EBADF);
	close(fds[1]);
}

static void test_fd_flag_macros_and_set_flags(void **pstate)
{
	struct fixture *f = *pstate;
	struct mark *m = mark_new(f, "r");
	struct tevent_fd *fde;
	int fds[2];

	make_pipe(fds);
	fde = tevent_add_fd(f->ev, f, fds[0], TEVENT_FD_READ, on_fd, m);
	assert_non_null(fde);
	assert_int_equal(tevent_fd_get_flags(fde), TEVENT_FD_READ);
	TEVENT_FD_WRITEABLE(fde);
	assert_int_equal(tevent_fd_get_flags(fde),
			 TEVENT_FD_READ | TEVENT_FD_WRITE);
	TEVENT_FD_NOT_READABLE(fde);
	assert_int_equal(tevent_fd_get_flags(fde), TEVENT_FD_WRITE);
	TEVENT_FD_READABLE(fde);
	assert_int_equal(tevent_fd_get_flags(fde),
			 TEVENT_FD_READ | TEVENT_FD_WRITE);
	TEVENT_FD_NOT_WRITEABLE(fde);
	assert_int_equal(tevent_fd_get_flags(fde), TEVENT_FD_READ);

	/* With no flags the handler is not called, readable or not. */
	tevent_fd_set_flags(fde, 0);
	assert_int_equal(tevent_fd_get_flags(fde), 0);
	assert_int_equal(write(fds[1], "x", 1), 1);
	loop_for_ms(f, 10);
	assert_int_equal(m->calls, 0);
	tevent_fd_set_flags(fde, TEVENT_FD_READ);
	loop_until_called(f, m);
	assert_int_equal(m->flags, TEVENT_FD_READ);
	talloc_free(fde);
	close_pipe(fds);
}

static void test_fd_error_clears_the_flag_of_a_write_only_event(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct mark *m = mark_new(f, "w");
	struct tevent_fd *fde;
	int fds[2];

	make_pipe(fds);
	close(fds[0]);		/* writing now fails: an error on fds[1] */
	fde = tevent_add_fd(f->ev, f, fds[1], TEVENT_FD_WRITE, on_fd, m);
	assert_non_null(fde);
	loop_for_ms(f, 10);
	assert_int_equal(m->calls, 0);
	assert_int_equal(tevent_fd_get_flags(fde), 0);
	talloc_free(fde);
	close(fds[1]);
}

/* ---- Event trace points ---------------------------------------------- */

static const char *event_point(enum tevent_event_trace_point p)
{
	switch (p) {
	case TEVENT_EVENT_TRACE_ATTACH:
		return "attach";
	case TEVENT_EVENT_TRACE_DETACH:
		return "detach";
	case TEVENT_EVENT_TRACE_BEFORE_HANDLER:
		return "before";
	}
	return "?";
}

/* The trace callbacks log every attach point (the tag is set only after
 * the add), and the other points of events tagged 1 only: not those of
 * internal events of the backend or the queue. */
static void timer_trace(struct tevent_timer *te,
			enum tevent_event_trace_point p, void *private_data)
{
	if (tevent_timer_get_tag(te) == 1 || p == TEVENT_EVENT_TRACE_ATTACH) {
		log_event(private_data, "t", event_point(p));
	}
}

static void immediate_trace(struct tevent_immediate *im,
			    enum tevent_event_trace_point p,
			    void *private_data)
{
	if (tevent_immediate_get_tag(im) == 1) {
		log_event(private_data, "i", event_point(p));
	}
}

static void fd_trace(struct tevent_fd *fde, enum tevent_event_trace_point p,
		     void *private_data)
{
	if (tevent_fd_get_tag(fde) == 1 || p == TEVENT_EVENT_TRACE_ATTACH) {
		log_event(private_data, "f", event_point(p));
	}
}

static void test_trace_of_timers_immediates_and_fds(void **pstate)
{
	struct fixture *f = *pstate;
	struct mark *t = mark_new(f, "t");
	struct mark *fd = mark_new(f, "fd");
	struct tevent_timer *te;
	struct tevent_immediate *im;
	struct tevent_fd *fde;
	int fds[2];

	make_pipe(fds);
	tevent_set_trace_timer_callback(f->ev, timer_trace, f);
	tevent_set_trace_immediate_callback(f->ev, immediate_trace, f);
	tevent_set_trace_fd_callback(f->ev, fd_trace, f);

	/* A timer: attach inside add; detach after its handler. */
	te = timer_add(f, tevent_timeval_zero(), t);
	tevent_timer_set_tag(te, 1);
	log_event(f, "-", "added");
	loop_once(f);
	assert_string_equal(f->log, "t:attach -:added t:before T:t t:detach");

	/* A timer freed before it fires: detach inside talloc_free(). */
	f->log[0] = '\0';
	te = timer_add(f, tevent_timeval_current_ofs(60, 0), t);
	tevent_timer_set_tag(te, 1);
	talloc_free(te);
	log_event(f, "-", "freed");
	assert_string_equal(f->log, "t:attach t:detach -:freed");

	/* An immediate: the same, and attach inside schedule. */
	f->log[0] = '\0';
	im = tevent_create_immediate(f);
	assert_non_null(im);
	tevent_immediate_set_tag(im, 1);
	tevent_schedule_immediate(im, f->ev, on_immediate, mark_new(f, "im"));
	log_event(f, "-", "scheduled");
	loop_once(f);
	assert_string_equal(f->log,
			    "i:attach -:scheduled i:before I:im i:detach");

	/* An fd event: before its handler; detach inside talloc_free(). */
	f->log[0] = '\0';
	fd->drain = fds[0];
	assert_int_equal(write(fds[1], "x", 1), 1);
	fde = tevent_add_fd(f->ev, f, fds[0], TEVENT_FD_READ, on_fd, fd);
	assert_non_null(fde);
	tevent_fd_set_tag(fde, 1);
	log_event(f, "-", "added");
	loop_until_called(f, fd);
	talloc_free(fde);
	log_event(f, "-", "freed");
	assert_string_equal(f->log, "f:attach -:added f:before F:fd "
			    "f:detach -:freed");

	tevent_set_trace_timer_callback(f->ev, NULL, NULL);
	tevent_set_trace_immediate_callback(f->ev, NULL, NULL);
	tevent_set_trace_fd_callback(f->ev, NULL, NULL);
	close_pipe(fds);
}

static void queue_trace(struct tevent_queue_entry *qe,
			enum tevent_event_trace_point p, void *private_data)
{
	struct fixture *f = private_data;
	char len[32];

	(void)qe;
	snprintf(len, sizeof(len), "%s/%zu", event_point(p),
		 tevent_queue_length(f->queue));
	log_event(f, "q", len);
}

static void test_trace_of_a_queue_entry(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a;

	tevent_set_trace_queue_callback(f->ev, queue_trace, f);
	a = item_add(f, "A", true, false);
	loop_once(f);
	talloc_free(a);
	tevent_set_trace_queue_callback(f->ev, NULL, NULL);
	/* attach: already counted; detach: still counted */
	assert_string_equal(f->log,
			    "q:attach/1 q:before/1 T:A C:A q:detach/1");
	assert_int_equal(tevent_queue_length(f->queue), 0);
}

/* ---- Requests -------------------------------------------------------- */

struct zstate {
	int number;
	char text[24];
	void *pointer;
};

static void test_req_create_gives_a_zeroed_state_in_progress(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct zstate *s;
	struct tevent_req *req = tevent_req_create(f, &s, struct zstate);
	static const struct zstate zero;
	enum tevent_req_state state = TEVENT_REQ_RECEIVED;
	uint64_t err = 0;

	assert_non_null(req);
	assert_memory_equal(s, &zero, sizeof(zero));
	assert_ptr_equal(talloc_parent(s), req);
	assert_ptr_equal(tevent_req_data(req, struct zstate), s);
	/* the type's spelling names the state */
	assert_string_equal(talloc_get_name(s), "struct zstate");
	assert_true(tevent_req_is_in_progress(req));
	/* never TEVENT_REQ_INIT */
	assert_true(tevent_req_is_error(req, &state, &err));
	assert_int_equal(state, TEVENT_REQ_IN_PROGRESS);
}

static void test_freeing_a_request_frees_its_state_and_events(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", false, false);
	struct item_state *s = tevent_req_data(req, struct item_state);
	bool freed = false;
	bool **watch = talloc(s, bool *);

	assert_non_null(watch);
	*watch = &freed;
	talloc_set_destructor(watch, note_freed);
	tevent_req_set_callback(req, item_done, NULL);
	assert_true(tevent_req_set_endtime(req, f->ev, in_ms(2)));
	tevent_req_post(req, f->ev);
	talloc_free(req);
	assert_true(freed);
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "");	/* no callback, ever */
}

static void test_done_and_error_call_the_callback_inside(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);
	struct tevent_req *b = item_new(f, "B", false, false);
	enum tevent_req_state state;
	uint64_t err = 0;

	tevent_req_set_callback(a, item_done, NULL);
	tevent_req_set_callback(b, item_done, NULL);
	tevent_req_done(a);
	assert_string_equal(f->log, "C:A");
	assert_false(tevent_req_is_in_progress(a));
	assert_false(tevent_req_is_error(a, &state, &err));

	assert_false(tevent_req_error(b, 0));	/* nothing happens */
	assert_string_equal(f->log, "C:A");
	assert_true(tevent_req_is_in_progress(b));
	assert_true(tevent_req_error(b, 42));
	assert_string_equal(f->log, "C:A C:B");
	assert_true(tevent_req_is_error(b, &state, &err));
	assert_int_equal(state, TEVENT_REQ_USER_ERROR);
	assert_int_equal(err, 42);
}

static void test_nomem_and_oom_finish_with_no_memory(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);
	struct tevent_req *b = item_new(f, "B", false, false);
	enum tevent_req_state state;
	uint64_t err = 0;

	tevent_req_set_callback(a, item_done, NULL);
	tevent_req_set_callback(b, item_done, NULL);
	assert_false(tevent_req_nomem(f, a));
	assert_true(tevent_req_is_in_progress(a));
	assert_true(tevent_req_nomem(NULL, a));
	assert_string_equal(f->log, "C:A");
	assert_true(tevent_req_is_error(a, &state, &err));
	assert_int_equal(state, TEVENT_REQ_NO_MEMORY);
	tevent_req_oom(b);
	assert_string_equal(f->log, "C:A C:B");
	assert_true(tevent_req_is_error(b, &state, &err));
	assert_int_equal(state, TEVENT_REQ_NO_MEMORY);
}

static void test_post_returns_the_request_and_calls_back_later(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);

	assert_true(tevent_req_error(a, 5));	/* no callback yet */
	assert_ptr_equal(tevent_req_post(a, f->ev), a);
	tevent_req_set_callback(a, item_done, NULL);
	assert_string_equal(f->log, "");
	loop_once(f);
	assert_string_equal(f->log, "C:A");
}

static void test_defer_callback_runs_each_callback_from_the_loop(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *reqs[2];
	size_t i;

	reqs[0] = item_new(f, "A", false, false);
	reqs[1] = item_new(f, "B", false, false);
	for (i = 0; i < 2; i++) {
		tevent_req_set_callback(reqs[i], item_done, NULL);
		tevent_req_defer_callback(reqs[i], f->ev);
		tevent_req_done(reqs[i]);
	}
	assert_string_equal(f->log, "");
	loop_once(f);
	loop_once(f);
	assert_string_equal(f->log, "C:A C:B");
}

static void test_notify_callback_calls_the_callback_in_any_state(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);

	tevent_req_set_callback(a, item_done, NULL);
	tevent_req_notify_callback(a);
	assert_string_equal(f->log, "C:A");
	assert_true(tevent_req_is_in_progress(a));
}

static void test_is_error_is_true_for_every_state_but_done(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);
	struct tevent_req *b = item_new(f, "B", false, false);
	enum tevent_req_state state = TEVENT_REQ_RECEIVED;
	uint64_t err = 99;

	/* done: false, and neither is written */
	tevent_req_done(b);
	assert_false(tevent_req_is_error(b, &state, &err));
	assert_int_equal(state, TEVENT_REQ_RECEIVED);
	assert_int_equal(err, 99);

	/* in progress: true, and the error is left alone */
	assert_true(tevent_req_is_error(a, &state, &err));
	assert_int_equal(state, TEVENT_REQ_IN_PROGRESS);
	assert_int_equal(err, 99);

	assert_true(tevent_req_set_endtime(a, f->ev, tevent_timeval_zero()));
	loop_once(f);
	assert_true(tevent_req_is_error(a, &state, &err));
	assert_int_equal(state, TEVENT_REQ_TIMED_OUT);
	assert_int_equal(err, 99);

	tevent_req_received(a);
	assert_true(tevent_req_is_error(a, &state, &err));
	assert_int_equal(state, TEVENT_REQ_RECEIVED);
}

static void cleanup_log(struct tevent_req *req, enum tevent_req_state state)
{
	struct item_state *s = tevent_req_data(req, struct item_state);
	char name[16];

	snprintf(name, sizeof(name), "%d", (int)state);
	log_event(s->f, "K", name);	/* the state is still there */
}

static void test_received_runs_the_cleanup_then_frees_the_state(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);
	struct tevent_req *b = item_new(f, "B", false, false);
	bool freed = false;
	bool **watch = talloc(tevent_req_data(a, struct item_state), bool *);

	assert_non_null(watch);
	*watch = &freed;
	talloc_set_destructor(watch, note_freed);
	tevent_req_set_cleanup_fn(a, cleanup_log);
	tevent_req_done(a);
	tevent_req_received(a);
	assert_true(freed);
	assert_string_equal(f->log, "K:2 K:6");
	assert_false(tevent_req_is_in_progress(a));
	/* freeing a request that was not received does the same */
	tevent_req_set_cleanup_fn(b, cleanup_log);
	talloc_free(b);
	assert_string_equal(f->log, "K:2 K:6 K:6");
}

static void test_cleanup_runs_before_the_callback_and_the_deferral(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);
	struct tevent_req *b = item_new(f, "B", false, false);

	tevent_req_set_callback(a, item_done, NULL);
	tevent_req_set_cleanup_fn(a, cleanup_log);
	tevent_req_error(a, 1);
	assert_string_equal(f->log, "K:3 C:A");
	tevent_req_set_callback(b, item_done, NULL);
	tevent_req_set_cleanup_fn(b, cleanup_log);
	tevent_req_defer_callback(b, f->ev);
	tevent_req_done(b);
	assert_string_equal(f->log, "K:3 C:A K:2");
	loop_once(f);
	assert_string_equal(f->log, "K:3 C:A K:2 C:B");
}

static enum tevent_req_state refinish_from;

static void cleanup_refinish(struct tevent_req *req,
			     enum tevent_req_state state)
{
	cleanup_log(req, state);
	if (state != refinish_from) {
		return;
	}
	if (state == TEVENT_REQ_DONE) {
		tevent_req_error(req, 5);
	} else {
		tevent_req_done(req);
	}
}

static void test_cleanup_that_finishes_again_doubles_the_callback(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);
	struct tevent_req *b = item_new(f, "B", false, false);

	/* done, then error from the cleanup: the cleanup runs again */
	refinish_from = TEVENT_REQ_DONE;
	tevent_req_set_callback(a, item_done, NULL);
	tevent_req_set_cleanup_fn(a, cleanup_refinish);
	tevent_req_done(a);
	assert_string_equal(f->log, "K:2 K:3 C:A C:A");

	/* error, then done from the cleanup: the cleanup runs once */
	f->log[0] = '\0';
	refinish_from = TEVENT_REQ_USER_ERROR;
	tevent_req_set_callback(b, item_done, NULL);
	tevent_req_set_cleanup_fn(b, cleanup_refinish);
	tevent_req_error(b, 5);
	assert_string_equal(f->log, "K:3 C:B C:B");
	assert_false(tevent_req_is_in_progress(b));
}

static void test_endtime_times_out_and_reset_cancels_it(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);
	struct tevent_req *b = item_new(f, "B", false, false);
	enum tevent_req_state state;
	uint64_t err = 0;

	tevent_req_set_callback(a, item_done, NULL);
	tevent_req_set_callback(b, item_done, NULL);
	assert_true(tevent_req_set_endtime(a, f->ev, in_ms(2)));
	assert_true(tevent_req_set_endtime(b, f->ev, in_ms(2)));
	tevent_req_reset_endtime(b);
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "C:A");
	assert_true(tevent_req_is_error(a, &state, &err));
	assert_int_equal(state, TEVENT_REQ_TIMED_OUT);
	assert_true(tevent_req_is_in_progress(b));
}

static void test_endtime_failure_leaves_the_request_out_of_memory(
	void **pstate)
{
	struct fixture *f = *pstate;
	TALLOC_CTX *limited = talloc_new(f);
	struct tevent_req *a;
	enum tevent_req_state state;
	uint64_t err = 0;
	unsigned n = 0;

	assert_non_null(limited);
	/* Make the timer's allocation fail: a talloc memory limit, and
	 * the request's own pool filled up. (The limit API is deprecated
	 * but it is the one way to fail one allocation here.) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	assert_int_equal(talloc_set_memlimit(limited, 1 << 20), 0);
	a = item_new(f, "A", false, false);
	talloc_steal(limited, a);
	assert_int_equal(talloc_set_memlimit(limited, 1), 0);
#pragma GCC diagnostic pop
	while (talloc_size(a, 1) != NULL) {
		assert_true(++n < 100000);
	}
	tevent_req_set_callback(a, item_done, NULL);
	assert_false(tevent_req_set_endtime(a, f->ev,
					    tevent_timeval_current_ofs(1, 0)));
	assert_true(tevent_req_is_error(a, &state, &err));
	assert_int_equal(state, TEVENT_REQ_NO_MEMORY);
	assert_string_equal(f->log, "C:A");	/* called inside */
}

static void callback_data_unset(void *arg)
{
	struct fixture *f = arg;
	struct tevent_req *a = item_new(f, "A", false, false);

	tevent_req_set_callback(a, item_done, NULL);
	(void)tevent_req_callback_data(a, struct fixture);
}

static void test_callback_data_aborts_when_none_was_set(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);
	int status;

	tevent_req_set_callback(a, item_done, NULL);
	assert_null(tevent_req_callback_data_void(a));
	tevent_req_set_callback(a, item_done, f);
	assert_ptr_equal(tevent_req_callback_data_void(a), f);
	assert_ptr_equal(tevent_req_callback_data(a, struct fixture), f);

	status = run_in_child(callback_data_unset, f);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void data_after_received(void *arg)
{
	struct fixture *f = arg;
	struct tevent_req *a = item_new(f, "A", false, false);

	tevent_req_received(a);
	(void)tevent_req_data(a, struct item_state);
}

static void test_req_data_aborts_once_the_state_is_gone(void **pstate)
{
	int status = run_in_child(data_after_received, *pstate);

	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

static unsigned cancel_calls;

static bool cancel_yes(struct tevent_req *req)
{
	(void)req;
	cancel_calls += 1;
	return true;
}

static void test_cancel_returns_what_the_cancel_function_returns(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);

	cancel_calls = 0;
	assert_false(tevent_req_cancel(a));	/* no function set */
	tevent_req_set_cancel_fn(a, cancel_yes);
	assert_true(tevent_req_cancel(a));
	assert_int_equal(cancel_calls, 1);
	/* Cancelling finishes nothing: the caller still waits. */
	assert_true(tevent_req_is_in_progress(a));
}

static void test_poll_returns_true_even_when_the_request_failed(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);
	enum tevent_req_state state;
	uint64_t err = 0;

	assert_true(tevent_req_set_endtime(a, f->ev, in_ms(2)));
	assert_true(tevent_req_poll(a, f->ev));
	assert_true(tevent_req_is_error(a, &state, &err));
	assert_int_equal(state, TEVENT_REQ_TIMED_OUT);
}

static void nested_poll(struct tevent_context *ev,
			struct tevent_immediate *im, void *private_data)
{
	struct nested *n = private_data;

	(void)im;
	n->poll_ok = tevent_req_poll(n->req, ev);
}

static void poll_nested_in_child(void *arg)
{
	struct fixture *f = arg;
	struct tevent_immediate *im = tevent_create_immediate(f);
	struct nested n = { .poll_ok = true };

	n.req = item_new(f, "A", false, false);
	if (im == NULL) {
		_exit(2);
	}
	tevent_set_abort_fn(note_abort);
	tevent_schedule_immediate(im, f->ev, nested_poll, &n);
	if (tevent_loop_once(f->ev) != 0) {
		_exit(3);
	}
	report(aborted ? "abort_fn " : "no abort_fn ");
	report(n.poll_ok ? "true" : "false");
}

static void test_poll_returns_false_when_the_loop_fails(void **pstate)
{
	int status;

	assert_string_equal(child_text(*pstate, poll_nested_in_child,
				       &status), "abort_fn false");
}

static void wakeup_done(struct tevent_req *subreq)
{
	struct fixture *f = tevent_req_callback_data(subreq, struct fixture);

	log_event(f, "W", tevent_wakeup_recv(subreq) ? "ok" : "failed");
	TALLOC_FREE(subreq);
}

static void test_wakeup_finishes_at_its_time_and_recv_is_true(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct timeval at = tevent_timeval_current_ofs(0, 20 * 1000);
	struct timeval now;
	struct tevent_req *subreq = tevent_wakeup_send(f, f->ev, at);

	assert_non_null(subreq);
	tevent_req_set_callback(subreq, wakeup_done, f);
	while (f->log[0] == '\0') {
		loop_once(f);
	}
	now = tevent_timeval_current();
	assert_true(tevent_timeval_compare(&now, &at) >= 0);
	assert_string_equal(f->log, "W:ok");
}

static char *print_custom(struct tevent_req *req, TALLOC_CTX *mem_ctx)
{
	char *text = tevent_req_default_print(req, mem_ctx);

	if (text == NULL) {
		return NULL;
	}
	return talloc_asprintf_append_buffer(text, " custom");
}

static void test_print_uses_the_print_function_that_was_set(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);
	char *text = tevent_req_print(f, a);

	assert_non_null(text);
	assert_non_null(strstr(text, "struct item_state"));
	assert_null(strstr(text, "custom"));
	tevent_req_set_print_fn(a, print_custom);
	text = tevent_req_print(f, a);
	assert_non_null(text);
	assert_non_null(strstr(text, "struct item_state"));
	assert_non_null(strstr(text, " custom"));
}

static void test_set_profile_twice_fails_the_request(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);
	struct tevent_req *sub;
	struct tevent_req_profile *p;
	struct zstate *zs;
	const char *name = NULL;
	enum tevent_req_state state;
	uint64_t err = 0;

	assert_null(tevent_req_get_profile(a));
	assert_true(tevent_req_set_profile(a));
	assert_non_null(tevent_req_get_profile(a));
	tevent_req_profile_get_name(tevent_req_get_profile(a), &name);
	assert_string_equal(name, "struct item_state");
	/* a request made on the state of a profiled one is profiled too */
	sub = tevent_req_create(tevent_req_data(a, struct item_state), &zs,
				struct zstate);
	assert_non_null(sub);
	assert_non_null(tevent_req_get_profile(sub));
	assert_ptr_equal(tevent_req_profile_get_subprofiles(
				 tevent_req_get_profile(a)),
			 tevent_req_get_profile(sub));
	tevent_req_set_callback(a, item_done, NULL);
	assert_false(tevent_req_set_profile(a));
	assert_string_equal(f->log, "C:A");
	assert_true(tevent_req_is_error(a, &state, &err));
	assert_int_equal(state, TEVENT_REQ_USER_ERROR);
	assert_int_equal(err, EINVAL);
	p = tevent_req_move_profile(a, f);
	assert_non_null(p);
	assert_null(tevent_req_get_profile(a));
	assert_ptr_equal(talloc_parent(p), f);
}

/* ---- Queues ---------------------------------------------------------- */

static void test_queue_is_created_running_and_stop_start_switch_it(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_queue *q = tevent_queue_create(f, "q");

	assert_non_null(q);
	assert_true(tevent_queue_running(q));
	assert_int_equal(tevent_queue_length(q), 0);
	tevent_queue_stop(q);
	assert_false(tevent_queue_running(q));
	tevent_queue_start(q);
	assert_true(tevent_queue_running(q));
}

static void test_queue_add_returns_true_and_null_trigger_blocks(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *x = item_new(f, "X", false, false);

	assert_true(tevent_queue_add(f->queue, f->ev, x, NULL, NULL));
	item_add(f, "B", true, true);
	assert_int_equal(tevent_queue_length(f->queue), 2);
	loop_for_ms(f, 10);
	assert_string_equal(f->log, "");
	talloc_free(x);			/* its entry goes with it */
	assert_int_equal(tevent_queue_length(f->queue), 1);
	loop_once(f);
	assert_string_equal(f->log, "T:B C:B");
}

static void test_freeing_an_entry_takes_it_out_of_the_queue(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_add(f, "A", true, true);
	struct tevent_req *b = item_add(f, "B", true, true);

	(void)a;
	talloc_free(item_entry(b));
	assert_int_equal(tevent_queue_length(f->queue), 1);
	loop_for_ms(f, 10);
	assert_string_equal(f->log, "T:A C:A");
	assert_true(tevent_req_is_in_progress(b));
}

static void test_queue_starts_the_next_only_when_the_entry_is_freed(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_add(f, "A", true, false);

	item_add(f, "B", true, true);
	loop_for_ms(f, 10);
	/* A is done, but not freed: B waits */
	assert_string_equal(f->log, "T:A C:A");
	assert_false(tevent_req_is_in_progress(a));
	talloc_free(a);
	loop_once(f);
	assert_string_equal(f->log, "T:A C:A T:B C:B");
}

static void test_optimize_empty_triggers_inside_only_when_idle(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);
	struct tevent_req *b = item_new(f, "B", true, true);
	struct tevent_req *c = item_new(f, "C", true, true);
	struct tevent_req *d = item_new(f, "D", true, true);

	/* empty, running, no callback yet: inside the call */
	assert_non_null(tevent_queue_add_optimize_empty(f->queue, f->ev, a,
							item_trigger, f));
	assert_string_equal(f->log, "T:A");
	assert_int_equal(tevent_queue_length(f->queue), 1);
	/* busy: later */
	assert_non_null(tevent_queue_add_optimize_empty(f->queue, f->ev, b,
							item_trigger, f));
	tevent_req_set_callback(b, item_done, NULL);
	assert_string_equal(f->log, "T:A");
	talloc_free(a);
	loop_once(f);
	assert_string_equal(f->log, "T:A T:B C:B");
	/* empty but a callback is set: later */
	tevent_req_set_callback(c, item_done, NULL);
	assert_non_null(tevent_queue_add_optimize_empty(f->queue, f->ev, c,
							item_trigger, f));
	assert_string_equal(f->log, "T:A T:B C:B");
	loop_once(f);
	assert_string_equal(f->log, "T:A T:B C:B T:C C:C");
	/* empty but stopped: at start */
	tevent_queue_stop(f->queue);
	assert_non_null(tevent_queue_add_optimize_empty(f->queue, f->ev, d,
							item_trigger, f));
	tevent_req_set_callback(d, item_done, NULL);
	loop_for_ms(f, 10);
	assert_string_equal(f->log, "T:A T:B C:B T:C C:C");
	tevent_queue_start(f->queue);
	loop_once(f);
	assert_string_equal(f->log, "T:A T:B C:B T:C C:C T:D C:D");
}

static void untrigger_while_running(void *arg)
{
	struct fixture *f = arg;
	struct tevent_req *a = item_add(f, "A", false, false);

	loop_once(f);
	tevent_queue_entry_untrigger(item_entry(a));
}

static void untrigger_not_the_head(void *arg)
{
	struct fixture *f = arg;
	struct tevent_req *b;

	item_add(f, "A", false, false);
	b = item_add(f, "B", false, false);
	loop_once(f);
	tevent_queue_stop(f->queue);
	tevent_queue_entry_untrigger(item_entry(b));
}

static void test_untrigger_rearms_a_stopped_head_and_aborts_otherwise(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_add(f, "A", true, true);
	struct item_state *s = tevent_req_data(a, struct item_state);
	int status;

	s->untrigger = 1;	/* its trigger stops and untriggers once */
	loop_once(f);
	assert_string_equal(f->log, "T:A");
	assert_false(tevent_queue_running(f->queue));
	tevent_queue_start(f->queue);
	loop_once(f);
	assert_string_equal(f->log, "T:A T:A C:A");

	status = run_in_child(untrigger_while_running, f);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	status = run_in_child(untrigger_not_the_head, f);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void wait_done(struct tevent_req *req)
{
	struct fixture *f = tevent_req_callback_data(req, struct fixture);

	log_event(f, "W", tevent_queue_wait_recv(req) ? "ok" : "failed");
}

static void test_wait_finishes_when_it_reaches_the_head_of_the_queue(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_add(f, "A", true, false);
	struct tevent_req *w = tevent_queue_wait_send(f, f->ev, f->queue);

	assert_non_null(w);
	tevent_req_set_callback(w, wait_done, f);
	loop_for_ms(f, 10);
	assert_string_equal(f->log, "T:A C:A");
	talloc_free(a);
	loop_once(f);
	assert_string_equal(f->log, "T:A C:A W:ok");
	talloc_free(w);
	assert_int_equal(tevent_queue_length(f->queue), 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, \
						fixture_teardown)
		T(test_init_uses_the_default_backend_that_was_set),
		T(test_backend_list_ends_with_null_and_names_usable_backends),
		T(test_loop_once_runs_one_handler_per_call),
		T(test_pending_signal_runs_before_immediates_and_timers),
		T(test_nested_loop_once_returns_nonzero),
		T(test_loop_wait_returns_when_no_events_are_left),
		T(test_loop_wait_and_an_fd_event_with_no_flags),
		T(test_trace_points_bracket_the_turn_and_the_wait),
		T(test_trace_getters_return_what_was_set_and_null_resets),
		T(test_set_debug_returns_zero_and_passes_warnings),
		T(test_debug_function_gets_trace_messages_by_version),
		T(test_debug_stderr_prints_warnings_but_not_trace),
		T(test_timer_time_is_absolute),
		T(test_freeing_a_timer_cancels_it),
		T(test_timer_fires_once_and_is_freed_after_its_handler),
		T(test_zero_timer_runs_before_timers_already_due),
		T(test_update_timer_moves_its_time),
		T(test_update_timer_in_its_own_handler_does_not_keep_it),
		T(test_tags_read_back_what_was_set),
		T(test_timeval_compare_zero_set_and_is_zero),
		T(test_timeval_until_is_second_minus_first_or_zero),
		T(test_timeval_add_carries_and_current_ofs_adds_to_now),
		T(test_immediate_scheduled_in_a_handler_runs_next),
		T(test_fd_handler_gets_the_flags_that_are_ready),
		T(test_add_fd_with_a_negative_fd_returns_null),
		T(test_freeing_an_fd_event_stops_its_handler),
		T(test_close_fn_runs_when_the_fd_event_is_freed),
		T(test_auto_close_closes_the_fd_when_freed),
		T(test_fd_flag_macros_and_set_flags),
		T(test_fd_error_clears_the_flag_of_a_write_only_event),
		T(test_trace_of_timers_immediates_and_fds),
		T(test_trace_of_a_queue_entry),
		T(test_req_create_gives_a_zeroed_state_in_progress),
		T(test_freeing_a_request_frees_its_state_and_events),
		T(test_done_and_error_call_the_callback_inside),
		T(test_nomem_and_oom_finish_with_no_memory),
		T(test_post_returns_the_request_and_calls_back_later),
		T(test_defer_callback_runs_each_callback_from_the_loop),
		T(test_notify_callback_calls_the_callback_in_any_state),
		T(test_is_error_is_true_for_every_state_but_done),
		T(test_received_runs_the_cleanup_then_frees_the_state),
		T(test_cleanup_runs_before_the_callback_and_the_deferral),
		T(test_cleanup_that_finishes_again_doubles_the_callback),
		T(test_endtime_times_out_and_reset_cancels_it),
		T(test_endtime_failure_leaves_the_request_out_of_memory),
		T(test_callback_data_aborts_when_none_was_set),
		T(test_req_data_aborts_once_the_state_is_gone),
		T(test_cancel_returns_what_the_cancel_function_returns),
		T(test_poll_returns_true_even_when_the_request_failed),
		T(test_poll_returns_false_when_the_loop_fails),
		T(test_wakeup_finishes_at_its_time_and_recv_is_true),
		T(test_print_uses_the_print_function_that_was_set),
		T(test_set_profile_twice_fails_the_request),
		T(test_queue_is_created_running_and_stop_start_switch_it),
		T(test_queue_add_returns_true_and_null_trigger_blocks),
		T(test_freeing_an_entry_takes_it_out_of_the_queue),
		T(test_queue_starts_the_next_only_when_the_entry_is_freed),
		T(test_optimize_empty_triggers_inside_only_when_idle),
		T(test_untrigger_rearms_a_stopped_head_and_aborts_otherwise),
		T(test_wait_finishes_when_it_reaches_the_head_of_the_queue),
#undef T
	};

	if (argc > 1) {
		cmocka_set_test_filter(argv[1]);
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
