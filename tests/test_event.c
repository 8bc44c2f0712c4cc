/*
 * Claims of the chapter "Events" (doc/event*.dox, doc/pitfalls_event.dox,
 * doc/upstream_event.dox): timers, immediates, fd events and signals.
 * Each test is named after the claim it backs; the pages cite it with
 * \claim{test_name}. Every test passes on each backend
 * (TEVENT_TEST_BACKEND) and on libtevent 0.14.1, 0.16.2 and 0.17.2; where
 * backends or versions differ, the test asks which one it runs on and
 * checks what that one does.
 *
 * Tests that leave process-wide state behind (signals, a context that
 * holds a freed timer, an abort) run their body in a child process.
 *
 * Run one: build/tests/test_event TEST_NAME
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

/* What a handler saw; it logs "T:name", "I:name", "F:name" or "S:name". */
struct seen {
	struct fixture *f;
	const char *name;
	unsigned calls;
	unsigned again;		/* an immediate schedules itself this often */
	int fd;			/* the fd handler reads from it */
	size_t chunk;		/* this much per call (0: it does not read) */
	size_t got;		/* bytes it read */
	bool once;		/* the fd handler turns itself off */
	bool eof;		/* it read end of file */
	uint16_t flags;		/* of the last fd handler call */
	struct tevent_timer *te;	/* what the timer handler got */
	struct timeval now;
	void *private_data;
};

static struct seen *seen_new(struct fixture *f, const char *name)
{
	struct seen *s = talloc_zero(f, struct seen);

	assert_non_null(s);
	s->f = f;
	s->name = name;
	return s;
}

static void on_timer(struct tevent_context *ev, struct tevent_timer *te,
		     struct timeval now, void *private_data)
{
	struct seen *s = private_data;

	assert_ptr_equal(ev, s->f->ev);
	s->calls += 1;
	s->te = te;
	s->now = now;
	s->private_data = private_data;
	log_event(s->f, "T", s->name);
}

static void on_immediate(struct tevent_context *ev,
			 struct tevent_immediate *im, void *private_data)
{
	struct seen *s = private_data;

	assert_ptr_equal(ev, s->f->ev);
	s->calls += 1;
	log_event(s->f, "I", s->name);
	if (s->again > 0) {
		s->again -= 1;
		tevent_schedule_immediate(im, ev, on_immediate, s);
	}
}

static void on_fd(struct tevent_context *ev, struct tevent_fd *fde,
		  uint16_t flags, void *private_data)
{
	struct seen *s = private_data;
	char buf[64];
	ssize_t n;

	assert_ptr_equal(ev, s->f->ev);
	s->calls += 1;
	s->flags = flags;
	log_event(s->f, "F", s->name);
	if (s->once) {
		tevent_fd_set_flags(fde, 0);
	}
	if (s->chunk == 0) {
		return;
	}
	assert_true(s->chunk <= sizeof(buf));
	n = read(s->fd, buf, s->chunk);
	assert_true(n >= 0);
	s->got += (size_t)n;
	if (n == 0) {
		s->eof = true;
		TEVENT_FD_NOT_READABLE(fde);
	}
}

static struct tevent_timer *timer_at(struct fixture *f, struct timeval at,
				     struct seen *s)
{
	struct tevent_timer *te = tevent_add_timer(f->ev, f, at, on_timer, s);

	assert_non_null(te);
	return te;
}

static struct tevent_immediate *immediate_new(struct fixture *f,
					      struct seen *s)
{
	struct tevent_immediate *im = tevent_create_immediate(f);

	assert_non_null(im);
	tevent_schedule_immediate(im, f->ev, on_immediate, s);
	return im;
}

/* The backend the fixture's context runs on: "standard" if unset. */
static const char *backend(void)
{
	const char *name = getenv("TEVENT_TEST_BACKEND");

	return name != NULL && name[0] != '\0' ? name : "standard";
}

/* The backends that use epoll: epoll itself and standard, which is
 * epoll with a fall-back to poll. */
static bool backend_is_epoll(void)
{
	return strcmp(backend(), "epoll") == 0 ||
	       strcmp(backend(), "standard") == 0;
}

/* Turn the loop until s's handler has run (at most 100 turns: poll_mt
 * may spend a turn on its own wakeup descriptor). */
static void loop_until_called(struct fixture *f, struct seen *s)
{
	unsigned turns = 0;

	while (s->calls == 0) {
		assert_true(turns++ < 100);
		loop_once(f);
	}
}

static void make_pipe(int fds[2])
{
	assert_int_equal(pipe(fds), 0);
}

static bool fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

/* The write end of the pipe a child reports through (child_text). */
static int report_fd = -1;

static void report(const char *fmt, ...) PRINTF_ATTRIBUTE(1, 2);

static void report(const char *fmt, ...)
{
	char text[256];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(text) ||
	    write(report_fd, text, (size_t)len) != len) {
		_exit(4);
	}
}

/* Run fn(arg) in a child (run_in_child: stderr closed); return what it
 * reported with report(), and its wait status in *status. */
static char *child_text(struct fixture *f, void (*fn)(void *arg),
			void *arg, int *status)
{
	char *text = talloc_strdup(f, "");
	char buf[256];
	ssize_t n;
	int fds[2];

	assert_non_null(text);
	make_pipe(fds);
	report_fd = fds[1];
	*status = run_in_child(fn, arg);
	report_fd = -1;
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof(buf))) > 0) {
		text = talloc_strndup_append(text, buf, (size_t)n);
		assert_non_null(text);
	}
	close(fds[0]);
	return text;
}

/* ---- Timers ---------------------------------------------------------- */

static void test_timers_run_in_time_order_and_equal_times_in_add_order(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct timeval at = tevent_timeval_current_ofs(0, 5000);
	struct timeval later = tevent_timeval_add(&at, 0, 1000);
	struct timeval latest = tevent_timeval_add(&at, 0, 2000);
	struct seen *last = seen_new(f, "c");

	timer_at(f, latest, last);
	timer_at(f, later, seen_new(f, "b"));
	timer_at(f, at, seen_new(f, "a1"));
	timer_at(f, at, seen_new(f, "a2"));
	timer_at(f, at, seen_new(f, "a3"));
	loop_until_called(f, last);
	assert_string_equal(f->log, "T:a1 T:a2 T:a3 T:b T:c");
}

static void test_timer_handler_gets_its_timer_its_data_and_the_time(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct seen *s = seen_new(f, "t");
	struct seen *z = seen_new(f, "zero");
	struct timeval at = tevent_timeval_current_ofs(0, 2000);
	struct tevent_timer *te = timer_at(f, at, s);
	struct timeval after;

	loop_until_called(f, s);
	after = tevent_timeval_current();
	assert_ptr_equal(s->te, te);
	assert_ptr_equal(s->private_data, s);
	assert_true(tevent_timeval_compare(&s->now, &at) >= 0);
	assert_true(tevent_timeval_compare(&s->now, &after) <= 0);

	/* A timer due at the zero time gets a zero time. */
	timer_at(f, tevent_timeval_zero(), z);
	loop_until_called(f, z);
	assert_true(tevent_timeval_is_zero(&z->now));
}

struct watch {
	unsigned *gone;
};

static int watch_destructor(struct watch *w)
{
	*w->gone += 1;
	return 0;
}

/* A talloc child of parent that counts into *gone when it is freed. */
static void watch_under(const void *parent, unsigned *gone)
{
	struct watch *w = talloc(parent, struct watch);

	assert_non_null(w);
	w->gone = gone;
	talloc_set_destructor(w, watch_destructor);
}

static void test_a_timer_takes_its_talloc_children_when_it_goes(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct seen *s = seen_new(f, "t");
	struct tevent_timer *fired, *cancelled;
	unsigned gone = 0;

	fired = timer_at(f, tevent_timeval_zero(), s);
	cancelled = timer_at(f, tevent_timeval_current_ofs(60, 0),
			     seen_new(f, "c"));
	watch_under(fired, &gone);
	watch_under(cancelled, &gone);
	loop_until_called(f, s);
	assert_int_equal(gone, 1);	/* with the timer that fired */
	talloc_free(cancelled);
	assert_int_equal(gone, 2);
}

static void test_total_blocks_counts_the_object_and_all_under_it(
	void **pstate)
{
	struct fixture *f = *pstate;
	TALLOC_CTX *kitchen = talloc_new(f);
	struct seen *s = seen_new(f, "t");
	struct tevent_timer *te;

	assert_non_null(kitchen);
	assert_int_equal(talloc_total_blocks(kitchen), 1);	/* itself */
	te = tevent_add_timer(f->ev, kitchen, tevent_timeval_zero(),
			      on_timer, s);
	assert_non_null(te);
	assert_non_null(talloc_size(te, 8));	/* under the timer */
	assert_int_equal(talloc_total_blocks(kitchen), 3);
	loop_until_called(f, s);
	/* the timer has fired, and gone with what was under it */
	assert_int_equal(talloc_total_blocks(kitchen), 1);
}

/* In a child: a fired timer freed again. */
static void free_fired_timer(void *arg)
{
	struct fixture *f = arg;
	struct seen *s = seen_new(f, "t");
	struct tevent_timer *te = timer_at(f, tevent_timeval_zero(), s);

	loop_until_called(f, s);
	talloc_free(te);
	_exit(0);
}

static void test_freeing_a_fired_timer_makes_talloc_abort(void **pstate)
{
	int status = run_in_child(free_fired_timer, *pstate);

	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

struct own {
	struct seen *stop;
	unsigned calls;
};

/* The timer's handler moves its own timer 5 ms on; the first call also
 * adds a stop timer 20 ms on (so that it is later, however late the
 * call comes). */
static void update_own(struct tevent_context *ev, struct tevent_timer *te,
		       struct timeval now, void *private_data)
{
	struct own *o = private_data;

	(void)now;
	o->calls += 1;
	if (o->calls == 1 &&
	    tevent_add_timer(ev, o->stop, tevent_timeval_current_ofs(0, 20000),
			     on_timer, o->stop) == NULL) {
		_exit(2);
	}
	tevent_update_timer(te, tevent_timeval_current_ofs(0, 5000));
}

/* In a child: the context keeps the freed timer. */
static void update_own_then_loop(void *arg)
{
	struct fixture *f = arg;
	struct own o = { .stop = seen_new(f, "stop") };
	struct timeval end, now;
	unsigned turns = 0;

	if (tevent_add_timer(f->ev, f, tevent_timeval_current_ofs(0, 2000),
			     update_own, &o) == NULL) {
		_exit(2);
	}
	while (o.calls == 0) {
		loop_once(f);
	}
	end = tevent_timeval_current_ofs(0, 40 * 1000);
	now = tevent_timeval_current();
	while (tevent_timeval_compare(&now, &end) < 0 && turns < 1000000) {
		if (tevent_loop_once(f->ev) != 0) {
			_exit(3);
		}
		turns += 1;
		now = tevent_timeval_current();
	}
	report("handler %u, stop %u, turns %s", o.calls, o.stop->calls,
	       turns > 100 ? "many" : "few");
	_exit(0);
}

static void test_update_in_own_handler_leaves_the_loop_spinning(
	void **pstate)
{
	int status;

	assert_string_equal(child_text(*pstate, update_own_then_loop,
				       *pstate, &status),
			    "handler 1, stop 0, turns many");
}

/* ---- Immediates ------------------------------------------------------ */

static void test_immediate_runs_once_and_stays_allocated(void **pstate)
{
	struct fixture *f = *pstate;
	TALLOC_CTX *owner = talloc_new(f);
	struct seen *s = seen_new(f, "a");
	struct tevent_immediate *im;

	assert_non_null(owner);
	im = tevent_create_immediate(owner);
	assert_non_null(im);
	assert_int_equal(talloc_total_blocks(owner), 2);
	tevent_schedule_immediate(im, f->ev, on_immediate, s);
	loop_once(f);
	assert_int_equal(s->calls, 1);
	loop_for_ms(f, 10);
	assert_int_equal(s->calls, 1);
	/* still there */
	assert_int_equal(talloc_total_blocks(owner), 2);
	tevent_schedule_immediate(im, f->ev, on_immediate, s);
	loop_once(f);
	assert_int_equal(s->calls, 2);
}

static void test_scheduling_a_pending_immediate_moves_it_to_the_back(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct seen *a = seen_new(f, "a");
	struct tevent_immediate *im = immediate_new(f, a);

	immediate_new(f, seen_new(f, "b"));
	immediate_new(f, seen_new(f, "c"));
	tevent_schedule_immediate(im, f->ev, on_immediate, a);
	loop_once(f);
	assert_string_equal(f->log, "I:b");	/* one per turn */
	loop_once(f);
	assert_string_equal(f->log, "I:b I:c");
	loop_once(f);
	assert_string_equal(f->log, "I:b I:c I:a");
	loop_for_ms(f, 10);
	assert_string_equal(f->log, "I:b I:c I:a");	/* once */
}

static void test_immediate_rescheduled_by_itself_runs_after_the_others(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct seen *a = seen_new(f, "a");

	a->again = 1;
	immediate_new(f, a);
	immediate_new(f, seen_new(f, "b"));
	loop_once(f);
	assert_string_equal(f->log, "I:a");
	loop_once(f);
	loop_once(f);
	assert_string_equal(f->log, "I:a I:b I:a");
}

static void test_pending_immediates_starve_timers_and_fd_events(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct seen *a = seen_new(f, "a");
	struct seen *fd = seen_new(f, "fd");
	struct seen *t = seen_new(f, "t");
	struct tevent_fd *fde;
	int fds[2];

	make_pipe(fds);
	assert_int_equal(write(fds[1], "x", 1), 1);
	fde = tevent_add_fd(f->ev, f, fds[0], TEVENT_FD_READ, on_fd, fd);
	assert_non_null(fde);
	timer_at(f, tevent_timeval_zero(), t);	/* both due at once */
	a->again = 4;
	immediate_new(f, a);
	loop_once(f);
	loop_once(f);
	loop_once(f);
	loop_once(f);
	loop_once(f);
	assert_string_equal(f->log, "I:a I:a I:a I:a I:a");
	loop_until_called(f, t);
	loop_until_called(f, fd);
	talloc_free(fde);
	close(fds[0]);
	close(fds[1]);
}

static void test_freeing_a_pending_immediate_cancels_it(void **pstate)
{
	struct fixture *f = *pstate;
	struct seen *a = seen_new(f, "a");

	talloc_free(immediate_new(f, a));
	loop_for_ms(f, 10);
	assert_int_equal(a->calls, 0);
}

static void test_scheduling_a_null_handler_cancels_an_immediate(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct seen *a = seen_new(f, "a");
	struct tevent_immediate *im = immediate_new(f, a);

	tevent_schedule_immediate(im, f->ev, NULL, NULL);
	loop_for_ms(f, 10);
	assert_int_equal(a->calls, 0);
	tevent_schedule_immediate(im, f->ev, on_immediate, a);
	loop_once(f);
	assert_int_equal(a->calls, 1);
}

typedef void (*reset_fn)(struct tevent_immediate *im);

static void test_reset_immediate_exists_from_0_17_on(void **pstate)
{
	struct fixture *f = *pstate;
	struct seen *a = seen_new(f, "a");
	void *sym = dlsym(RTLD_DEFAULT, "tevent_reset_immediate");
	struct tevent_immediate *im;
	reset_fn reset;

	if (tevent_version() < 1700) {
		assert_null(sym);
		return;
	}
	assert_non_null(sym);
	memcpy(&reset, &sym, sizeof(reset));
	im = immediate_new(f, a);
	reset(im);
	loop_for_ms(f, 10);
	assert_int_equal(a->calls, 0);
	tevent_schedule_immediate(im, f->ev, on_immediate, a);
	loop_once(f);
	assert_int_equal(a->calls, 1);
}

/* ---- File descriptor events ------------------------------------------ */

static void test_fd_handler_is_called_again_while_data_is_left(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct seen *r = seen_new(f, "r");
	struct tevent_fd *fde;
	int fds[2];

	make_pipe(fds);
	r->chunk = 4;
	r->fd = fds[0];
	fde = tevent_add_fd(f->ev, f, fds[0], TEVENT_FD_READ, on_fd, r);
	assert_non_null(fde);
	assert_int_equal(write(fds[1], "0123456789", 10), 10);
	while (r->got < 10) {
		loop_once(f);
	}
	assert_int_equal(r->calls, 3);		/* 4 + 4 + 2 bytes */
	loop_for_ms(f, 10);
	assert_int_equal(r->calls, 3);		/* nothing left: no call */
	close(fds[1]);				/* end of file */
	while (!r->eof) {
		loop_once(f);
	}
	assert_int_equal(r->calls, 4);
	assert_int_equal(r->flags, TEVENT_FD_READ);
	talloc_free(fde);
	close(fds[0]);
}

static void test_fd_two_writes_to_a_pipe_come_in_one_read(void **pstate)
{
	struct fixture *f = *pstate;
	struct seen *r = seen_new(f, "r");
	struct tevent_fd *fde;
	int fds[2];

	make_pipe(fds);
	r->chunk = 64;
	r->fd = fds[0];
	fde = tevent_add_fd(f->ev, f, fds[0], TEVENT_FD_READ, on_fd, r);
	assert_non_null(fde);
	assert_int_equal(write(fds[1], "line 1\n", 7), 7);
	assert_int_equal(write(fds[1], "line 2\n", 7), 7);
	loop_until_called(f, r);
	assert_int_equal(r->calls, 1);
	assert_int_equal(r->got, 14);		/* both, in one read() */
	loop_for_ms(f, 10);
	assert_int_equal(r->calls, 1);		/* nothing left for a second */
	talloc_free(fde);
	close(fds[0]);
	close(fds[1]);
}

/* A reader whose fd event is a talloc child of it; its handler frees
 * the reader, and with it the fd event (auto close). The count of calls
 * lives outside it. */
struct owner {
	unsigned *calls;
};

static void free_owner(struct tevent_context *ev, struct tevent_fd *fde,
		       uint16_t flags, void *private_data)
{
	struct owner *o = talloc_get_type_abort(private_data, struct owner);

	(void)ev;
	(void)fde;
	(void)flags;
	*o->calls += 1;
	talloc_free(o);
}

static void test_freeing_the_owner_of_an_fd_event_in_its_handler(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct owner *o = talloc_zero(f, struct owner);
	struct tevent_fd *fde;
	unsigned calls = 0;
	int fds[2];

	assert_non_null(o);
	o->calls = &calls;
	make_pipe(fds);
	fde = tevent_add_fd(f->ev, o, fds[0], TEVENT_FD_READ, free_owner, o);
	assert_non_null(fde);
	tevent_fd_set_auto_close(fde);
	assert_int_equal(write(fds[1], "xy", 2), 2);	/* readable, and stays */
	while (calls == 0) {
		assert_int_equal(tevent_loop_once(f->ev), 0);
	}
	loop_for_ms(f, 10);
	assert_int_equal(calls, 1);			/* not called again */
	assert_int_equal(fcntl(fds[0], F_GETFD), -1);	/* closed with it */
	assert_int_equal(errno, EBADF);
	close(fds[1]);
}

/* One end of a socketpair whose other end is closed, with an fd event
 * asking for flags; report its calls, their flags and its flags after. */
static uint16_t closed_peer(struct fixture *f, uint16_t flags,
			    struct seen *s)
{
	uint16_t after;
	struct tevent_fd *fde;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[1]);
	s->fd = sv[0];
	s->chunk = (flags & TEVENT_FD_READ) ? 1 : 0;
	fde = tevent_add_fd(f->ev, f, sv[0], flags, on_fd, s);
	assert_non_null(fde);
	loop_for_ms(f, 10);
	after = tevent_fd_get_flags(fde);
	talloc_free(fde);
	close(sv[0]);
	return after;
}

static void test_write_only_event_on_a_closed_peer_is_never_called(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct seen *w = seen_new(f, "w");
	struct seen *rw = seen_new(f, "rw");

	/* WRITE turned off, and never called */
	assert_int_equal(closed_peer(f, TEVENT_FD_WRITE, w), 0);
	assert_int_equal(w->calls, 0);

	/* Asking for READ too: called with both, and reads end of file. */
	rw->once = true;
	closed_peer(f, TEVENT_FD_READ | TEVENT_FD_WRITE, rw);
	assert_int_equal(rw->calls, 1);
	assert_int_equal(rw->flags, TEVENT_FD_READ | TEVENT_FD_WRITE);
	assert_true(rw->eof);
}

static unsigned close_fn_calls;

static void count_close(struct tevent_context *ev, struct tevent_fd *fde,
			int fd, void *private_data)
{
	(void)ev;
	(void)fde;
	(void)fd;
	(void)private_data;
	close_fn_calls += 1;
}

static void test_auto_close_and_close_fn_replace_each_other(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_fd *fde;
	int fds[2];

	/* close_fn, then auto close: closed, close_fn not called */
	make_pipe(fds);
	close_fn_calls = 0;
	fde = tevent_add_fd(f->ev, f, fds[0], TEVENT_FD_READ, on_fd, NULL);
	assert_non_null(fde);
	tevent_fd_set_close_fn(fde, count_close);
	tevent_fd_set_auto_close(fde);
	talloc_free(fde);
	assert_int_equal(close_fn_calls, 0);
	assert_false(fd_is_open(fds[0]));
	close(fds[1]);

	/* auto close, then close_fn: close_fn called, left open */
	make_pipe(fds);
	fde = tevent_add_fd(f->ev, f, fds[0], TEVENT_FD_READ, on_fd, NULL);
	assert_non_null(fde);
	tevent_fd_set_auto_close(fde);
	tevent_fd_set_close_fn(fde, count_close);
	talloc_free(fde);
	assert_int_equal(close_fn_calls, 1);
	assert_true(fd_is_open(fds[0]));
	close(fds[0]);
	close(fds[1]);
}

/* Add n read events on one readable descriptor and turn the loop; report
 * which handlers were called. */
struct several {
	struct fixture *f;
	unsigned n;
};

static void several_on_one_fd(void *arg)
{
	struct several *a = arg;
	static const char *const names[] = { "a", "b", "c" };
	struct seen *s[3];
	unsigned i;
	int fds[2];

	if (pipe(fds) != 0 || write(fds[1], "x", 1) != 1) {
		_exit(2);
	}
	for (i = 0; i < a->n; i++) {
		s[i] = seen_new(a->f, names[i]);
		if (tevent_add_fd(a->f->ev, a->f, fds[0], TEVENT_FD_READ,
				  on_fd, s[i]) == NULL) {
			_exit(3);
		}
	}
	for (i = 0; i < 10; i++) {
		loop_once(a->f);
	}
	for (i = 0; i < a->n; i++) {
		report("%s%s", names[i], s[i]->calls > 0 ? "+" : "-");
	}
}

static void test_two_read_events_on_one_descriptor_by_version(
	void **pstate)
{
	struct several a = { .f = *pstate, .n = 2 };
	int status;
	char *text = child_text(*pstate, several_on_one_fd, &a, &status);

	assert_true(WIFEXITED(status));
	if (tevent_version() < 1600 && backend_is_epoll()) {
		/* 0.14, epoll: only the first one added is called */
		assert_string_equal(text, "a+b-");
	} else {
		assert_string_equal(text, "a+b+");
	}
}

static void test_three_fd_events_on_one_descriptor_by_version(
	void **pstate)
{
	struct several a = { .f = *pstate, .n = 3 };
	int status;
	char *text = child_text(*pstate, several_on_one_fd, &a, &status);

	if (tevent_version() < 1600 && strcmp(backend(), "epoll") == 0) {
		/* 0.14, epoll: the third one aborts the program */
		assert_string_equal(text, "");
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGABRT);
		return;
	}
	/* (0.14's standard backend falls back to poll and goes on) */
	assert_true(WIFEXITED(status));
	assert_string_equal(text, "a+b+c+");
}

/*
 * A descriptor closed while its fd event lives on; a new pipe gets the
 * same number and an fd event of its own; data arrives on the new pipe.
 * free_old: when the old fd event is freed: 0 never (before the data),
 * 1 after the new one was added, 2 before the close (the right order).
 */
static void reuse_a_closed_number(struct fixture *f, int free_old,
				  struct seen *old, struct seen *new)
{
	struct tevent_fd *fde, *fde2;
	int a[2], b[2];

	make_pipe(a);
	fde = tevent_add_fd(f->ev, f, a[0], TEVENT_FD_READ, on_fd, old);
	assert_non_null(fde);
	loop_for_ms(f, 2);
	if (free_old == 2) {
		TALLOC_FREE(fde);
	}
	close(a[0]);
	close(a[1]);
	make_pipe(b);
	assert_int_equal(b[0], a[0]);	/* the lowest free numbers */
	new->fd = b[0];
	fde2 = tevent_add_fd(f->ev, f, b[0], TEVENT_FD_READ, on_fd, new);
	assert_non_null(fde2);
	if (free_old == 1) {
		TALLOC_FREE(fde);
	}
	assert_int_equal(write(b[1], "x", 1), 1);
	loop_for_ms(f, 10);
	talloc_free(fde2);
	TALLOC_FREE(fde);
	close(b[0]);
	close(b[1]);
}

static void test_freeing_after_the_number_was_reused_deafens_epoll(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct seen *new = seen_new(f, "new");

	reuse_a_closed_number(f, 1, seen_new(f, "old"), new);
	if (backend_is_epoll()) {
		assert_int_equal(new->calls, 0);
	} else {
		assert_true(new->calls > 0);
	}
}

static void test_closed_number_reused_calls_the_old_event_on_poll(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct seen *old = seen_new(f, "old");
	struct seen *new = seen_new(f, "new");

	old->once = true;	/* neither reads: both see the byte */
	new->once = true;
	reuse_a_closed_number(f, 0, old, new);
	assert_int_equal(new->calls, 1);
	if (backend_is_epoll()) {
		assert_int_equal(old->calls, 0);
	} else {
		assert_int_equal(old->calls, 1);
	}
}

static void test_freeing_before_closing_keeps_a_reused_number_working(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct seen *old = seen_new(f, "old");
	struct seen *new = seen_new(f, "new");

	new->chunk = 1;
	reuse_a_closed_number(f, 2, old, new);
	assert_int_equal(new->got, 1);
	assert_int_equal(old->calls, 0);
}

/* ---- Signals (each in a child: signal state is per process) ---------- */

struct sig_seen {
	unsigned calls;
	int count[8];
	int value[8];
	int code[8];
	bool pid_ok;
	bool signo_ok;
	bool info;
};

static void on_signal(struct tevent_context *ev, struct tevent_signal *se,
		      int signum, int count, void *siginfo,
		      void *private_data)
{
	struct sig_seen *s = private_data;
	siginfo_t *si = siginfo;

	(void)ev;
	(void)se;
	if (s->calls < 8) {
		s->count[s->calls] = count;
		if (si != NULL) {
			s->info = true;
			s->value[s->calls] = si->si_value.sival_int;
			s->code[s->calls] = si->si_code;
			s->pid_ok = si->si_pid == getpid();
			s->signo_ok = si->si_signo == signum;
		}
	}
	s->calls += 1;
}

static void send_three(void)
{
	int i;

	for (i = 0; i < 3; i++) {
		union sigval v = { .sival_int = 10 + i };

		if (sigqueue(getpid(), SIGUSR1, v) != 0) {
			_exit(3);
		}
	}
}

static void count_in_child(void *arg)
{
	struct fixture *f = arg;
	struct sig_seen s = { .calls = 0 };

	if (tevent_add_signal(f->ev, f, SIGUSR1, 0, on_signal, &s) == NULL) {
		_exit(2);
	}
	send_three();
	report("before the loop %u; ", s.calls);
	loop_once(f);
	report("calls %u count %d info %d", s.calls, s.count[0], s.info);
}

static void test_signal_count_says_how_many_came_before_the_loop(
	void **pstate)
{
	int status;

	assert_string_equal(child_text(*pstate, count_in_child, *pstate,
				       &status),
			    "before the loop 0; calls 1 count 3 info 0");
}

static void siginfo_in_child(void *arg)
{
	struct fixture *f = arg;
	struct sig_seen s = { .calls = 0 };
	unsigned i;

	if (tevent_add_signal(f->ev, f, SIGUSR1, SA_SIGINFO, on_signal,
			      &s) == NULL) {
		_exit(2);
	}
	send_three();
	loop_once(f);
	report("calls %u:", s.calls);
	for (i = 0; i < s.calls && i < 8; i++) {
		report(" count %d value %d queued %d;", s.count[i], s.value[i],
		       s.code[i] == SI_QUEUE);
	}
	report(" pid %d signo %d", s.pid_ok, s.signo_ok);
}

static void test_siginfo_handler_runs_once_per_signal_with_its_info(
	void **pstate)
{
	int status;

	assert_string_equal(child_text(*pstate, siginfo_in_child, *pstate,
				       &status),
			    "calls 3: count 1 value 10 queued 1;"
			    " count 1 value 11 queued 1;"
			    " count 1 value 12 queued 1; pid 1 signo 1");
}

static void blocked_in_child(void *arg)
{
	struct fixture *f = arg;
	struct sig_seen s = { .calls = 0 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (tevent_add_signal(f->ev, f, SIGUSR1, 0, on_signal, &s) == NULL ||
	    sigprocmask(SIG_BLOCK, &set, NULL) != 0) {
		_exit(2);
	}
	send_three();		/* pending in the kernel: kept once */
	if (sigprocmask(SIG_UNBLOCK, &set, NULL) != 0) {
		_exit(3);
	}
	loop_once(f);
	report("calls %u count %d", s.calls, s.count[0]);
}

static void test_signal_sent_three_times_while_blocked_counts_one(
	void **pstate)
{
	int status;

	assert_string_equal(child_text(*pstate, blocked_in_child, *pstate,
				       &status), "calls 1 count 1");
}

static void not_blocked_in_child(void *arg)
{
	struct fixture *f = arg;
	struct sig_seen s = { .calls = 0 };
	sigset_t mask;

	if (tevent_add_signal(f->ev, f, SIGUSR1, 0, on_signal, &s) == NULL ||
	    sigprocmask(SIG_BLOCK, NULL, &mask) != 0) {
		_exit(2);
	}
	report("blocked %d", sigismember(&mask, SIGUSR1));
}

static void test_add_signal_does_not_block_the_signal(void **pstate)
{
	int status;

	assert_string_equal(child_text(*pstate, not_blocked_in_child, *pstate,
				       &status), "blocked 0");
}

static void restore_in_child(void *arg)
{
	struct fixture *f = arg;
	struct sig_seen s = { .calls = 0 };
	struct sigaction ign = { .sa_handler = SIG_IGN }, now;
	struct tevent_signal *se;

	if (sigaction(SIGUSR1, &ign, NULL) != 0) {
		_exit(2);
	}
	se = tevent_add_signal(f->ev, f, SIGUSR1, 0, on_signal, &s);
	if (se == NULL || sigaction(SIGUSR1, NULL, &now) != 0) {
		_exit(3);
	}
	report("with: %s, ", now.sa_handler == SIG_IGN ? "ignored" : "caught");
	talloc_free(se);
	if (sigaction(SIGUSR1, NULL, &now) != 0) {
		_exit(4);
	}
	report("after: %s", now.sa_handler == SIG_IGN ? "ignored" : "caught");
}

static void test_freeing_the_signal_event_restores_the_old_action(
	void **pstate)
{
	int status;

	assert_string_equal(child_text(*pstate, restore_in_child, *pstate,
				       &status),
			    "with: caught, after: ignored");
}

static void list_null_children(const void *ptr, int depth, int max_depth,
			       int is_ref, void *private_data)
{
	(void)max_depth;
	(void)private_data;
	if (depth == 1 && !is_ref &&
	    strcmp(talloc_get_name(ptr), "struct tevent_ops_list") != 0) {
		report("[%s]", talloc_get_name(ptr));
	}
}

static void state_in_child(void *arg)
{
	struct sig_seen s = { .calls = 0 };
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	struct tevent_signal *se;

	(void)arg;
	talloc_enable_null_tracking();
	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		_exit(2);
	}
	ev = tevent_context_init_byname(mem_ctx, backend());
	if (ev == NULL) {
		_exit(3);
	}
	se = tevent_add_signal(ev, mem_ctx, SIGUSR1, SA_SIGINFO, on_signal,
			       &s);
	if (se == NULL || raise(SIGUSR1) != 0 ||
	    tevent_loop_once(ev) != 0 || s.calls != 1) {
		_exit(4);
	}
	talloc_free(se);
	talloc_free(ev);
	talloc_free(mem_ctx);
	talloc_report_depth_cb(NULL, 0, 1, list_null_children, NULL);
}

static void test_signal_state_outlives_the_signal_event_and_the_context(
	void **pstate)
{
	int status;

	/* The one block left on talloc's NULL context (the backend list of
	 * tevent 0.14 aside). */
	assert_string_equal(child_text(*pstate, state_in_child, NULL,
				       &status), "[struct tevent_sig_state]");
}

/* In a child: an fd event on a regular file. */
static void regular_file_in_child(void *arg)
{
	struct fixture *f = arg;
	struct seen *r = seen_new(f, "r");
	FILE *file = tmpfile();
	int fd = file != NULL ? fileno(file) : -1;

	if (fd == -1) {
		_exit(2);
	}
	r->once = true;
	if (tevent_add_fd(f->ev, f, fd, TEVENT_FD_READ, on_fd, r) == NULL) {
		_exit(3);
	}
	loop_until_called(f, r);
	report("called with %s", r->flags == TEVENT_FD_READ ? "READ" : "?");
}

static void test_fd_event_on_a_regular_file_aborts_only_epoll(void **pstate)
{
	int status;
	char *text = child_text(*pstate, regular_file_in_child, *pstate,
				&status);

	if (strcmp(backend(), "epoll") == 0) {
		assert_string_equal(text, "");
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGABRT);
	} else {
		/* (standard goes over to poll) */
		assert_string_equal(text, "called with READ");
	}
}

static volatile sig_atomic_t plain_caught;

static void plain_handler(int signum)
{
	(void)signum;
	plain_caught = 1;
}

/* In a child: a plain sigaction() handler, and a signal while the loop
 * waits for a timer. */
static void plain_handler_in_child(void *arg)
{
	struct fixture *f = arg;
	struct sigaction act = { .sa_handler = plain_handler };
	struct seen *t = seen_new(f, "t");
	unsigned turns = 0;

	if (sigaction(SIGALRM, &act, NULL) != 0) {
		_exit(2);
	}
	timer_at(f, tevent_timeval_current_ofs(0, 30 * 1000), t);
	ualarm(5 * 1000, 0);
	while (t->calls == 0 && turns < 100) {
		if (tevent_loop_once(f->ev) != 0) {
			_exit(3);
		}
		turns += 1;
	}
	report("caught %d, timer %u", (int)plain_caught, t->calls);
}

static void test_plain_signal_handler_leaves_the_loop_running(
	void **pstate)
{
	int status;

	assert_string_equal(child_text(*pstate, plain_handler_in_child,
				       *pstate, &status),
			    "caught 1, timer 1");
}

static void test_signal_support_is_true_on_every_backend(void **pstate)
{
	struct fixture *f = *pstate;

	assert_true(tevent_signal_support(f->ev));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, \
						fixture_teardown)
		T(test_timers_run_in_time_order_and_equal_times_in_add_order),
		T(test_timer_handler_gets_its_timer_its_data_and_the_time),
		T(test_a_timer_takes_its_talloc_children_when_it_goes),
		T(test_total_blocks_counts_the_object_and_all_under_it),
		T(test_freeing_a_fired_timer_makes_talloc_abort),
		T(test_update_in_own_handler_leaves_the_loop_spinning),
		T(test_immediate_runs_once_and_stays_allocated),
		T(test_scheduling_a_pending_immediate_moves_it_to_the_back),
		T(test_immediate_rescheduled_by_itself_runs_after_the_others),
		T(test_pending_immediates_starve_timers_and_fd_events),
		T(test_freeing_a_pending_immediate_cancels_it),
		T(test_scheduling_a_null_handler_cancels_an_immediate),
		T(test_reset_immediate_exists_from_0_17_on),
		T(test_fd_handler_is_called_again_while_data_is_left),
		T(test_fd_two_writes_to_a_pipe_come_in_one_read),
		T(test_freeing_the_owner_of_an_fd_event_in_its_handler),
		T(test_write_only_event_on_a_closed_peer_is_never_called),
		T(test_auto_close_and_close_fn_replace_each_other),
		T(test_two_read_events_on_one_descriptor_by_version),
		T(test_three_fd_events_on_one_descriptor_by_version),
		T(test_freeing_after_the_number_was_reused_deafens_epoll),
		T(test_closed_number_reused_calls_the_old_event_on_poll),
		T(test_freeing_before_closing_keeps_a_reused_number_working),
		T(test_signal_count_says_how_many_came_before_the_loop),
		T(test_siginfo_handler_runs_once_per_signal_with_its_info),
		T(test_signal_sent_three_times_while_blocked_counts_one),
		T(test_add_signal_does_not_block_the_signal),
		T(test_freeing_the_signal_event_restores_the_old_action),
		T(test_signal_state_outlives_the_signal_event_and_the_context),
		T(test_plain_signal_handler_leaves_the_loop_running),
		T(test_fd_event_on_a_regular_file_aborts_only_epoll),
		T(test_signal_support_is_true_on_every_backend),
#undef T
	};

	if (argc > 1) {
		cmocka_set_test_filter(argv[1]);
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
