/*
 * Edge cases of the tevent_queue API, checked on the installed libtevent:
 * NULL arguments, a queue freed while entries wait, stop and start around
 * an active request, and how many turns of the event loop each step of a
 * queue costs. Also the wider tests that the review of the claims asked
 * for. Every test passes on each backend and on libtevent 0.14.1, 0.16.2
 * and 0.17.2; where those differ, the test asserts each case and its
 * comment says so.
 *
 * Run one: build/tests/test_queue_edges TEST_NAME
 *
 * SPDX-License-Identifier: MIT-0
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

/* ---- Helpers --------------------------------------------------------- */

/* The backend under test; unset or empty is the default, "standard". */
static bool on_backend(const char *name)
{
	const char *b = getenv("TEVENT_TEST_BACKEND");

	if (b == NULL || b[0] == '\0') {
		b = "standard";
	}
	return strcmp(b, name) == 0;
}

/* Forget what was logged so far. */
static void log_reset(struct fixture *f)
{
	TALLOC_FREE(f->log);
	f->log = talloc_strdup(f, "");
	assert_non_null(f->log);
}

static void set_flag(struct tevent_context *ev, struct tevent_timer *te,
		     struct timeval now, void *private_data)
{
	bool *flag = private_data;

	(void)ev;
	(void)te;
	(void)now;
	*flag = true;
}

/*
 * Turn the loop until the log reads want, and return how many turns that
 * took. A timer of one second ends a wait for something that never comes
 * (it is due long after anything these tests wait for, so it adds no
 * turn of its own).
 */
static unsigned turns_until(struct fixture *f, const char *want)
{
	bool expired = false;
	struct tevent_timer *guard;
	unsigned turns = 0;

	guard = tevent_add_timer(f->ev, f, tevent_timeval_current_ofs(1, 0),
				 set_flag, &expired);
	assert_non_null(guard);
	while (strcmp(f->log, want) != 0) {
		assert_false(expired);
		assert_true(turns < 10);
		loop_once(f);
		turns += 1;
	}
	assert_false(expired);
	talloc_free(guard);
	return turns;
}

/* A timer that logs "D:name" when it fires, ms from now. */
static void log_timer(struct tevent_context *ev, struct tevent_timer *te,
		      struct timeval now, void *private_data)
{
	struct fixture *f = talloc_get_type_abort(private_data,
						  struct fixture);

	(void)ev;
	(void)now;
	log_event(f, "D", talloc_get_name(te));
}

static void timer_add(struct fixture *f, const char *name, unsigned ms)
{
	struct tevent_timer *te;

	te = tevent_add_timer(f->ev, f, tevent_timeval_current_ofs(0,
								  ms * 1000),
			      log_timer, f);
	assert_non_null(te);
	talloc_set_name_const(te, name);
}

/* An immediate event that logs "I:name" when it runs. */
static void log_immediate(struct tevent_context *ev,
			  struct tevent_immediate *im, void *private_data)
{
	struct fixture *f = talloc_get_type_abort(private_data,
						  struct fixture);

	(void)ev;
	log_event(f, "I", talloc_get_name(im));
}

static void immediate_add(struct fixture *f, const char *name)
{
	struct tevent_immediate *im = tevent_create_immediate(f);

	assert_non_null(im);
	talloc_set_name_const(im, name);
	tevent_schedule_immediate(im, f->ev, log_immediate, f);
}

/* A blocker: a request added with no trigger; its entry is kept. */
static struct tevent_req *blocker_add(struct fixture *f, const char *name)
{
	struct tevent_req *req = item_new(f, name, false, false);
	struct item_state *s = tevent_req_data(req, struct item_state);

	s->entry = tevent_queue_add_entry(f->queue, f->ev, req, NULL, NULL);
	assert_non_null(s->entry);
	return req;
}

/* An item whose entry carries the first letter of its name as tag. */
static struct tevent_req *tagged_add(struct fixture *f, const char *name,
				     bool finish, bool free_in_callback)
{
	struct tevent_req *req = item_add(f, name, finish, free_in_callback);

	tevent_queue_entry_set_tag(item_entry(req), (uint64_t)name[0]);
	return req;
}

static const char *point_name(enum tevent_event_trace_point p)
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

/* Log "point:TAG/LENGTH": the tag as a letter (0 if unset) and the
 * length of f->queue (0 once it is gone). */
static void trace_entry(struct tevent_queue_entry *qe,
			enum tevent_event_trace_point p, void *private_data)
{
	struct fixture *f = private_data;
	uint64_t tag = tevent_queue_entry_get_tag(qe);
	char buf[32];

	snprintf(buf, sizeof(buf), "%c/%zu",
		 tag == 0 ? '0' : (char)tag,
		 f->queue == NULL ? (size_t)0
				  : tevent_queue_length(f->queue));
	log_event(f, point_name(p), buf);
}

/* The wait request's callback logs "W:ok" or "W:failed". */
static void wait_done(struct tevent_req *req)
{
	struct fixture *f = tevent_req_callback_data(req, struct fixture);

	log_event(f, "W", tevent_queue_wait_recv(req) ? "ok" : "failed");
}

static struct tevent_req *wait_add(struct fixture *f)
{
	struct tevent_req *req = tevent_queue_wait_send(f, f->ev, f->queue);

	assert_non_null(req);
	tevent_req_set_callback(req, wait_done, f);
	return req;
}

/* ---- NULL arguments that the library accepts ------------------------- */

static void test_create_with_a_null_name_returns_null(void **pstate)
{
	struct fixture *f = *pstate;
	size_t blocks = talloc_total_blocks(f);

	assert_null(tevent_queue_create(f, NULL));
	assert_int_equal(talloc_total_blocks(f), blocks);	/* no leak */
}

static void test_entry_tag_calls_accept_a_null_entry(void **pstate)
{
	(void)pstate;
	tevent_queue_entry_set_tag(NULL, 7);	/* does nothing */
	assert_int_equal(tevent_queue_entry_get_tag(NULL), 0);
}

static void test_optimize_empty_with_a_null_trigger_blocks_in_the_call(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *x = item_new(f, "X", false, false);
	struct tevent_queue_entry *e;

	tevent_set_trace_queue_callback(f->ev, trace_entry, f);
	e = tevent_queue_add_optimize_empty(f->queue, f->ev, x, NULL, NULL);
	assert_non_null(e);
	/* The blocker's do-nothing trigger ran inside the call. */
	assert_string_equal(f->log, "attach:0/1 before:0/1");
	item_add(f, "B", true, true);
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "attach:0/1 before:0/1 attach:0/2");
	talloc_free(e);
	loop_once(f);
	tevent_set_trace_queue_callback(f->ev, NULL, NULL);
	assert_string_equal(f->log, "attach:0/1 before:0/1 attach:0/2 "
			    "detach:0/2 before:0/1 T:B C:B detach:0/1");
	assert_true(tevent_req_is_in_progress(x));
}

static void *private_seen;

static void note_private(struct tevent_req *req, void *private_data)
{
	(void)req;
	private_seen = private_data;
	tevent_req_done(req);
}

static void test_trigger_gets_null_when_added_with_null(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);

	private_seen = f;
	assert_true(tevent_queue_add(f->queue, f->ev, a, note_private, NULL));
	loop_once(f);
	assert_null(private_seen);
	assert_false(tevent_req_is_in_progress(a));
}

/* ---- NULL arguments that crash --------------------------------------- */

/*
 * The queue functions do not check their queue, request, event context
 * or entry for NULL: each call below reads through the NULL pointer and
 * dies of SIGSEGV, on every backend and version (each runs in a child).
 */
static void null_length(void *arg)
{
	(void)arg;
	(void)tevent_queue_length(NULL);
}

static void null_running(void *arg)
{
	(void)arg;
	(void)tevent_queue_running(NULL);
}

static void null_start(void *arg)
{
	(void)arg;
	tevent_queue_start(NULL);
}

static void null_stop(void *arg)
{
	(void)arg;
	tevent_queue_stop(NULL);
}

static void null_queue_add(void *arg)
{
	struct fixture *f = arg;

	(void)tevent_queue_add(NULL, f->ev, item_new(f, "A", false, false),
			       item_trigger, f);
}

static void null_queue_add_entry(void *arg)
{
	struct fixture *f = arg;
	struct tevent_queue_entry *e;

	e = tevent_queue_add_entry(NULL, f->ev,
				   item_new(f, "A", false, false),
				   item_trigger, f);
	(void)e;
}

static void null_queue_optimize_empty(void *arg)
{
	struct fixture *f = arg;

	(void)tevent_queue_add_optimize_empty(NULL, f->ev,
					      item_new(f, "A", false, false),
					      item_trigger, f);
}

static void null_queue_wait_send(void *arg)
{
	struct fixture *f = arg;

	(void)tevent_queue_wait_send(f, f->ev, NULL);
}

static void null_request_add(void *arg)
{
	struct fixture *f = arg;

	(void)tevent_queue_add(f->queue, f->ev, NULL, item_trigger, f);
}

static void null_request_add_entry(void *arg)
{
	struct fixture *f = arg;
	struct tevent_queue_entry *e;

	e = tevent_queue_add_entry(f->queue, f->ev, NULL, item_trigger, f);
	(void)e;
}

static void null_request_optimize_empty(void *arg)
{
	struct fixture *f = arg;

	(void)tevent_queue_add_optimize_empty(f->queue, f->ev, NULL,
					      item_trigger, f);
}

static void null_context_add(void *arg)
{
	struct fixture *f = arg;

	(void)tevent_queue_add(f->queue, NULL, item_new(f, "A", false, false),
			       item_trigger, f);
}

static void null_context_wait_send(void *arg)
{
	struct fixture *f = arg;

	(void)tevent_queue_wait_send(f, NULL, f->queue);
}

static void null_untrigger(void *arg)
{
	(void)arg;
	tevent_queue_entry_untrigger(NULL);
}

static void null_wait_recv(void *arg)
{
	(void)arg;
	(void)tevent_queue_wait_recv(NULL);
}

struct null_case {
	const char *what;
	void (*fn)(void *arg);
};

struct null_run {
	struct fixture *f;
	void (*fn)(void *arg);
};

/* In the child: cmocka catches SIGSEGV to report a failed test; give it
 * back its default action, so that the wait status shows the signal. */
static void run_with_default_segv(void *arg)
{
	struct null_run *r = arg;

	signal(SIGSEGV, SIG_DFL);
	r->fn(r->f);
}

static void expect_segfaults(struct fixture *f, const struct null_case *c,
			     size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct null_run r = { .f = f, .fn = c[i].fn };
		int status = run_in_child(run_with_default_segv, &r);

		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV) {
			fail_msg("%s: wait status 0x%x, expected SIGSEGV",
				 c[i].what, (unsigned)status);
		}
	}
}

static void test_null_queue_crashes_every_function_that_takes_one(
	void **pstate)
{
	static const struct null_case cases[] = {
		{ "tevent_queue_length", null_length },
		{ "tevent_queue_running", null_running },
		{ "tevent_queue_start", null_start },
		{ "tevent_queue_stop", null_stop },
		{ "tevent_queue_add", null_queue_add },
		{ "tevent_queue_add_entry", null_queue_add_entry },
		{ "tevent_queue_add_optimize_empty",
		  null_queue_optimize_empty },
		{ "tevent_queue_wait_send", null_queue_wait_send },
	};

	expect_segfaults(*pstate, cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_null_request_context_or_entry_crashes(void **pstate)
{
	static const struct null_case cases[] = {
		{ "tevent_queue_add(req NULL)", null_request_add },
		{ "tevent_queue_add_entry(req NULL)",
		  null_request_add_entry },
		{ "tevent_queue_add_optimize_empty(req NULL)",
		  null_request_optimize_empty },
		{ "tevent_queue_add(ev NULL)", null_context_add },
		{ "tevent_queue_wait_send(ev NULL)",
		  null_context_wait_send },
		{ "tevent_queue_entry_untrigger(NULL)", null_untrigger },
		{ "tevent_queue_wait_recv(NULL)", null_wait_recv },
	};

	expect_segfaults(*pstate, cases, sizeof(cases) / sizeof(cases[0]));
}

/* ---- A queue freed while entries wait -------------------------------- */

static void test_freeing_the_queue_detaches_all_entries_with_a_trace(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a, *b, *x, *w;
	struct item_state *xs;

	tevent_set_trace_queue_callback(f->ev, trace_entry, f);
	a = tagged_add(f, "A", false, false);		/* will be active */
	b = tagged_add(f, "B", true, true);
	x = blocker_add(f, "X");
	xs = tevent_req_data(x, struct item_state);
	tevent_queue_entry_set_tag(xs->entry, 'X');
	w = wait_add(f);				/* tag 0 */
	loop_once(f);
	assert_string_equal(f->log, "attach:0/1 attach:0/2 attach:0/3 "
			    "attach:0/4 before:A/4 T:A");
	log_reset(f);
	TALLOC_FREE(f->queue);
	/* One detach per entry, head first, in queue order; no trigger. */
	assert_string_equal(f->log, "detach:A/4 detach:B/3 detach:X/2 "
			    "detach:0/1");
	/* The entries are gone; the requests stay, in progress. */
	assert_string_equal(child_names(f, b),
			    "[struct item_state][struct tevent_immediate]");
	assert_string_equal(child_names(f, x),
			    "[struct item_state][struct tevent_immediate]");
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "detach:A/4 detach:B/3 detach:X/2 "
			    "detach:0/1");
	assert_true(tevent_req_is_in_progress(b));
	assert_true(tevent_req_is_in_progress(x));
	assert_true(tevent_req_is_in_progress(w));
	/* The active request still finishes; its free traces nothing. */
	tevent_req_done(a);
	talloc_free(a);
	tevent_set_trace_queue_callback(f->ev, NULL, NULL);
	assert_string_equal(f->log, "detach:A/4 detach:B/3 detach:X/2 "
			    "detach:0/1 C:A");
}

static void test_freeing_the_queue_drops_a_scheduled_trigger(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_add(f, "A", true, true);

	/* A's trigger is scheduled on the queue's own immediate event,
	 * which goes with the queue. */
	TALLOC_FREE(f->queue);
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "");
	assert_true(tevent_req_is_in_progress(a));
	assert_string_equal(child_names(f, a),
			    "[struct item_state][struct tevent_immediate]");
}

static void test_freeing_a_queue_held_by_a_blocker_runs_nothing(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *b;

	blocker_add(f, "X");
	b = item_add(f, "B", true, true);
	loop_for_ms(f, 10);
	TALLOC_FREE(f->queue);
	loop_for_ms(f, 20);
	/* The blocker's entry is gone, but nothing behind it runs. */
	assert_string_equal(f->log, "");
	assert_true(tevent_req_is_in_progress(b));
}

static void test_blocker_is_traced_when_it_reaches_the_head_later(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a, *x;
	struct item_state *xs;

	tevent_set_trace_queue_callback(f->ev, trace_entry, f);
	a = tagged_add(f, "A", true, false);
	x = blocker_add(f, "X");
	xs = tevent_req_data(x, struct item_state);
	tevent_queue_entry_set_tag(xs->entry, 'X');
	item_add(f, "B", true, true);
	loop_once(f);
	log_reset(f);
	talloc_free(a);			/* X reaches the head */
	loop_for_ms(f, 20);
	/* X's do-nothing trigger is traced; B still waits. */
	assert_string_equal(f->log, "detach:A/3 before:X/2");
	talloc_free(x);
	loop_once(f);
	tevent_set_trace_queue_callback(f->ev, NULL, NULL);
	assert_string_equal(f->log, "detach:A/3 before:X/2 detach:X/2 "
			    "before:0/1 T:B C:B detach:0/1");
}

/* ---- Stop and start around the head ---------------------------------- */

static const void *queue_watched;
static unsigned scheduled, scheduled_elsewhere, handlers_run;

/* Count the immediate events scheduled, those not of the queue, and the
 * immediate handlers that run. */
static void note_immediate(struct tevent_immediate *im,
			   enum tevent_event_trace_point p,
			   void *private_data)
{
	(void)private_data;
	if (p == TEVENT_EVENT_TRACE_ATTACH) {
		scheduled += 1;
		if (talloc_parent(im) != queue_watched) {
			scheduled_elsewhere += 1;
		}
	}
	if (p == TEVENT_EVENT_TRACE_BEFORE_HANDLER) {
		handlers_run += 1;
	}
}

static void test_start_does_not_trigger_the_active_head_again(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a;

	tevent_set_trace_queue_callback(f->ev, trace_entry, f);
	a = tagged_add(f, "A", false, false);
	tagged_add(f, "B", true, true);
	loop_once(f);
	tevent_queue_stop(f->queue);
	tevent_queue_start(f->queue);
	loop_for_ms(f, 20);
	/* One trigger call of A, and A still works. */
	assert_string_equal(f->log, "attach:0/1 attach:0/2 before:A/2 T:A");
	assert_true(tevent_req_is_in_progress(a));
	tevent_req_done(a);
	talloc_free(a);
	assert_int_equal(turns_until(f, "attach:0/1 attach:0/2 before:A/2 "
				     "T:A C:A detach:A/2 before:B/1 T:B C:B "
				     "detach:B/1"), 1);
	tevent_set_trace_queue_callback(f->ev, NULL, NULL);
}

static void test_stop_and_start_move_a_pending_trigger_back(
	void **pstate)
{
	struct fixture *f = *pstate;

	item_add(f, "A", true, true);	/* A's trigger is scheduled... */
	immediate_add(f, "X");		/* ...before X */
	tevent_queue_stop(f->queue);
	tevent_queue_start(f->queue);	/* schedules A's trigger again */
	loop_once(f);
	assert_string_equal(f->log, "I:X");
	loop_once(f);
	assert_string_equal(f->log, "I:X T:A C:A");
}

static void test_start_of_a_running_queue_keeps_the_trigger_in_place(
	void **pstate)
{
	struct fixture *f = *pstate;

	item_add(f, "A", true, true);
	immediate_add(f, "X");
	tevent_queue_start(f->queue);	/* running already: no effect */
	loop_once(f);
	assert_string_equal(f->log, "T:A C:A");
	loop_once(f);
	assert_string_equal(f->log, "T:A C:A I:X");
}

static void test_a_later_add_moves_a_pending_trigger_back(
	void **pstate)
{
	struct fixture *f = *pstate;

	item_add(f, "A", true, true);	/* A's trigger is scheduled... */
	immediate_add(f, "X");		/* ...before X */
	item_add(f, "B", true, true);	/* schedules A's trigger again */
	loop_once(f);
	assert_string_equal(f->log, "I:X");
	loop_once(f);
	assert_string_equal(f->log, "I:X T:A C:A");
	loop_once(f);
	assert_string_equal(f->log, "I:X T:A C:A T:B C:B");
}

static void test_freeing_a_waiting_entry_moves_a_pending_trigger_back(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *b;

	item_add(f, "A", true, true);
	b = item_add(f, "B", true, true);
	immediate_add(f, "X");
	talloc_free(b);			/* schedules A's trigger again */
	loop_once(f);
	assert_string_equal(f->log, "I:X");
	loop_once(f);
	assert_string_equal(f->log, "I:X T:A C:A");
}

static void test_a_stopped_queue_spends_a_turn_on_its_scheduled_trigger(
	void **pstate)
{
	struct fixture *f = *pstate;
	bool fired = false;

	queue_watched = f->queue;
	handlers_run = 0;
	tevent_set_trace_immediate_callback(f->ev, note_immediate, NULL);
	item_add(f, "A", true, true);	/* schedules the queue's event */
	tevent_queue_stop(f->queue);
	assert_non_null(tevent_add_timer(f->ev, f,
					 tevent_timeval_current_ofs(0,
								  200000),
					 set_flag, &fired));
	/* The queue's event still runs, finds the queue stopped and does
	 * nothing: this turn runs it, before the timer. */
	loop_once(f);
	tevent_set_trace_immediate_callback(f->ev, NULL, NULL);
	assert_int_equal(handlers_run, 1);
	assert_false(fired);
	assert_string_equal(f->log, "");
	tevent_queue_start(f->queue);
	assert_int_equal(turns_until(f, "T:A C:A"), 1);
}

/* ---- Turns of the loop per step -------------------------------------- */

static void test_one_turn_from_add_to_trigger(void **pstate)
{
	struct fixture *f = *pstate;

	item_add(f, "A", true, true);
	assert_int_equal(turns_until(f, "T:A C:A"), 1);
}

static void test_a_trigger_runs_before_a_timer_that_is_already_due(
	void **pstate)
{
	struct fixture *f = *pstate;

	timer_add(f, "t", 0);		/* due now */
	item_add(f, "A", true, true);
	/* Each turn runs immediate events before timers. */
	assert_int_equal(turns_until(f, "T:A C:A"), 1);
	assert_int_equal(turns_until(f, "T:A C:A D:t"), 1);
}

static void test_one_turn_from_freeing_the_active_request_to_the_next(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_add(f, "A", true, false);

	item_add(f, "B", true, true);
	assert_int_equal(turns_until(f, "T:A C:A"), 1);
	talloc_free(a);
	assert_int_equal(turns_until(f, "T:A C:A T:B C:B"), 1);
}

static void test_one_turn_from_freeing_the_active_entry_to_the_next(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_add(f, "A", false, false);

	item_add(f, "B", false, false);
	assert_int_equal(turns_until(f, "T:A"), 1);
	talloc_free(item_entry(a));
	assert_int_equal(turns_until(f, "T:A T:B"), 1);
	assert_true(tevent_req_is_in_progress(a));
}

static void test_one_turn_from_start_to_trigger(void **pstate)
{
	struct fixture *f = *pstate;

	tevent_queue_stop(f->queue);
	item_add(f, "A", true, true);
	loop_for_ms(f, 10);
	assert_string_equal(f->log, "");
	tevent_queue_start(f->queue);
	assert_int_equal(turns_until(f, "T:A C:A"), 1);
}

static void test_one_turn_from_wait_send_to_done(void **pstate)
{
	struct fixture *f = *pstate;

	wait_add(f);
	assert_int_equal(turns_until(f, "W:ok"), 1);
}

static void test_one_turn_from_freeing_a_wait_request_to_the_next(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *w = wait_add(f);

	item_add(f, "B", true, true);
	assert_int_equal(turns_until(f, "W:ok"), 1);
	talloc_free(w);
	assert_int_equal(turns_until(f, "W:ok T:B C:B"), 1);
}

static void test_one_turn_from_start_after_untrigger_to_the_trigger(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_add(f, "A", true, true);
	struct item_state *s = tevent_req_data(a, struct item_state);

	s->untrigger = 1;
	assert_int_equal(turns_until(f, "T:A"), 1);
	tevent_queue_start(f->queue);
	assert_int_equal(turns_until(f, "T:A T:A C:A"), 1);
}

/*
 * poll_mt wakes its poll() with an eventfd whenever an immediate event is
 * scheduled; the queue schedules one for each trigger. A turn that then
 * has to wait (no immediate, no due timer) finds the eventfd readable,
 * runs tevent's own handler that drains it, and returns: a turn that runs
 * none of our handlers. On the other backends the next turn waits for the
 * timer and runs it. The same on 0.14.1, 0.16.2 and 0.17.2.
 */
static void test_poll_mt_spends_an_idle_turn_after_a_queue_trigger(
	void **pstate)
{
	struct fixture *f = *pstate;

	item_add(f, "A", true, true);
	timer_add(f, "t", 100);
	assert_int_equal(turns_until(f, "T:A C:A"), 1);
	if (on_backend("poll_mt")) {
		loop_once(f);
		assert_string_equal(f->log, "T:A C:A");	/* nothing ran */
	}
	loop_once(f);
	assert_string_equal(f->log, "T:A C:A D:t");
}

struct socket_item {
	struct fixture *f;
	int fd;
	struct tevent_fd *fde;
};

static void socket_writable(struct tevent_context *ev, struct tevent_fd *fde,
			    uint16_t flags, void *private_data)
{
	struct socket_item *si = private_data;

	(void)ev;
	(void)flags;
	log_event(si->f, "F", "w");
	TALLOC_FREE(fde);
	si->fde = NULL;
}

static void socket_trigger(struct tevent_req *req, void *private_data)
{
	struct socket_item *si = private_data;

	(void)req;
	log_event(si->f, "T", "S");
	si->fde = tevent_add_fd(si->f->ev, si->f, si->fd, TEVENT_FD_WRITE,
				socket_writable, si);
	assert_non_null(si->fde);
}

/*
 * A trigger that waits for a writable socket (as a writer does): its fd
 * handler runs on the next turn on every backend. On poll_mt the socket's
 * fd event is ahead of tevent's wakeup eventfd in the same poll(), so the
 * idle turn that drains the eventfd comes after it: a timer due 100 ms
 * later runs on the next turn elsewhere, one turn later on poll_mt. The
 * same on all three versions.
 */
static void test_turns_from_a_trigger_to_its_fd_event_by_backend(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct socket_item si = { .f = f };
	struct tevent_req *a = item_new(f, "S", false, false);
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	si.fd = sv[0];
	assert_true(tevent_queue_add(f->queue, f->ev, a, socket_trigger,
				     &si));
	assert_int_equal(turns_until(f, "T:S"), 1);
	assert_int_equal(turns_until(f, "T:S F:w"), 1);
	timer_add(f, "t", 100);
	assert_int_equal(turns_until(f, "T:S F:w D:t"),
			 on_backend("poll_mt") ? 2 : 1);
	talloc_free(a);
	close(sv[0]);
	close(sv[1]);
}

/* ---- Wider tests for claims of the pages ----------------------------- */

/*
 * "One call of tevent_loop_once() runs the handler of one event": of one
 * at most. With two immediate events and a timer 100 ms away, the first
 * two turns run one immediate each. On standard, epoll and poll the third
 * turn waits for the timer and runs it; on poll_mt the third turn returns
 * at once with no handler of ours run (scheduling the immediates woke its
 * poll()), and the timer runs on the fourth. The same on 0.14.1, 0.16.2
 * and 0.17.2.
 */
static void test_loop_once_runs_one_handler_but_poll_mt_may_run_none(
	void **pstate)
{
	struct fixture *f = *pstate;

	immediate_add(f, "1");
	immediate_add(f, "2");
	timer_add(f, "t", 100);
	loop_once(f);
	assert_string_equal(f->log, "I:1");
	loop_once(f);
	assert_string_equal(f->log, "I:1 I:2");
	loop_once(f);
	if (on_backend("poll_mt")) {
		assert_string_equal(f->log, "I:1 I:2");	/* an idle turn */
		loop_once(f);
	}
	assert_string_equal(f->log, "I:1 I:2 D:t");
}

struct named_fd {
	struct fixture *f;
	const char *name;
};

static void log_fd_handler(struct tevent_context *ev, struct tevent_fd *fde,
			   uint16_t flags, void *private_data)
{
	struct named_fd *n = private_data;

	(void)ev;
	(void)fde;
	(void)flags;
	log_event(n->f, "F", n->name);
}

/*
 * Two descriptors readable at once (and they stay readable): each call of
 * tevent_loop_once() runs at most one fd handler. On standard, epoll and
 * poll each call runs exactly one; poll_mt also spends calls on its own
 * wakeup descriptor, which adding an fd event writes to, and runs none
 * of ours in those.
 */
static void test_loop_once_runs_at_most_one_fd_handler_of_two_ready(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct named_fd na = { .f = f, .name = "a" };
	struct named_fd nb = { .f = f, .name = "b" };
	int a[2], b[2];
	struct tevent_fd *fa, *fb;
	size_t len;
	int i;

	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	assert_int_equal(write(a[1], "x", 1), 1);
	assert_int_equal(write(b[1], "x", 1), 1);
	fa = tevent_add_fd(f->ev, f, a[0], TEVENT_FD_READ, log_fd_handler,
			   &na);
	fb = tevent_add_fd(f->ev, f, b[0], TEVENT_FD_READ, log_fd_handler,
			   &nb);
	assert_non_null(fa);
	assert_non_null(fb);
	for (i = 0, len = 0; i < 8; i++) {
		size_t was = len;

		loop_once(f);
		/* "F:x" is 3 characters, joined by single spaces */
		len = (strlen(f->log) + 1) / 4;
		assert_true(len - was <= 1);
		if (!on_backend("poll_mt")) {
			assert_int_equal(len - was, 1);
		}
	}
	assert_true(len >= 4);		/* poll_mt idles now and then */
	TALLOC_FREE(fa);
	TALLOC_FREE(fb);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

static void nop_fd_handler(struct tevent_context *ev, struct tevent_fd *fde,
			   uint16_t flags, void *private_data)
{
	(void)ev;
	(void)fde;
	(void)flags;
	(void)private_data;
}

static int fd_event_count;
static bool fd_event_turn;

/* On a fresh epoll context: fd_event_count write events on one
 * descriptor, then, if fd_event_turn, one turn of the loop. */
static void epoll_fd_events(void *arg)
{
	struct tevent_context *ev;
	int sv[2], i;

	(void)arg;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
		_exit(3);
	}
	ev = tevent_context_init_byname(NULL, "epoll");
	if (ev == NULL) {
		_exit(4);
	}
	for (i = 0; i < fd_event_count; i++) {
		if (tevent_add_fd(ev, ev, sv[0], TEVENT_FD_WRITE,
				  nop_fd_handler, NULL) == NULL) {
			_exit(5);
		}
	}
	if (fd_event_turn && tevent_loop_once(ev) != 0) {
		_exit(6);
	}
	talloc_free(ev);
}

/*
 * The epoll backend and fd events on one descriptor: two work on every
 * version; on 0.14.1 adding a third aborts the process (inside
 * tevent_add_fd(), before any turn of the loop), while 0.16.2 and 0.17.2
 * multiplex any number of them: three work, and so do four.
 */
static void test_epoll_fd_events_on_one_descriptor_by_version(
	void **pstate)
{
	int status;

	(void)pstate;
	fd_event_turn = true;
	fd_event_count = 2;
	status = run_in_child(epoll_fd_events, NULL);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	fd_event_count = 3;
	if (tevent_version() < 1600) {
		fd_event_turn = false;
		status = run_in_child(epoll_fd_events, NULL);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGABRT);
	} else {
		status = run_in_child(epoll_fd_events, NULL);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
		fd_event_count = 4;
		status = run_in_child(epoll_fd_events, NULL);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
}

static void test_done_runs_the_callback_inside_the_call_unless_deferred(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);
	struct tevent_req *b = item_new(f, "B", false, false);

	/* Outside any turn of the loop: the callback runs inside done(). */
	tevent_req_set_callback(a, item_done, NULL);
	tevent_req_done(a);
	assert_string_equal(f->log, "C:A");
	/* With tevent_req_defer_callback() it waits for the loop. */
	tevent_req_set_callback(b, item_done, NULL);
	tevent_req_defer_callback(b, f->ev);
	tevent_req_done(b);
	assert_string_equal(f->log, "C:A");
	loop_once(f);
	assert_string_equal(f->log, "C:A C:B");
}

struct child_search {
	const char *name;
	void *found;
};

static void note_child(const void *ptr, int depth, int max_depth,
		       int is_ref, void *private_data)
{
	struct child_search *cs = private_data;

	(void)max_depth;
	if (depth == 1 && !is_ref && cs->found == NULL &&
	    strcmp(talloc_get_name(ptr), cs->name) == 0) {
		cs->found = (void *)ptr;
	}
}

/* The first direct talloc child of parent with the given name. */
static void *child_named(const void *parent, const char *name)
{
	struct child_search cs = { .name = name };

	talloc_report_depth_cb(parent, 0, 1, note_child, &cs);
	return cs.found;
}

static void test_add_makes_a_child_entry_whose_free_leaves_the_queue(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", true, true);
	struct tevent_req *b = item_new(f, "B", true, true);
	void *entry;

	tevent_req_set_callback(a, item_done, NULL);
	tevent_req_set_callback(b, item_done, NULL);
	assert_true(tevent_queue_add(f->queue, f->ev, a, item_trigger, f));
	assert_true(tevent_queue_add(f->queue, f->ev, b, item_trigger, f));
	assert_int_equal(tevent_queue_length(f->queue), 2);
	/* tevent_queue_add() returns no entry, but it is a child of A... */
	entry = child_named(a, "struct tevent_queue_entry");
	assert_non_null(entry);
	/* ...whose free (its destructor) takes A out of the queue; B, which
	 * was appended after A, is next. */
	talloc_free(entry);
	assert_int_equal(tevent_queue_length(f->queue), 1);
	assert_int_equal(turns_until(f, "T:B C:B"), 1);
	loop_for_ms(f, 10);
	assert_string_equal(f->log, "T:B C:B");
	assert_true(tevent_req_is_in_progress(a));
}

static void test_add_and_free_schedule_the_queues_own_immediate(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a;

	queue_watched = f->queue;
	scheduled = scheduled_elsewhere = handlers_run = 0;
	tevent_set_trace_immediate_callback(f->ev, note_immediate, NULL);
	a = item_add(f, "A", true, false);
	assert_int_equal(scheduled, 1);
	item_add(f, "B", true, true);	/* A is not triggered yet */
	assert_int_equal(scheduled, 2);	/* scheduled again */
	loop_once(f);
	assert_string_equal(f->log, "T:A C:A");
	scheduled = 0;
	talloc_free(a);			/* the entry's destructor */
	assert_int_equal(scheduled, 1);
	loop_once(f);
	tevent_set_trace_immediate_callback(f->ev, NULL, NULL);
	assert_string_equal(f->log, "T:A C:A T:B C:B");
	/* Every one of them was the queue's own immediate event. */
	assert_int_equal(scheduled_elsewhere, 0);
}

static void test_stop_and_start_return_void(void **pstate)
{
	struct fixture *f = *pstate;

	/* Checked by the compiler: the types of the two functions. */
	_Static_assert(__builtin_types_compatible_p(
			       __typeof__(&tevent_queue_stop),
			       void (*)(struct tevent_queue *)),
		       "tevent_queue_stop returns void");
	_Static_assert(__builtin_types_compatible_p(
			       __typeof__(&tevent_queue_start),
			       void (*)(struct tevent_queue *)),
		       "tevent_queue_start returns void");
	tevent_queue_stop(f->queue);
	assert_false(tevent_queue_running(f->queue));
	tevent_queue_start(f->queue);
	assert_true(tevent_queue_running(f->queue));
}

/* Log "point:TAG@CONTEXT": which context's callback saw the point. */
static void trace_with_context(struct tevent_queue_entry *qe,
			       enum tevent_event_trace_point p,
			       void *private_data)
{
	struct fixture *f = talloc_get_type_abort(talloc_parent(private_data),
						  struct fixture);
	uint64_t tag = tevent_queue_entry_get_tag(qe);
	char buf[32];

	snprintf(buf, sizeof(buf), "%c@%s", tag == 0 ? '0' : (char)tag,
		 (const char *)private_data);
	log_event(f, point_name(p), buf);
}

/* A second event context, on the backend under test. */
static struct tevent_context *context_new(struct fixture *f)
{
	const char *b = getenv("TEVENT_TEST_BACKEND");
	struct tevent_context *ev;

	ev = tevent_context_init_byname(f, (b == NULL || b[0] == '\0')
					   ? NULL : b);
	assert_non_null(ev);
	return ev;
}

static struct tevent_req *add_with(struct fixture *f,
				   struct tevent_context *ev,
				   const char *name)
{
	struct tevent_req *req = item_new(f, name, false, false);
	struct item_state *s = tevent_req_data(req, struct item_state);

	s->entry = tevent_queue_add_entry(f->queue, ev, req, item_trigger, f);
	assert_non_null(s->entry);
	tevent_queue_entry_set_tag(s->entry, (uint64_t)name[0]);
	return req;
}

/*
 * One queue, two event contexts: A is added with ev1 (the fixture's), B
 * and C with ev2. Attach, and the trigger of C, are traced on the context
 * each entry was added with; but the entry destructor traces a detach on
 * the context of the entry at the head of the queue, so B's detach, while
 * A is at the head, goes to ev1's callback and not to ev2's. The same on
 * every backend and version.
 */
static void test_detach_is_traced_on_the_context_of_the_head_entry(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_context *ev2 = context_new(f);
	char *one = talloc_strdup(f, "1");
	char *two = talloc_strdup(f, "2");
	struct tevent_req *a, *b, *c;

	assert_non_null(one);
	assert_non_null(two);
	tevent_set_trace_queue_callback(f->ev, trace_with_context, one);
	tevent_set_trace_queue_callback(ev2, trace_with_context, two);
	a = add_with(f, f->ev, "A");
	b = add_with(f, ev2, "B");
	c = add_with(f, ev2, "C");
	talloc_free(b);			/* A is the head */
	talloc_free(a);			/* C is the head now */
	assert_int_equal(tevent_loop_once(ev2), 0);
	talloc_free(c);
	tevent_set_trace_queue_callback(f->ev, NULL, NULL);
	tevent_set_trace_queue_callback(ev2, NULL, NULL);
	assert_string_equal(f->log, "attach:0@1 attach:0@2 attach:0@2 "
			    "detach:B@1 detach:A@1 before:C@2 T:C "
			    "detach:C@2");
	talloc_free(ev2);
}

/*
 * The queue knows nothing of sockets: a writer's trigger runs on its
 * turn even while the socket it will write to has no room.
 */
static void test_trigger_runs_while_the_socket_is_full(void **pstate)
{
	struct fixture *f = *pstate;
	char buf[4096];
	struct pollfd pfd;
	int sv[2];

	memset(buf, 'x', sizeof(buf));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
				    sv), 0);
	while (write(sv[0], buf, sizeof(buf)) > 0) {
		/* fill it */
	}
	assert_int_equal(errno, EAGAIN);
	pfd = (struct pollfd) { .fd = sv[0], .events = POLLOUT };
	assert_int_equal(poll(&pfd, 1, 0), 0);		/* not writable */
	item_add(f, "A", true, true);
	assert_int_equal(turns_until(f, "T:A C:A"), 1);
	close(sv[0]);
	close(sv[1]);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, \
						fixture_teardown)
		T(test_create_with_a_null_name_returns_null),
		T(test_entry_tag_calls_accept_a_null_entry),
		T(test_optimize_empty_with_a_null_trigger_blocks_in_the_call),
		T(test_trigger_gets_null_when_added_with_null),
		T(test_null_queue_crashes_every_function_that_takes_one),
		T(test_null_request_context_or_entry_crashes),
		T(test_freeing_the_queue_detaches_all_entries_with_a_trace),
		T(test_freeing_the_queue_drops_a_scheduled_trigger),
		T(test_freeing_a_queue_held_by_a_blocker_runs_nothing),
		T(test_blocker_is_traced_when_it_reaches_the_head_later),
		T(test_start_does_not_trigger_the_active_head_again),
		T(test_stop_and_start_move_a_pending_trigger_back),
		T(test_start_of_a_running_queue_keeps_the_trigger_in_place),
		T(test_a_later_add_moves_a_pending_trigger_back),
		T(test_freeing_a_waiting_entry_moves_a_pending_trigger_back),
		T(test_a_stopped_queue_spends_a_turn_on_its_scheduled_trigger),
		T(test_one_turn_from_add_to_trigger),
		T(test_a_trigger_runs_before_a_timer_that_is_already_due),
		T(test_one_turn_from_freeing_the_active_request_to_the_next),
		T(test_one_turn_from_freeing_the_active_entry_to_the_next),
		T(test_one_turn_from_start_to_trigger),
		T(test_one_turn_from_wait_send_to_done),
		T(test_one_turn_from_freeing_a_wait_request_to_the_next),
		T(test_one_turn_from_start_after_untrigger_to_the_trigger),
		T(test_poll_mt_spends_an_idle_turn_after_a_queue_trigger),
		T(test_turns_from_a_trigger_to_its_fd_event_by_backend),
		T(test_loop_once_runs_one_handler_but_poll_mt_may_run_none),
		T(test_loop_once_runs_at_most_one_fd_handler_of_two_ready),
		T(test_epoll_fd_events_on_one_descriptor_by_version),
		T(test_done_runs_the_callback_inside_the_call_unless_deferred),
		T(test_add_makes_a_child_entry_whose_free_leaves_the_queue),
		T(test_add_and_free_schedule_the_queues_own_immediate),
		T(test_stop_and_start_return_void),
		T(test_detach_is_traced_on_the_context_of_the_head_entry),
		T(test_trigger_runs_while_the_socket_is_full),
#undef T
	};

	if (argc > 1) {
		cmocka_set_test_filter(argv[1]);
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
