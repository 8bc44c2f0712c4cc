/*
 * Claims of the chapter "The event context and the loop": what one turn
 * of the loop runs and in which order, when tevent_loop_wait() returns,
 * what the backends do differently, nesting, debug messages. Every test
 * passes on each backend (TEVENT_TEST_BACKEND) and on libtevent 0.14.1,
 * 0.16.2 and 0.17.2; where they differ, the test asks test_backend() or
 * tevent_version() and says so.
 *
 * Run one: build/tests/test_loop TEST_NAME
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

/* What a handler logs: "I:name" for an immediate, "T:name" for a timer,
 * "F:name" for an fd event, "S:name" for a signal (with ",count" when
 * the count is not 1). */
struct mark {
	struct fixture *f;
	struct tevent_context *ev;	/* the context its event is on */
	const char *name;
	unsigned calls;
	int drain;		/* the fd handler reads a byte from it */
	bool free_fde;		/* the fd handler frees its event */
};

static struct timeval in_ms(unsigned ms)
{
	return tevent_timeval_current_ofs(0, ms * 1000);
}

static struct mark *mark_new(struct fixture *f, const char *name)
{
	struct mark *m = talloc_zero(f, struct mark);

	assert_non_null(m);
	m->f = f;
	m->ev = f->ev;
	m->name = name;
	return m;
}

static void on_immediate(struct tevent_context *ev,
			 struct tevent_immediate *im, void *private_data)
{
	struct mark *m = private_data;

	(void)im;
	assert_ptr_equal(ev, m->ev);
	m->calls += 1;
	log_event(m->f, "I", m->name);
}

static void on_timer(struct tevent_context *ev, struct tevent_timer *te,
		     struct timeval now, void *private_data)
{
	struct mark *m = private_data;

	(void)te;
	(void)now;
	assert_ptr_equal(ev, m->ev);
	m->calls += 1;
	log_event(m->f, "T", m->name);
}

static void on_fd(struct tevent_context *ev, struct tevent_fd *fde,
		  uint16_t flags, void *private_data)
{
	struct mark *m = private_data;
	char c;

	(void)flags;
	assert_ptr_equal(ev, m->ev);
	m->calls += 1;
	log_event(m->f, "F", m->name);
	if (m->drain > 0) {
		assert_int_equal(read(m->drain, &c, 1), 1);
	}
	if (m->free_fde) {
		talloc_free(fde);
	}
}

static void on_signal(struct tevent_context *ev, struct tevent_signal *se,
		      int signum, int count, void *siginfo,
		      void *private_data)
{
	struct mark *m = private_data;
	char name[64];

	(void)se;
	(void)signum;
	(void)siginfo;
	assert_ptr_equal(ev, m->ev);
	m->calls += 1;
	if (count == 1) {
		log_event(m->f, "S", m->name);
		return;
	}
	snprintf(name, sizeof(name), "%s,%d", m->name, count);
	log_event(m->f, "S", name);
}

static void immediate_on(struct fixture *f, struct tevent_context *ev,
			 struct mark *m)
{
	struct tevent_immediate *im = tevent_create_immediate(f);

	assert_non_null(im);
	m->ev = ev;
	tevent_schedule_immediate(im, ev, on_immediate, m);
}

static void timer_on(struct fixture *f, struct tevent_context *ev,
		     struct timeval at, struct mark *m)
{
	m->ev = ev;
	assert_non_null(tevent_add_timer(ev, f, at, on_timer, m));
}

static struct tevent_fd *fd_on(struct fixture *f, struct tevent_context *ev,
			       int fd, uint16_t flags, struct mark *m)
{
	struct tevent_fd *fde = tevent_add_fd(ev, f, fd, flags, on_fd, m);

	assert_non_null(fde);
	m->ev = ev;
	return fde;
}

/* The backend the fixture's context runs on (NULL: the default). */
static const char *test_backend(void)
{
	const char *name = getenv("TEVENT_TEST_BACKEND");

	return name != NULL && name[0] != '\0' ? name : NULL;
}

static bool on_backend(const char *name)
{
	const char *backend = test_backend();

	return backend != NULL && strcmp(backend, name) == 0;
}

/* A pipe with one byte in it: its read end is readable. */
static void readable_pipe(int fds[2])
{
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "x", 1), 1);
}

static void close_pipe(int fds[2])
{
	close(fds[0]);
	close(fds[1]);
}

/* The trace callback: "|" at the end of each turn, "w" after a wait. */
static void turn_log(enum tevent_trace_point point, void *private_data)
{
	struct fixture *f = private_data;

	if (point == TEVENT_TRACE_AFTER_WAIT) {
		log_event(f, "w", "");
	}
	if (point == TEVENT_TRACE_AFTER_LOOP_ONCE) {
		log_event(f, "|", "");
	}
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
 * no result: under valgrind with --error-exitcode, the memory it leaves
 * can change it. */
static char *child_text(struct fixture *f, void (*fn)(void *arg),
			int *status)
{
	char *text = talloc_strdup(f, "");
	char buf[256];
	ssize_t n;
	int fds[2];

	assert_non_null(text);
	assert_int_equal(pipe(fds), 0);
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

/* Turn f's loop n times; in a child, without cmocka's assertions. */
static void turn_in_child(struct fixture *f, unsigned n)
{
	while (n-- > 0) {
		if (tevent_loop_once(f->ev) != 0) {
			_exit(5);
		}
	}
}

/* ---- A context and its events --------------------------------------- */

static void test_loop_adding_events_runs_no_handler(void **pstate)
{
	struct fixture *f = *pstate;
	struct mark *fd = mark_new(f, "fd");
	int fds[2];

	readable_pipe(fds);
	fd->drain = fds[0];
	fd_on(f, f->ev, fds[0], TEVENT_FD_READ, fd);
	timer_on(f, f->ev, tevent_timeval_zero(), mark_new(f, "zero"));
	timer_on(f, f->ev, tevent_timeval_set(1, 0), mark_new(f, "1970"));
	immediate_on(f, f->ev, mark_new(f, "im"));
	/* all four are due, and none has run */
	usleep(2000);
	assert_string_equal(f->log, "");
	assert_int_equal(tevent_loop_once(f->ev), 0);
	assert_string_equal(f->log, "I:im");
	close_pipe(fds);
}

static void test_loop_init_byname_null_uses_the_default_backend(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_context *ev;
	char *std_names, *poll_names;

	/* A backend shows in the talloc names of its context's data. */
	ev = tevent_context_init_byname(f, "standard");
	assert_non_null(ev);
	std_names = child_names(f, ev);
	ev = tevent_context_init_byname(f, "poll");
	assert_non_null(ev);
	poll_names = child_names(f, ev);
	assert_string_not_equal(std_names, poll_names);

	ev = tevent_context_init_byname(f, NULL);
	assert_non_null(ev);
	assert_string_equal(child_names(f, ev), std_names);
	tevent_set_default_backend("poll");
	ev = tevent_context_init_byname(f, NULL);
	tevent_set_default_backend(NULL);
	assert_non_null(ev);
	assert_string_equal(child_names(f, ev), poll_names);
}

/* What the handlers of test_loop_handlers_get_... check. */
struct args_seen {
	struct tevent_context *ev;
	void *event;
	unsigned calls;
};

static void args_immediate(struct tevent_context *ev,
			   struct tevent_immediate *im, void *private_data)
{
	struct args_seen *a = private_data;

	assert_ptr_equal(ev, a->ev);
	assert_ptr_equal(im, a->event);
	a->calls += 1;
}

static void args_timer(struct tevent_context *ev, struct tevent_timer *te,
		       struct timeval now, void *private_data)
{
	struct args_seen *a = private_data;

	(void)now;
	assert_ptr_equal(ev, a->ev);
	assert_ptr_equal(te, a->event);
	a->calls += 1;
}

static void args_fd(struct tevent_context *ev, struct tevent_fd *fde,
		    uint16_t flags, void *private_data)
{
	struct args_seen *a = private_data;

	assert_int_equal(flags, TEVENT_FD_READ);
	assert_ptr_equal(ev, a->ev);
	assert_ptr_equal(fde, a->event);
	a->calls += 1;
	talloc_free(fde);
}

static void test_loop_handlers_get_the_context_their_event_and_data(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct args_seen im = { .ev = f->ev }, te = { .ev = f->ev };
	struct args_seen fd = { .ev = f->ev };
	struct tevent_immediate *i = tevent_create_immediate(f);
	int fds[2];

	assert_non_null(i);
	im.event = i;
	tevent_schedule_immediate(i, f->ev, args_immediate, &im);
	te.event = tevent_add_timer(f->ev, f, tevent_timeval_zero(),
				    args_timer, &te);
	assert_non_null(te.event);
	readable_pipe(fds);
	fd.event = tevent_add_fd(f->ev, f, fds[0], TEVENT_FD_READ, args_fd,
				 &fd);
	assert_non_null(fd.event);
	assert_int_equal(tevent_loop_wait(f->ev), 0);
	assert_int_equal(im.calls + te.calls + fd.calls, 3);
	close_pipe(fds);
}

static void test_loop_wait_returns_after_the_immediate_and_the_timer_ran(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct mark *im = mark_new(f, "im");
	struct mark *t = mark_new(f, "t");

	immediate_on(f, f->ev, im);
	timer_on(f, f->ev, in_ms(10), t);
	assert_int_equal(tevent_loop_wait(f->ev), 0);
	assert_string_equal(f->log, "I:im T:t");
}

static void test_loop_each_context_runs_only_its_own_events(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_context *other = tevent_context_init_byname(
		f, test_backend());
	struct mark *fd = mark_new(f, "b-fd");
	struct mark *a = mark_new(f, "a");
	unsigned i;
	int fds[2];

	assert_non_null(other);
	readable_pipe(fds);
	fd->drain = fds[0];
	fd_on(f, other, fds[0], TEVENT_FD_READ, fd);
	timer_on(f, other, tevent_timeval_zero(), mark_new(f, "b-zero"));
	immediate_on(f, other, mark_new(f, "b-im"));
	timer_on(f, f->ev, in_ms(5), a);
	while (a->calls == 0) {
		loop_once(f);
	}
	/* the loop of f->ev waited 5 ms and ran only its own timer */
	assert_string_equal(f->log, "T:a");
	for (i = 0; i < 10 && fd->calls == 0; i++) {
		assert_int_equal(tevent_loop_once(other), 0);
	}
	assert_string_equal(f->log, "T:a I:b-im T:b-zero F:b-fd");
	close_pipe(fds);
}

/* In a child: tevent keeps the state of its signal handling for the
 * whole process, which valgrind would report as possibly lost. */
static void signal_of_other_context(void *arg)
{
	struct fixture *f = arg;
	struct tevent_context *b = tevent_context_init_byname(
		f, test_backend());
	struct tevent_context *c = tevent_context_init_byname(
		f, test_backend());
	struct mark *b_usr1 = talloc_zero(f, struct mark);
	struct mark *c_usr1 = talloc_zero(f, struct mark);
	struct mark *a_usr2 = talloc_zero(f, struct mark);

	if (b == NULL || c == NULL || b_usr1 == NULL || c_usr1 == NULL ||
	    a_usr2 == NULL) {
		_exit(2);
	}
	*b_usr1 = (struct mark) { .f = f, .ev = b, .name = "b-usr1" };
	*c_usr1 = (struct mark) { .f = f, .ev = c, .name = "c-usr1" };
	*a_usr2 = (struct mark) { .f = f, .ev = f->ev, .name = "a-usr2" };
	/* f->ev (a) has a signal event, for another signal */
	if (tevent_add_signal(b, f, SIGUSR1, 0, on_signal, b_usr1) == NULL ||
	    tevent_add_signal(c, f, SIGUSR1, 0, on_signal, c_usr1) == NULL ||
	    tevent_add_signal(f->ev, f, SIGUSR2, 0, on_signal,
			      a_usr2) == NULL) {
		_exit(2);
	}
	if (raise(SIGUSR1) != 0) {
		_exit(3);
	}
	turn_in_child(f, 1);
	report(f->log);
	report(" / ");
	/* the signal is gone: b's loop finds nothing to do for it */
	f->log[0] = '\0';
	immediate_on(f, b, mark_new(f, "b-im"));
	if (tevent_loop_once(b) != 0) {
		_exit(5);
	}
	report(f->log);
}

/* The same, but the context whose loop turns has no signal event. */
static void signal_of_other_context_only(void *arg)
{
	struct fixture *f = arg;
	struct tevent_context *b = tevent_context_init_byname(
		f, test_backend());
	struct mark *b_usr1 = talloc_zero(f, struct mark);

	if (b == NULL || b_usr1 == NULL) {
		_exit(2);
	}
	*b_usr1 = (struct mark) { .f = f, .ev = b, .name = "b-usr1" };
	if (tevent_add_signal(b, f, SIGUSR1, 0, on_signal, b_usr1) == NULL) {
		_exit(2);
	}
	if (raise(SIGUSR1) != 0) {
		_exit(3);
	}
	immediate_on(f, f->ev, mark_new(f, "a-im"));
	turn_in_child(f, 1);
	report(f->log);
	report(" / ");
	f->log[0] = '\0';
	if (tevent_loop_once(b) != 0) {
		_exit(5);
	}
	report(f->log);
}

static void test_loop_signal_of_another_context_runs_in_this_loop(
	void **pstate)
{
	int status;

	/* Each handler asserts that it gets its own context. */
	assert_string_equal(child_text(*pstate, signal_of_other_context,
				       &status),
			    "S:c-usr1 S:b-usr1 / I:b-im");
	assert_string_equal(child_text(*pstate,
				       signal_of_other_context_only,
				       &status),
			    "I:a-im / S:b-usr1");
}

/* In a child: talloc's tracking of the NULL context is for the whole
 * process. */
static void signal_state_after_free(void *arg)
{
	struct fixture *f = arg;
	struct tevent_context *ev;
	struct tevent_signal *se;
	char *names;

	talloc_enable_null_tracking();
	ev = tevent_context_init_byname(NULL, test_backend());
	if (ev == NULL) {
		_exit(2);
	}
	se = tevent_add_signal(ev, ev, SIGUSR1, 0, on_signal,
			       mark_new(f, "usr1"));
	if (se == NULL) {
		_exit(2);
	}
	names = child_names(f, NULL);
	report(strstr(names, "[struct tevent_sig_state]") != NULL ?
	       "with event: kept, " : "with event: none, ");
	talloc_free(se);
	talloc_free(ev);
	names = child_names(f, NULL);
	report(strstr(names, "[struct tevent_sig_state]") != NULL ?
	       "after free: kept" : "after free: none");
}

static void test_loop_signal_state_outlives_every_signal_event(
	void **pstate)
{
	int status;

	assert_string_equal(child_text(*pstate, signal_state_after_free,
				       &status),
			    "with event: kept, after free: kept");
}

/* ---- Backends -------------------------------------------------------- */

/* One turn, with a guard timer 200 ms ahead that the turn waits for if
 * nothing else is ready; returns what the turn logged. No race: the
 * guard is not due before the turn waits, unless the process stalls
 * for 200 ms. */
static const char *guarded_turn(struct fixture *f)
{
	TALLOC_CTX *guard = talloc_new(f);
	size_t before = strlen(f->log);
	const char *text;

	assert_non_null(guard);
	assert_non_null(tevent_add_timer(f->ev, guard, in_ms(200), on_timer,
					 mark_new(f, "guard")));
	loop_once(f);
	talloc_free(guard);
	text = f->log + before;
	text = talloc_strdup(f, text[0] == ' ' ? text + 1 : text);
	assert_non_null(text);
	return text;
}

static void test_loop_poll_mt_spends_a_turn_on_its_wakeup(void **pstate)
{
	struct fixture *f = *pstate;
	const char *after = on_backend("poll_mt") ? "" : "T:guard";
	int fds[2];

	/* A fresh context: the turn waits for the guard. */
	assert_string_equal(guarded_turn(f), "T:guard");

	/* After an immediate was scheduled (and has run). */
	immediate_on(f, f->ev, mark_new(f, "im"));
	loop_once(f);
	assert_string_equal(f->log, "T:guard I:im");
	assert_string_equal(guarded_turn(f), after);

	/* After an fd event was added, one that is not ready. */
	assert_int_equal(pipe(fds), 0);
	fd_on(f, f->ev, fds[0], TEVENT_FD_READ, mark_new(f, "fd"));
	assert_string_equal(guarded_turn(f), after);
	close_pipe(fds);
}

/* Add count read events on one readable descriptor and turn the loop
 * once; report how many handlers ran. */
struct fd_events {
	const char *backend;
	int count;
	bool regular_file;
};

static unsigned fd_calls;

static void count_fd(struct tevent_context *ev, struct tevent_fd *fde,
		     uint16_t flags, void *private_data)
{
	(void)ev;
	(void)fde;
	(void)flags;
	(void)private_data;
	fd_calls += 1;
}

static struct fd_events *fd_events_now;

static void add_fd_events(void *arg)
{
	struct fd_events *a = fd_events_now;
	struct tevent_context *ev;
	int sv[2], fd, i;

	(void)arg;
	if (a->regular_file) {
		fd = open("/proc/self/exe", O_RDONLY);
	} else if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 &&
		   write(sv[1], "x", 1) == 1) {
		fd = sv[0];
	} else {
		fd = -1;
	}
	ev = tevent_context_init_byname(NULL, a->backend);
	if (fd == -1 || ev == NULL) {
		_exit(3);
	}
	for (i = 0; i < a->count; i++) {
		if (tevent_add_fd(ev, ev, fd, TEVENT_FD_READ, count_fd,
				  NULL) == NULL) {
			_exit(4);
		}
	}
	report("added ");
	while (fd_calls == 0) {
		if (tevent_loop_once(ev) != 0) {
			_exit(5);
		}
	}
	report("ran");
	talloc_free(ev);
}

static const char *fd_events_result(struct fixture *f, struct fd_events *a)
{
	int status;
	char *text;

	fd_events_now = a;
	text = child_text(f, add_fd_events, &status);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT) {
		return talloc_asprintf(f, "%s: abort", text);
	}
	return talloc_asprintf(f, "%s: %d", text,
			       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void test_loop_epoll_third_fd_event_aborts_only_on_0_14(
	void **pstate)
{
	struct fixture *f = *pstate;
	static const char *const backends[] = {
		"standard", "epoll", "poll_mt", "poll",
	};
	struct fd_events a = { .count = 3 };
	size_t i;

	for (i = 0; i < 4; i++) {
		bool aborts = strcmp(backends[i], "epoll") == 0 &&
			      tevent_version() < 1500;

		a.backend = backends[i];
		assert_string_equal(fd_events_result(f, &a),
				    aborts ? ": abort" : "added ran: 0");
	}
	/* two are fine everywhere */
	a.backend = "epoll";
	a.count = 2;
	assert_string_equal(fd_events_result(f, &a), "added ran: 0");
}

static void test_loop_epoll_aborts_on_a_regular_file(void **pstate)
{
	struct fixture *f = *pstate;
	static const char *const backends[] = {
		"standard", "epoll", "poll_mt", "poll",
	};
	struct fd_events a = { .count = 1, .regular_file = true };
	size_t i;

	for (i = 0; i < 4; i++) {
		bool epoll = strcmp(backends[i], "epoll") == 0;

		a.backend = backends[i];
		/* epoll aborts inside tevent_add_fd() */
		assert_string_equal(fd_events_result(f, &a),
				    epoll ? ": abort" : "added ran: 0");
	}
}

/* ---- One turn -------------------------------------------------------- */

static void all_signals_in_one_turn(void *arg)
{
	struct fixture *f = arg;
	struct mark *usr1 = talloc_zero(f, struct mark);
	struct mark *usr2 = talloc_zero(f, struct mark);

	if (usr1 == NULL || usr2 == NULL) {
		_exit(2);
	}
	*usr1 = (struct mark) { .f = f, .ev = f->ev, .name = "usr1" };
	*usr2 = (struct mark) { .f = f, .ev = f->ev, .name = "usr2" };
	if (tevent_add_signal(f->ev, f, SIGUSR2, 0, on_signal, usr2) ==
	    NULL ||
	    tevent_add_signal(f->ev, f, SIGUSR1, 0, on_signal, usr1) ==
	    NULL) {
		_exit(2);
	}
	immediate_on(f, f->ev, mark_new(f, "im"));
	if (raise(SIGUSR2) != 0 || raise(SIGUSR1) != 0 ||
	    raise(SIGUSR1) != 0) {
		_exit(3);
	}
	turn_in_child(f, 1);
	report(f->log);
	report(" | ");
	f->log[0] = '\0';
	turn_in_child(f, 1);
	report(f->log);
}

static void test_loop_once_runs_all_pending_signals_in_one_turn(
	void **pstate)
{
	int status;

	/* by signal number, each handler once, with the count */
	assert_string_equal(child_text(*pstate, all_signals_in_one_turn,
				       &status),
			    "S:usr1,2 S:usr2 | I:im");
}

static void test_loop_due_timers_run_one_per_turn_by_time(void **pstate)
{
	struct fixture *f = *pstate;

	timer_on(f, f->ev, tevent_timeval_current(), mark_new(f, "now"));
	timer_on(f, f->ev, tevent_timeval_set(2, 0), mark_new(f, "past2"));
	timer_on(f, f->ev, tevent_timeval_set(1, 0), mark_new(f, "past1"));
	tevent_set_trace_callback(f->ev, turn_log, f);
	loop_once(f);
	assert_string_equal(f->log, "T:past1 |:");
	loop_once(f);
	assert_string_equal(f->log, "T:past1 |: T:past2 |:");
	loop_once(f);
	assert_string_equal(f->log, "T:past1 |: T:past2 |: T:now |:");
}

/* A timer kept to a fixed rhythm: each call adds the next one 1 ms after
 * its own time, however late it runs, as event_timer_update.c does. */
struct rhythm {
	struct mark *m;
	struct timeval at;
	unsigned left;
};

static void rhythm_tick(struct tevent_context *ev, struct tevent_timer *te,
			struct timeval now, void *private_data)
{
	struct rhythm *r = private_data;

	on_timer(ev, te, now, r->m);
	if (--r->left == 0) {
		return;
	}
	r->at = tevent_timeval_add(&r->at, 0, 1000);
	assert_non_null(tevent_add_timer(ev, r->m->f, r->at, rhythm_tick,
					 r));
}

static void test_loop_due_timers_all_run_before_a_readable_fd(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct mark *fd = mark_new(f, "pipe");
	struct rhythm r = { .m = mark_new(f, "r"), .left = 4 };
	struct timeval now = tevent_timeval_current();
	unsigned turns = 0;
	int fds[2];

	readable_pipe(fds);
	fd->drain = fds[0];
	fd_on(f, f->ev, fds[0], TEVENT_FD_READ, fd);
	timer_on(f, f->ev, tevent_timeval_set(2, 0), mark_new(f, "past2"));
	timer_on(f, f->ev, tevent_timeval_set(1, 0), mark_new(f, "past1"));
	/* a second late: its next three times have passed already */
	r.at = tevent_timeval_set(now.tv_sec - 1, now.tv_usec);
	assert_non_null(tevent_add_timer(f->ev, f, r.at, rhythm_tick, &r));
	while (fd->calls == 0) {
		assert_true(turns++ < 100);
		loop_once(f);
	}
	assert_string_equal(f->log,
			    "T:past1 T:past2 T:r T:r T:r T:r F:pipe");
	close_pipe(fds);
}

static void test_loop_once_waits_for_the_next_timer(void **pstate)
{
	struct fixture *f = *pstate;
	struct timeval start = tevent_timeval_current();
	struct timeval end;

	timer_on(f, f->ev, in_ms(200), mark_new(f, "200ms"));
	tevent_set_trace_callback(f->ev, turn_log, f);
	loop_once(f);
	end = tevent_timeval_current();
	assert_string_equal(f->log, "w: T:200ms |:");
	assert_true(tevent_timeval_until(&start, &end).tv_usec >= 200000 ||
		    tevent_timeval_until(&start, &end).tv_sec > 0);
}

/* A guard timer 200 ms ahead, in a child: a turn with nothing else
 * ready waits for it. */
static void guard_in_child(struct fixture *f)
{
	if (tevent_add_timer(f->ev, f, in_ms(200), on_timer,
			     mark_new(f, "guard")) == NULL) {
		_exit(2);
	}
}

/* The setup of examples/loop_order.c: a signal raised twice, two
 * immediates, two timers that are overdue, and a readable pipe; six
 * turns, and then one more with a guard timer. */
static void order_of_turns(void *arg)
{
	struct fixture *f = arg;
	struct mark *usr1 = talloc_zero(f, struct mark);
	struct mark *fd = mark_new(f, "pipe");
	int fds[2];

	if (usr1 == NULL) {
		_exit(2);
	}
	*usr1 = (struct mark) { .f = f, .ev = f->ev, .name = "usr1" };
	if (tevent_add_signal(f->ev, f, SIGUSR1, 0, on_signal, usr1) ==
	    NULL) {
		_exit(2);
	}
	readable_pipe(fds);
	fd->drain = fds[0];
	fd_on(f, f->ev, fds[0], TEVENT_FD_READ, fd);
	timer_on(f, f->ev, tevent_timeval_set(2, 0), mark_new(f, "past2"));
	timer_on(f, f->ev, tevent_timeval_set(1, 0), mark_new(f, "past1"));
	immediate_on(f, f->ev, mark_new(f, "im1"));
	immediate_on(f, f->ev, mark_new(f, "im2"));
	if (raise(SIGUSR1) != 0 || raise(SIGUSR1) != 0) {
		_exit(3);
	}
	tevent_set_trace_callback(f->ev, turn_log, f);
	turn_in_child(f, 6);
	guard_in_child(f);
	turn_in_child(f, 1);
	report(f->log);
}

static void test_loop_turns_run_signals_immediates_timers_then_fds(
	void **pstate)
{
	int status;

	assert_string_equal(child_text(*pstate, order_of_turns, &status),
			    "S:usr1,2 |: I:im1 |: I:im2 |: T:past1 |: "
			    "T:past2 |: w: F:pipe |: w: |:");
}

static void signal_then_wait(void *arg)
{
	struct fixture *f = arg;
	struct mark *usr1 = talloc_zero(f, struct mark);

	if (usr1 == NULL) {
		_exit(2);
	}
	*usr1 = (struct mark) { .f = f, .ev = f->ev, .name = "usr1" };
	if (tevent_add_signal(f->ev, f, SIGUSR1, 0, on_signal, usr1) ==
	    NULL) {
		_exit(2);
	}
	if (raise(SIGUSR1) != 0) {
		_exit(3);
	}
	tevent_set_trace_callback(f->ev, turn_log, f);
	turn_in_child(f, 1);
	guard_in_child(f);
	turn_in_child(f, 1);
	report(f->log);
}

static void test_loop_signal_costs_a_turn_on_the_wakeup_descriptor(
	void **pstate)
{
	int status;

	/* the second turn waits, and returns at once, without the guard */
	assert_string_equal(child_text(*pstate, signal_then_wait, &status),
			    "S:usr1 |: w: |:");
}

/* ---- tevent_loop_wait() ---------------------------------------------- */

struct stalled {
	struct fixture *f;
	const char *name;
};

static void stalled_trigger(struct tevent_req *req, void *private_data)
{
	struct stalled *s = private_data;

	log_event(s->f, "T", s->name);
	tevent_req_done(req);
}

static void stalled_done(struct tevent_req *req)
{
	struct stalled *s = tevent_req_callback_data_void(req);

	log_event(s->f, "C", s->name);
	/* and the request is not freed */
}

static struct tevent_req *stalled_add(struct fixture *f, struct stalled *s)
{
	struct tevent_req *req;
	struct stalled *state;

	req = tevent_req_create(f, &state, struct stalled);
	assert_non_null(req);
	tevent_req_set_callback(req, stalled_done, s);
	assert_true(tevent_queue_add(f->queue, f->ev, req, stalled_trigger,
				     s));
	return req;
}

static void test_loop_wait_returns_with_a_stalled_queue(void **pstate)
{
	struct fixture *f = *pstate;
	struct stalled a = { .f = f, .name = "A" };
	struct stalled b = { .f = f, .name = "B" };
	struct tevent_req *ra = stalled_add(f, &a);
	struct tevent_req *rb = stalled_add(f, &b);

	assert_int_equal(tevent_loop_wait(f->ev), 0);
	/* A finished and was never freed: B waits, and nothing is left
	 * for the loop to wait for */
	assert_string_equal(f->log, "T:A C:A");
	assert_int_equal(tevent_queue_length(f->queue), 2);
	assert_true(tevent_req_is_in_progress(rb));
	talloc_free(ra);
	assert_int_equal(tevent_loop_wait(f->ev), 0);
	assert_string_equal(f->log, "T:A C:A T:B C:B");
	talloc_free(rb);
}

static void test_loop_wait_returns_once_a_handler_frees_the_last_event(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct mark *fd = mark_new(f, "fd");
	int fds[2];

	/* a pipe that is readable all the time: only the free ends it */
	readable_pipe(fds);
	fd->free_fde = true;
	fd_on(f, f->ev, fds[0], TEVENT_FD_READ, fd);
	timer_on(f, f->ev, in_ms(2), mark_new(f, "t"));
	assert_int_equal(tevent_loop_wait(f->ev), 0);
	assert_int_equal(fd->calls, 1);
	close_pipe(fds);
}

/* Counts the turns of the loop (TEVENT_TRACE_BEFORE_LOOP_ONCE). */
static void count_turns(enum tevent_trace_point point, void *private_data)
{
	unsigned *turns = private_data;

	if (point == TEVENT_TRACE_BEFORE_LOOP_ONCE) {
		*turns += 1;
	}
}

/* In a child: tevent_loop_wait() on a fresh context with no event, an
 * alarm ending it if it waits. */
static void wait_with_no_events(void *arg)
{
	struct fixture *f = arg;
	struct tevent_context *ev = tevent_context_init_byname(f,
							      test_backend());
	unsigned turns = 0;
	int ret;

	if (ev == NULL) {
		_exit(2);
	}
	tevent_set_trace_callback(ev, count_turns, &turns);
	ualarm(500 * 1000, 0);	/* SIGALRM ends a wait that never ends */
	ret = tevent_loop_wait(ev);
	ualarm(0, 0);
	report(ret == 0 ? "returned 0" : "failed");
	report(turns == 0 ? ", no turn" : ", turned the loop");
}

static void test_loop_wait_with_no_events_returns_0_at_once(void **pstate)
{
	int status;

	assert_string_equal(child_text(*pstate, wait_with_no_events,
				       &status),
			    "returned 0, no turn");
}

/* ---- Nesting --------------------------------------------------------- */

struct nesting {
	bool wait;	/* call tevent_loop_wait(), not tevent_loop_once() */
	int ret;
	int err;
};

static void nested_call(struct tevent_context *ev,
			struct tevent_immediate *im, void *private_data)
{
	struct nesting *n = private_data;

	(void)im;
	errno = 0;
	n->ret = n->wait ? tevent_loop_wait(ev) : tevent_loop_once(ev);
	n->err = errno;
}

/* Nest a call of the loop in an immediate handler, with a timer pending
 * (tevent_loop_wait() would have something to wait for). */
static void nest_once(struct fixture *f, struct nesting *n)
{
	struct tevent_immediate *im = tevent_create_immediate(f);

	if (im == NULL || tevent_add_timer(f->ev, f, in_ms(1), on_timer,
					   mark_new(f, "t")) == NULL) {
		_exit(2);
	}
	tevent_schedule_immediate(im, f->ev, nested_call, n);
	report(tevent_loop_once(f->ev) == 0 ? "outer 0, " : "outer fails, ");
}

static void nested_by_default(void *arg)
{
	struct nesting n = { .ret = 0 };

	nest_once(arg, &n);
	report("nested call returned");
}

static void test_loop_nested_call_aborts_by_default(void **pstate)
{
	int status;

	assert_string_equal(child_text(*pstate, nested_by_default, &status),
			    "");
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void abort_returns(const char *reason)
{
	(void)reason;	/* and return: tevent goes on */
}

static void nested_with_abort_fn(void *arg)
{
	struct fixture *f = arg;
	struct nesting once = { .wait = false };
	struct nesting wait = { .wait = true };
	char text[64];
	int i, ret;

	tevent_set_abort_fn(abort_returns);
	nest_once(f, &once);
	snprintf(text, sizeof(text), "once %d %s, ", once.ret,
		 once.err == ELOOP ? "ELOOP" : "other");
	report(text);
	/* from now on, every turn of this context fails */
	for (i = 0; i < 2; i++) {
		errno = 0;
		ret = tevent_loop_once(f->ev);
		snprintf(text, sizeof(text), "later %d %s, ", ret,
			 errno == ELOOP ? "ELOOP" : "other");
		report(text);
	}
	/* a fresh context, and tevent_loop_wait() nested */
	f->ev = tevent_context_init_byname(f, test_backend());
	if (f->ev == NULL) {
		_exit(2);
	}
	nest_once(f, &wait);
	snprintf(text, sizeof(text), "wait %d %s", wait.ret,
		 wait.err == ELOOP ? "ELOOP" : "other");
	report(text);
}

static void test_loop_nested_call_fails_with_eloop_and_breaks_the_context(
	void **pstate)
{
	int status;

	assert_string_equal(child_text(*pstate, nested_with_abort_fn,
				       &status),
			    "outer 0, once -1 ELOOP, "
			    "later -1 ELOOP, later -1 ELOOP, "
			    "outer 0, wait -1 ELOOP");
}

/* ---- Debug messages -------------------------------------------------- */

typedef enum tevent_debug_level (*max_level_fn)(
	struct tevent_context *ev, enum tevent_debug_level level);

/* As examples/loop_debug.c does: tevent_set_max_debug_level() exists
 * from 0.15 on; looked up at run time. */
static max_level_fn find_max_debug_level(void)
{
	max_level_fn fn;
	void *sym = dlsym(RTLD_DEFAULT, "tevent_set_max_debug_level");

	memcpy(&fn, &sym, sizeof(fn));
	return fn;
}

/* Log the level and the words of a message up to its first ':' or
 * pointer. */
static void debug_log(void *context, enum tevent_debug_level level,
		      const char *fmt, va_list ap)
{
	struct fixture *f = context;
	char text[256];
	size_t len;

	vsnprintf(text, sizeof(text), fmt, ap);
	len = strcspn(text, ":\n");
	if (strstr(text, " 0x") != NULL &&
	    (size_t)(strstr(text, " 0x") - text) < len) {
		len = (size_t)(strstr(text, " 0x") - text);
	}
	text[len] = '\0';
	f->log = talloc_asprintf_append(f->log, "[%d %s]", (int)level, text);
	assert_non_null(f->log);
}

static void test_loop_debug_messages_with_the_level_raised_at_run_time(
	void **pstate)
{
	struct fixture *f = *pstate;
	max_level_fn set_max_level = find_max_debug_level();

	assert_int_equal(tevent_set_debug(f->ev, debug_log, f), 0);
	if (tevent_version() < 1500) {
		assert_null(set_max_level);
	} else {
		assert_non_null(set_max_level);
		set_max_level(f->ev, TEVENT_DEBUG_TRACE);
	}
	timer_on(f, f->ev, in_ms(1), mark_new(f, "t"));
	immediate_on(f, f->ev, mark_new(f, "im"));
	assert_int_equal(tevent_loop_wait(f->ev), 0);
	assert_string_equal(f->log,
			    "[3 Added timed event \"on_timer\"]"
			    "[3 Schedule immediate event \"on_immediate\"]"
			    "[3 Run immediate event \"on_immediate\"]"
			    " I:im"
			    "[3 Running timer event]"
			    " T:t"
			    "[3 Ending timer event]"
			    "[2 tevent_common_loop_wait() out of events]");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, \
						fixture_teardown)
		T(test_loop_init_byname_null_uses_the_default_backend),
		T(test_loop_handlers_get_the_context_their_event_and_data),
		T(test_loop_adding_events_runs_no_handler),
		T(test_loop_wait_returns_after_the_immediate_and_the_timer_ran),
		T(test_loop_each_context_runs_only_its_own_events),
		T(test_loop_signal_of_another_context_runs_in_this_loop),
		T(test_loop_signal_state_outlives_every_signal_event),
		T(test_loop_poll_mt_spends_a_turn_on_its_wakeup),
		T(test_loop_epoll_third_fd_event_aborts_only_on_0_14),
		T(test_loop_epoll_aborts_on_a_regular_file),
		T(test_loop_once_runs_all_pending_signals_in_one_turn),
		T(test_loop_due_timers_run_one_per_turn_by_time),
		T(test_loop_once_waits_for_the_next_timer),
		T(test_loop_due_timers_all_run_before_a_readable_fd),
		T(test_loop_turns_run_signals_immediates_timers_then_fds),
		T(test_loop_signal_costs_a_turn_on_the_wakeup_descriptor),
		T(test_loop_wait_returns_with_a_stalled_queue),
		T(test_loop_wait_returns_once_a_handler_frees_the_last_event),
		T(test_loop_wait_with_no_events_returns_0_at_once),
		T(test_loop_nested_call_aborts_by_default),
		T(test_loop_nested_call_fails_with_eloop_and_breaks_the_context),
		T(test_loop_debug_messages_with_the_level_raised_at_run_time),
#undef T
	};

	if (argc > 1) {
		cmocka_set_test_filter(argv[1]);
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
