/*
 * Claims of the chapter "Threads" (doc/thread*.dox, doc/pitfalls_thread.dox,
 * doc/upstream_thread.dox): threaded contexts, thread proxies, and what
 * happens when things are freed in the wrong order. Each test is named
 * after the claim it backs; the pages cite it with \claim{test_name}.
 *
 * Some tests watch which locks libtevent takes: this file defines
 * pthread_mutex_lock(), pthread_mutex_unlock() and write(), which the
 * dynamic linker then uses for libtevent's calls too; they record the
 * calls made by the thread under watch and pass every call on. It also
 * defines malloc(), so that a test can make one allocation fail (talloc
 * allocates with it); every other call goes to the C library's.
 *
 * Run one: build/tests/test_thread TEST_NAME
 *
 * SPDX-License-Identifier: MIT-0
 */
#define _GNU_SOURCE	/* RTLD_NEXT, RTLD_DEFAULT */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fixture.h"

/* ---- Watching locks and writes --------------------------------------- */

static int (*next_lock)(pthread_mutex_t *);
static int (*next_unlock)(pthread_mutex_t *);
static ssize_t (*next_write)(int, const void *, size_t);

static bool watching;
static pthread_t watched;
static char calls[64];		/* 'L' lock, 'U' unlock, 'W' write */
static size_t ncalls;

static __attribute__((constructor)) void resolve_next(void)
{
	next_lock = (int (*)(pthread_mutex_t *))
		dlsym(RTLD_NEXT, "pthread_mutex_lock");
	next_unlock = (int (*)(pthread_mutex_t *))
		dlsym(RTLD_NEXT, "pthread_mutex_unlock");
	next_write = (ssize_t (*)(int, const void *, size_t))
		dlsym(RTLD_NEXT, "write");
}

static void record(char what)
{
	if (watching && pthread_equal(pthread_self(), watched) &&
	    ncalls < sizeof(calls) - 1) {
		calls[ncalls++] = what;
		calls[ncalls] = '\0';
	}
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
	record('L');
	return next_lock(m);
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
	record('U');
	return next_unlock(m);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	record('W');
	return next_write(fd, buf, n);
}

/* A test sets this; the next malloc() of any caller fails, once. */
static bool fail_next_malloc;

extern void *__libc_malloc(size_t size);	/* glibc's malloc */

void *malloc(size_t size)
{
	if (fail_next_malloc) {
		fail_next_malloc = false;
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(size);
}

static void watch_start(void)
{
	ncalls = 0;
	calls[0] = '\0';
	watched = pthread_self();
	watching = true;
}

static const char *watch_stop(void)
{
	watching = false;
	return calls;
}

/* ---- Reports from threads ------------------------------------------ */

/* A report that a thread sends with tevent_threaded_schedule_immediate. */
struct report {
	struct tevent_threaded_context *tctx;
	struct tevent_immediate *im;
	unsigned runs;
	pthread_t ran_in;
	unsigned delay_ms;	/* the thread waits this long first */
	struct tevent_context *ran_in_ev;	/* for a child's loop */
};

static void on_report(struct tevent_context *ev, struct tevent_immediate *im,
		      void *private_data)
{
	struct report *r = private_data;

	(void)ev;
	(void)im;
	r->runs += 1;
	r->ran_in = pthread_self();
}

static void *send_report(void *arg)
{
	struct report *r = arg;

	if (r->delay_ms > 0) {
		usleep(r->delay_ms * 1000);
	}
	tevent_threaded_schedule_immediate(r->tctx, r->im, on_report, r);
	return NULL;
}

static struct report *report_new(TALLOC_CTX *mem_ctx,
				 struct tevent_threaded_context *tctx)
{
	struct report *r = talloc_zero(mem_ctx, struct report);

	assert_non_null(r);
	r->tctx = tctx;
	r->im = tevent_create_immediate(r);
	assert_non_null(r->im);
	return r;
}

static struct tevent_threaded_context *tctx_new(struct fixture *f)
{
	struct tevent_threaded_context *tctx =
		tevent_threaded_context_create(f, f->ev);

	assert_non_null(tctx);
	return tctx;
}

/* Another thread sends the report, and ends: the report waits for the
 * loop, which has not run since. */
static void send_from_a_thread(struct report *r)
{
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, send_report, r), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
}

/* Turn the loop for ms milliseconds (the fixture's loop_for_ms). */
static void turn_for_ms(struct fixture *f, unsigned ms)
{
	loop_for_ms(f, ms);
}

static void timer_fired(struct tevent_context *ev, struct tevent_timer *te,
			struct timeval now, void *private_data)
{
	bool *fired = private_data;

	(void)ev;
	(void)te;
	(void)now;
	if (fired != NULL) {
		*fired = true;
	}
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* ---- Threaded immediates ---------------------------------------------- */

static void test_threaded_immediate_runs_in_the_loop_thread(void **pstate)
{
	struct fixture *f = *pstate;
	struct report *r = report_new(f, tctx_new(f));

	send_from_a_thread(r);
	assert_int_equal(r->runs, 0);
	while (r->runs == 0) {
		loop_once(f);
	}
	assert_int_equal(r->runs, 1);
	assert_true(pthread_equal(r->ran_in, pthread_self()));
}

static void test_threaded_immediate_wakes_a_waiting_loop(void **pstate)
{
	struct fixture *f = *pstate;
	struct report *r = report_new(f, tctx_new(f));
	struct tevent_timer *te;
	pthread_t t;
	double start;

	/* Nothing else would end the wait for 5 s. */
	te = tevent_add_timer(f->ev, f, tevent_timeval_current_ofs(5, 0),
			      timer_fired, NULL);
	assert_non_null(te);
	r->delay_ms = 30;	/* the loop is waiting by then */
	start = now_ms();
	assert_int_equal(pthread_create(&t, NULL, send_report, r), 0);
	while (r->runs == 0) {
		loop_once(f);
	}
	assert_true(now_ms() - start < 2000);
	assert_int_equal(pthread_join(t, NULL), 0);
	talloc_free(te);
}

static void test_threaded_immediate_runs_only_from_the_loop(void **pstate)
{
	struct fixture *f = *pstate;
	struct report *r = report_new(f, tctx_new(f));

	/* From the loop's own thread, too: the call does not run it. */
	send_report(r);
	assert_int_equal(r->runs, 0);
	loop_once(f);
	assert_int_equal(r->runs, 1);
}

static void test_loop_wait_does_not_wait_for_a_threaded_immediate(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct report *r = report_new(f, tctx_new(f));

	send_from_a_thread(r);
	assert_int_equal(tevent_loop_wait(f->ev), 0);
	assert_int_equal(r->runs, 0);
	loop_once(f);
	assert_int_equal(r->runs, 1);
}

/* In a child process, everything is made after the fork: see
 * test_threaded_contexts_from_before_a_fork_are_dead_in_the_child. */
static void schedule_twice(void *arg)
{
	struct fixture *f = arg;
	struct report *r = report_new(f, tctx_new(f));

	send_report(r);
	send_report(r);		/* still waiting for the loop */
}

static void test_scheduling_a_waiting_immediate_again_aborts(void **pstate)
{
	int status = run_in_child(schedule_twice, *pstate);

	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

/* ---- Freeing in the wrong order ---------------------------------------- */

static void test_freeing_the_last_threaded_context_drops_a_waiting_immediate(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct report *r = report_new(f, tctx_new(f));

	send_from_a_thread(r);
	TALLOC_FREE(r->tctx);
	turn_for_ms(f, 20);
	assert_int_equal(r->runs, 0);
	/* The immediate cannot be freed now (see the next tests): keep it
	 * out of the fixture's teardown. */
	talloc_steal(NULL, r->im);
}

static void test_a_waiting_immediate_belongs_to_the_event_context(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_threaded_context *other = tctx_new(f);
	struct report *r = report_new(f, tctx_new(f));

	send_from_a_thread(r);
	TALLOC_FREE(r->tctx);	/* another threaded context remains */
	turn_for_ms(f, 20);
	assert_int_equal(r->runs, 1);
	talloc_free(other);
}

static void free_the_waiting_immediate(void *arg)
{
	struct fixture *f = arg;
	struct report *r = report_new(f, tctx_new(f));

	send_from_a_thread(r);
	talloc_free(r->im);
}

static void test_freeing_a_waiting_threaded_immediate_aborts(void **pstate)
{
	int status = run_in_child(free_the_waiting_immediate, *pstate);

	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

/* In the child: no cmocka asserts; the exit status tells. */
static void report_from_before_the_fork(void *arg)
{
	struct report *r = arg;
	struct tevent_context *ev = r->ran_in_ev;
	bool fired = false;
	pthread_t t;

	if (pthread_create(&t, NULL, send_report, r) != 0 ||
	    pthread_join(t, NULL) != 0 ||
	    tevent_add_timer(ev, ev, tevent_timeval_current_ofs(0, 20000),
			     timer_fired, &fired) == NULL) {
		_exit(2);
	}
	while (!fired) {
		if (tevent_loop_once(ev) != 0) {
			_exit(2);
		}
	}
	_exit(r->runs == 0 ? 0 : 1);
}

static void test_threaded_contexts_from_before_a_fork_are_dead_in_the_child(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct report *r = report_new(f, tctx_new(f));
	int status;

	r->ran_in_ev = f->ev;
	status = run_in_child(report_from_before_the_fork, r);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* In the parent, the same threaded context works. */
	send_from_a_thread(r);
	loop_once(f);
	assert_int_equal(r->runs, 1);
}

static void test_freeing_the_event_context_first_makes_later_reports_vanish(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_threaded_context *tctx =
		tevent_threaded_context_create(NULL, f->ev);
	struct report *r = report_new(NULL, tctx);

	assert_non_null(tctx);
	TALLOC_FREE(f->ev);	/* no abort, though tctx is alive */
	send_from_a_thread(r);	/* ignored */
	assert_int_equal(r->runs, 0);
	talloc_free(r);		/* its immediate was never scheduled */
	talloc_free(tctx);
}

static void free_ev_then_the_waiting_immediate(void *arg)
{
	struct fixture *f = arg;
	struct report *r = report_new(NULL, tctx_new(f));

	send_from_a_thread(r);
	TALLOC_FREE(f->ev);
	talloc_free(r->im);
}

static void test_freeing_the_event_context_leaves_a_waiting_immediate_unfreeable(
	void **pstate)
{
	int status = run_in_child(free_ev_then_the_waiting_immediate, *pstate);

	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

/* ---- Locks ----------------------------------------------------------- */

static void on_fd(struct tevent_context *ev, struct tevent_fd *fde,
		  uint16_t flags, void *private_data)
{
	(void)ev;
	(void)fde;
	(void)flags;
	(void)private_data;
}

static void count_im(struct tevent_context *ev, struct tevent_immediate *im,
		     void *private_data)
{
	unsigned *count = private_data;

	(void)ev;
	(void)im;
	*count += 1;
}

static unsigned proxied;

static void count_proxied(struct tevent_context *ev,
			  struct tevent_immediate *im, void *private_data)
{
	(void)ev;
	(void)im;
	assert_null(private_data);
	proxied += 1;
}

static void test_only_the_calls_for_threads_take_a_lock(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_threaded_context *tctx = tctx_new(f);
	struct tevent_thread_proxy *tp = tevent_thread_proxy_create(f->ev);
	struct tevent_immediate *im1 = tevent_create_immediate(f);
	struct tevent_immediate *im2 = tevent_create_immediate(f);
	struct tevent_immediate *im3 = tevent_create_immediate(NULL);
	unsigned count = 0;
	int fds[2];

	assert_non_null(tp);
	assert_non_null(im1);
	assert_non_null(im2);
	assert_non_null(im3);
	assert_int_equal(pipe(fds), 0);

	watch_start();
	assert_non_null(tevent_add_timer(f->ev, f,
					 tevent_timeval_current_ofs(0, 1000),
					 timer_fired, NULL));
	tevent_schedule_immediate(im1, f->ev, count_im, &count);
	assert_non_null(tevent_add_fd(f->ev, f, fds[0], TEVENT_FD_READ,
				      on_fd, NULL));
	/* (poll_mt writes to wake its loop when fd events change) */
	assert_null(strchr(watch_stop(), 'L'));

	watch_start();
	tevent_threaded_schedule_immediate(tctx, im2, count_im, &count);
	assert_non_null(strchr(watch_stop(), 'L'));

	proxied = 0;
	watch_start();
	tevent_thread_proxy_schedule(tp, &im3, count_proxied, NULL);
	assert_non_null(strchr(watch_stop(), 'L'));
	assert_null(im3);

	loop_for_ms(f, 10);
	assert_int_equal(count, 2);
	assert_int_equal(proxied, 1);
	close(fds[0]);
	close(fds[1]);
}

static void test_talloc_takes_no_lock(void **pstate)
{
	struct fixture *f = *pstate;
	void *a, *b;

	watch_start();
	a = talloc_new(f);
	b = talloc_strdup(a, "b");
	talloc_steal(f, b);
	talloc_free(a);
	talloc_free(b);
	assert_string_equal(watch_stop(), "");
	assert_non_null(a);
	assert_non_null(b);
}

/* How many locks are held at the first write of a call sequence. */
static int held_at_the_write(const char *seq)
{
	int held = 0;

	for (; *seq != '\0' && *seq != 'W'; seq++) {
		held += (*seq == 'L') - (*seq == 'U');
	}
	assert_int_equal(*seq, 'W');
	return held;
}

static void test_threaded_schedule_wakes_the_loop_after_unlocking(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_threaded_context *tctx = tctx_new(f);
	struct tevent_immediate *im = tevent_create_immediate(f);
	unsigned count = 0;
	const char *seq;

	assert_non_null(im);
	watch_start();
	tevent_threaded_schedule_immediate(tctx, im, count_im, &count);
	seq = watch_stop();
	/* lock, lock, unlock, unlock, then the write that wakes the loop */
	assert_string_equal(seq, "LLUUW");
	assert_int_equal(held_at_the_write(seq), 0);
	loop_once(f);
	assert_int_equal(count, 1);
}

static void test_proxy_schedule_wakes_the_loop_under_its_lock(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_thread_proxy *tp = tevent_thread_proxy_create(f->ev);
	struct tevent_immediate *im = tevent_create_immediate(NULL);
	const char *seq;

	assert_non_null(tp);
	assert_non_null(im);
	proxied = 0;
	watch_start();
	tevent_thread_proxy_schedule(tp, &im, count_proxied, NULL);
	seq = watch_stop();
	assert_string_equal(seq, "LWU");
	assert_int_equal(held_at_the_write(seq), 1);
	loop_for_ms(f, 10);
	assert_int_equal(proxied, 1);
	watch_start();
	talloc_free(tp);
	assert_non_null(strchr(watch_stop(), 'L'));
}

/* ---- Thread proxies ---------------------------------------------------- */

struct message {
	struct fixture *f;
	const char *name;
	bool *freed;
	bool keep;		/* the handler moves it to the fixture */
};

static int message_destructor(struct message *m)
{
	*m->freed = true;
	return 0;
}

static struct message *message_new(struct fixture *f, const char *name,
				   bool *freed, bool keep)
{
	struct message *m = talloc_zero(NULL, struct message);

	assert_non_null(m);
	m->f = f;
	m->name = name;
	m->freed = freed;
	m->keep = keep;
	talloc_set_destructor(m, message_destructor);
	return m;
}

static void on_message(struct tevent_context *ev,
		       struct tevent_immediate *im, void *private_data)
{
	struct message *m = talloc_get_type_abort(private_data,
						  struct message);

	(void)ev;
	(void)im;
	log_event(m->f, "M", m->name);
	if (m->keep) {
		talloc_steal(m->f, m);
	}
}

static void send_message(struct tevent_thread_proxy *tp, struct message *m)
{
	struct tevent_immediate *im = tevent_create_immediate(NULL);

	assert_non_null(im);
	tevent_thread_proxy_schedule(tp, &im, on_message, &m);
	assert_null(im);
	assert_null(m);
}

static void test_proxy_frees_the_message_after_the_handler_unless_moved(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_thread_proxy *tp = tevent_thread_proxy_create(f->ev);
	bool freed_a = false, freed_b = false;
	struct message *b;

	assert_non_null(tp);
	send_message(tp, message_new(f, "A", &freed_a, false));
	assert_string_equal(f->log, "");
	loop_for_ms(f, 10);
	assert_string_equal(f->log, "M:A");
	assert_true(freed_a);

	b = message_new(f, "B", &freed_b, true);
	send_message(tp, b);
	loop_for_ms(f, 10);
	assert_string_equal(f->log, "M:A M:B");
	assert_false(freed_b);
	assert_ptr_equal(talloc_parent(b), f);
	talloc_free(b);
	assert_true(freed_b);
}

/*
 * tevent_thread_proxy_schedule() returns nothing. When it cannot
 * allocate its list entry, it takes nothing over: both pointers stay
 * set, the blocks stay where they were, the handler never runs, and the
 * sender can try again.
 */
static void test_proxy_that_cannot_allocate_leaves_both_pointers_set(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_thread_proxy *tp = tevent_thread_proxy_create(f->ev);
	struct tevent_immediate *im = tevent_create_immediate(NULL);
	bool freed = false;
	struct message *m = message_new(f, "A", &freed, false);
	struct message *m_copy = m;
	struct tevent_immediate *im_copy = im;

	assert_non_null(tp);
	assert_non_null(im);
	fail_next_malloc = true;
	tevent_thread_proxy_schedule(tp, &im, on_message, &m);
	assert_false(fail_next_malloc);	/* the call did try to allocate */
	assert_ptr_equal(m, m_copy);
	assert_ptr_equal(im, im_copy);
	assert_null(talloc_parent(m));	/* still the sender's, on NULL */
	assert_null(talloc_parent(im));
	loop_for_ms(f, 10);
	assert_string_equal(f->log, "");
	assert_false(freed);

	tevent_thread_proxy_schedule(tp, &im, on_message, &m);
	assert_null(im);
	assert_null(m);
	loop_for_ms(f, 10);
	assert_string_equal(f->log, "M:A");
	assert_true(freed);
}

static void test_proxy_keeps_waiting_messages_on_the_null_context(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_thread_proxy *tp = tevent_thread_proxy_create(f->ev);
	struct tevent_immediate *im = tevent_create_immediate(NULL);
	bool freed = false;
	struct message *m = message_new(f, "A", &freed, false);
	struct message *copy = m;
	struct tevent_immediate *im_copy = im;
	const void *holder;

	assert_non_null(tp);
	assert_non_null(im);
	tevent_thread_proxy_schedule(tp, &im, on_message, &m);
	assert_null(m);
	holder = talloc_parent(copy);
	assert_non_null(holder);
	assert_ptr_equal(talloc_parent(im_copy), holder);
	assert_ptr_not_equal(holder, tp);
	assert_null(talloc_parent(holder));	/* on the NULL context */
	loop_for_ms(f, 10);
	assert_string_equal(f->log, "M:A");
	assert_true(freed);
}

static void test_proxy_delivers_waiting_messages_newest_first(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_thread_proxy *tp = tevent_thread_proxy_create(f->ev);
	bool freed[3] = { false, false, false };

	assert_non_null(tp);
	send_message(tp, message_new(f, "A", &freed[0], false));
	send_message(tp, message_new(f, "B", &freed[1], false));
	send_message(tp, message_new(f, "C", &freed[2], false));
	loop_for_ms(f, 10);
	assert_string_equal(f->log, "M:C M:B M:A");
}

static void test_proxy_is_a_child_of_its_event_context(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_thread_proxy *tp = tevent_thread_proxy_create(f->ev);
	bool freed = false;

	assert_non_null(tp);
	assert_ptr_equal(talloc_parent(tp), f->ev);
	send_message(tp, message_new(f, "A", &freed, false));
	TALLOC_FREE(f->ev);	/* the proxy, and the waiting message */
	assert_true(freed);
}

static void test_freeing_the_proxy_drops_waiting_messages(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_thread_proxy *tp = tevent_thread_proxy_create(f->ev);
	bool freed = false;

	assert_non_null(tp);
	send_message(tp, message_new(f, "A", &freed, false));
	talloc_free(tp);
	assert_true(freed);
	loop_for_ms(f, 10);
	assert_string_equal(f->log, "");
}

static void test_proxy_functions_are_exported_by_every_version(
	void **pstate)
{
	static const char *names[] = {
		"tevent_thread_proxy_create",
		"tevent_thread_proxy_schedule",
		"tevent_threaded_context_create",
		"_tevent_threaded_schedule_immediate",
	};
	size_t i;

	(void)pstate;
	assert_true(tevent_version() == 1401 || tevent_version() == 1602 ||
		    tevent_version() == 1702);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_non_null(dlsym(RTLD_DEFAULT, names[i]));
	}
}

/* ---- tevent after a handler ------------------------------------------- */

static bool child_gone;

static int note_child_gone(void **child)
{
	(void)child;
	child_gone = true;
	return 0;
}

struct freed_in_handler {
	int free_result;
	bool gone_in_handler;
};

static void free_own_immediate(struct tevent_context *ev,
			       struct tevent_immediate *im,
			       void *private_data)
{
	struct freed_in_handler *h = private_data;

	(void)ev;
	h->free_result = talloc_free(im);
	h->gone_in_handler = child_gone;
}

static void test_an_immediate_freed_in_its_handler_goes_after_the_handler(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_immediate *im = tevent_create_immediate(f);
	struct freed_in_handler h = { .free_result = 0 };
	void **child;

	assert_non_null(im);
	child = talloc(im, void *);	/* goes when the immediate goes */
	assert_non_null(child);
	talloc_set_destructor(child, note_child_gone);
	child_gone = false;
	tevent_schedule_immediate(im, f->ev, free_own_immediate, &h);
	loop_once(f);
	/* inside the handler, talloc_free() refused, and the immediate
	 * stayed; tevent freed it after the handler returned */
	assert_int_equal(h.free_result, -1);
	assert_false(h.gone_in_handler);
	assert_true(child_gone);
}

/* ---- talloc and threads ------------------------------------------------ */

static void null_tracking(void *arg)
{
	void *a = talloc_new(NULL);
	void *b, *c;

	(void)arg;
	if (a == NULL || talloc_parent(a) != NULL) {
		_exit(2);	/* tracked before anyone asked for it */
	}
	talloc_enable_null_tracking();
	b = talloc_new(NULL);
	c = talloc_new(NULL);
	if (b == NULL || c == NULL || talloc_parent(b) == NULL ||
	    talloc_parent(b) != talloc_parent(c)) {
		_exit(3);
	}
	_exit(0);
}

static void test_null_context_is_untracked_unless_tracking_is_enabled(
	void **pstate)
{
	int status = run_in_child(null_tracking, *pstate);

	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, \
						fixture_teardown)
		T(test_threaded_immediate_runs_in_the_loop_thread),
		T(test_threaded_immediate_wakes_a_waiting_loop),
		T(test_threaded_immediate_runs_only_from_the_loop),
		T(test_loop_wait_does_not_wait_for_a_threaded_immediate),
		T(test_scheduling_a_waiting_immediate_again_aborts),
		T(test_freeing_the_last_threaded_context_drops_a_waiting_immediate),
		T(test_a_waiting_immediate_belongs_to_the_event_context),
		T(test_freeing_a_waiting_threaded_immediate_aborts),
		T(test_threaded_contexts_from_before_a_fork_are_dead_in_the_child),
		T(test_freeing_the_event_context_first_makes_later_reports_vanish),
		T(test_freeing_the_event_context_leaves_a_waiting_immediate_unfreeable),
		T(test_only_the_calls_for_threads_take_a_lock),
		T(test_talloc_takes_no_lock),
		T(test_threaded_schedule_wakes_the_loop_after_unlocking),
		T(test_proxy_schedule_wakes_the_loop_under_its_lock),
		T(test_proxy_frees_the_message_after_the_handler_unless_moved),
		T(test_proxy_keeps_waiting_messages_on_the_null_context),
		T(test_proxy_that_cannot_allocate_leaves_both_pointers_set),
		T(test_proxy_delivers_waiting_messages_newest_first),
		T(test_proxy_is_a_child_of_its_event_context),
		T(test_freeing_the_proxy_drops_waiting_messages),
		T(test_proxy_functions_are_exported_by_every_version),
		T(test_an_immediate_freed_in_its_handler_goes_after_the_handler),
		T(test_null_context_is_untracked_unless_tracking_is_enabled),
#undef T
	};

	if (argc > 1) {
		cmocka_set_test_filter(argv[1]);
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
