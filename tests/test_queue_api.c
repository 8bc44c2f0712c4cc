/*
 * Claims of the queue API pages (cancelling, blockers, stop and start,
 * untrigger, waiting, optimize_empty, tracing, teardown), checked on the
 * installed libtevent. Each test is named after the claim it backs; the
 * pages cite it with \claim{test_name}.
 *
 * Run one: build/tests/test_queue_api TEST_NAME
 *
 * SPDX-License-Identifier: MIT-0
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "fixture.h"

/* Turn the loop until the queue is empty. */
static void drain(struct fixture *f)
{
	while (tevent_queue_length(f->queue) > 0) {
		loop_once(f);
	}
}

/* ---- Length ---------------------------------------------------------- */

static void test_length_counts_the_active_and_the_waiting(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_add(f, "A", false, false);

	item_add(f, "B", false, false);
	assert_int_equal(tevent_queue_length(f->queue), 2);
	loop_once(f);			/* A is active */
	assert_string_equal(f->log, "T:A");
	assert_int_equal(tevent_queue_length(f->queue), 2);
	talloc_free(a);
	assert_int_equal(tevent_queue_length(f->queue), 1);
}

/* ---- Cancelling ------------------------------------------------------ */

static void test_freeing_a_waiting_entry_leaves_its_request_alive(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *b;

	item_add(f, "A", true, true);
	b = item_add(f, "B", true, true);
	item_add(f, "C", true, true);
	talloc_free(item_entry(b));
	assert_int_equal(tevent_queue_length(f->queue), 2);
	drain(f);
	loop_for_ms(f, 10);
	assert_string_equal(f->log, "T:A C:A T:C C:C");
	assert_true(tevent_req_is_in_progress(b));
}

static bool cancel_calls;

static bool cancel_refuse(struct tevent_req *req)
{
	(void)req;
	cancel_calls = true;
	return false;
}

static bool cancel_accept(struct tevent_req *req)
{
	(void)req;
	cancel_calls = true;
	return true;
}

static void test_cancel_calls_the_cancel_function_and_returns_its_result(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);

	cancel_calls = false;
	tevent_req_set_cancel_fn(a, cancel_refuse);
	assert_false(tevent_req_cancel(a));
	assert_true(cancel_calls);
	cancel_calls = false;
	tevent_req_set_cancel_fn(a, cancel_accept);
	assert_true(tevent_req_cancel(a));
	assert_true(cancel_calls);
	/* The cancel function decides; tevent finishes nothing itself. */
	assert_true(tevent_req_is_in_progress(a));
}

static void test_cancel_without_a_cancel_function_returns_false(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);

	assert_false(tevent_req_cancel(a));
	assert_true(tevent_req_is_in_progress(a));
}

static void test_defer_callback_runs_the_callback_from_the_loop(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);

	tevent_req_set_callback(a, item_done, NULL);
	tevent_req_defer_callback(a, f->ev);
	tevent_req_error(a, 1);
	assert_string_equal(f->log, "");	/* not inside error() */
	loop_once(f);
	assert_string_equal(f->log, "C:A");
}

static void count_fire(struct tevent_context *ev, struct tevent_timer *te,
		       struct timeval now, void *private_data)
{
	int *fired = private_data;

	(void)ev;
	(void)te;
	(void)now;
	*fired += 1;
}

static void test_timer_is_freed_after_it_fires(void **pstate)
{
	struct fixture *f = *pstate;
	TALLOC_CTX *owner = talloc_new(f);
	int fired = 0;

	assert_non_null(owner);
	assert_non_null(tevent_add_timer(f->ev, owner,
					 tevent_timeval_current_ofs(0, 1000),
					 count_fire, &fired));
	assert_int_equal(talloc_total_blocks(owner), 2);
	while (fired == 0) {
		loop_once(f);
	}
	assert_int_equal(talloc_total_blocks(owner), 1);	/* gone */
}

/* ---- Blockers -------------------------------------------------------- */

static struct tevent_req *blocker_add(struct fixture *f, const char *name)
{
	struct tevent_req *req = item_new(f, name, false, false);
	struct item_state *s = tevent_req_data(req, struct item_state);

	s->entry = tevent_queue_add_entry(f->queue, f->ev, req, NULL, NULL);
	assert_non_null(s->entry);
	return req;
}

static void test_blocker_at_the_head_holds_the_queue(void **pstate)
{
	struct fixture *f = *pstate;

	blocker_add(f, "X");
	item_add(f, "B", true, true);
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "");
	assert_int_equal(tevent_queue_length(f->queue), 2);
}

static void test_finishing_a_blocker_request_does_not_release_it(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *x = blocker_add(f, "X");

	item_add(f, "B", true, true);
	tevent_req_done(x);
	assert_false(tevent_req_is_in_progress(x));
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "");
	assert_int_equal(tevent_queue_length(f->queue), 2);
}

static void test_freeing_a_blocker_releases_the_queue(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *x = blocker_add(f, "X");
	struct tevent_req *y = blocker_add(f, "Y");

	item_add(f, "B", true, true);
	talloc_free(x);				/* the request */
	loop_for_ms(f, 10);
	assert_string_equal(f->log, "");	/* Y holds it now */
	talloc_free(item_entry(y));		/* only the entry */
	loop_once(f);
	assert_string_equal(f->log, "T:B C:B");
}

static void test_blocker_reaching_the_head_holds_the_queue(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *x;

	item_add(f, "A", true, true);
	x = blocker_add(f, "X");
	item_add(f, "C", true, true);
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "T:A C:A");
	assert_int_equal(tevent_queue_length(f->queue), 2);
	talloc_free(x);
	loop_once(f);
	assert_string_equal(f->log, "T:A C:A T:C C:C");
}

/* ---- Stop and start -------------------------------------------------- */

static void test_stop_and_start_set_running(void **pstate)
{
	struct fixture *f = *pstate;

	tevent_queue_stop(f->queue);
	assert_false(tevent_queue_running(f->queue));
	tevent_queue_stop(f->queue);
	assert_false(tevent_queue_running(f->queue));
	tevent_queue_start(f->queue);
	assert_true(tevent_queue_running(f->queue));
	tevent_queue_start(f->queue);
	assert_true(tevent_queue_running(f->queue));
}

static void test_stop_cancels_a_scheduled_trigger(void **pstate)
{
	struct fixture *f = *pstate;

	item_add(f, "A", true, true);	/* its trigger is scheduled */
	tevent_queue_stop(f->queue);
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "");
	assert_int_equal(tevent_queue_length(f->queue), 1);
}

static void test_start_triggers_on_the_next_loop_turn(void **pstate)
{
	struct fixture *f = *pstate;

	tevent_queue_stop(f->queue);
	item_add(f, "A", true, true);
	loop_for_ms(f, 10);
	assert_string_equal(f->log, "");
	tevent_queue_start(f->queue);
	assert_string_equal(f->log, "");	/* not inside start */
	loop_once(f);
	assert_string_equal(f->log, "T:A C:A");
}

static void test_add_to_a_stopped_queue_waits_for_start(void **pstate)
{
	struct fixture *f = *pstate;

	tevent_queue_stop(f->queue);
	item_add(f, "A", true, true);	/* at the head of a stopped queue */
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "");
	tevent_queue_start(f->queue);
	drain(f);
	assert_string_equal(f->log, "T:A C:A");
}

static void test_stop_does_not_touch_the_active_request(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_add(f, "A", false, false);

	loop_once(f);
	tevent_queue_stop(f->queue);
	assert_true(tevent_req_is_in_progress(a));
	tevent_req_done(a);		/* it can still finish */
	assert_string_equal(f->log, "T:A C:A");
}

static void test_freeing_the_active_request_of_a_stopped_queue_waits(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_add(f, "A", true, false);

	item_add(f, "B", true, true);
	loop_once(f);
	tevent_queue_stop(f->queue);
	talloc_free(a);
	assert_int_equal(tevent_queue_length(f->queue), 1);
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "T:A C:A");
	tevent_queue_start(f->queue);
	loop_once(f);
	assert_string_equal(f->log, "T:A C:A T:B C:B");
}

/* ---- Untrigger ------------------------------------------------------- */

static void test_untrigger_keeps_the_entry_at_the_head(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_add(f, "A", true, true);
	struct item_state *s = tevent_req_data(a, struct item_state);

	s->untrigger = 1;
	item_add(f, "B", true, true);
	loop_once(f);
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "T:A");
	assert_false(tevent_queue_running(f->queue));
	assert_int_equal(tevent_queue_length(f->queue), 2);
}

static void test_start_after_untrigger_calls_the_trigger_again(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_add(f, "A", true, true);
	struct item_state *s = tevent_req_data(a, struct item_state);

	s->untrigger = 1;
	item_add(f, "B", true, true);
	loop_once(f);
	tevent_queue_start(f->queue);
	assert_string_equal(f->log, "T:A");	/* not inside start */
	loop_once(f);
	assert_string_equal(f->log, "T:A T:A C:A");
	drain(f);
	assert_string_equal(f->log, "T:A T:A C:A T:B C:B");
}

static void untrigger_running(void *arg)
{
	struct fixture *f = arg;
	struct tevent_req *a = item_add(f, "A", false, false);

	loop_once(f);
	tevent_queue_entry_untrigger(item_entry(a));	/* not stopped */
}

static void test_untrigger_on_a_running_queue_aborts(void **pstate)
{
	int status = run_in_child(untrigger_running, *pstate);

	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void untrigger_not_head(void *arg)
{
	struct fixture *f = arg;
	struct tevent_req *b;

	item_add(f, "A", false, false);
	b = item_add(f, "B", false, false);
	loop_once(f);
	tevent_queue_stop(f->queue);
	tevent_queue_entry_untrigger(item_entry(b));	/* not the head */
}

static void test_untrigger_of_an_entry_not_at_the_head_aborts(
	void **pstate)
{
	int status = run_in_child(untrigger_not_head, *pstate);

	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

/* ---- Waiting in the queue -------------------------------------------- */

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

static void test_wait_finishes_on_a_loop_turn_not_inside_send(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *w = wait_add(f);

	assert_true(tevent_req_is_in_progress(w));
	assert_int_equal(tevent_queue_length(f->queue), 1);
	loop_once(f);
	assert_string_equal(f->log, "W:ok");
}

static void test_wait_finishes_when_it_reaches_the_head(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_add(f, "A", true, false);

	wait_add(f);
	loop_once(f);
	loop_for_ms(f, 10);
	assert_string_equal(f->log, "T:A C:A");
	talloc_free(a);
	loop_once(f);
	assert_string_equal(f->log, "T:A C:A W:ok");
}

static void test_wait_recv_does_not_release_the_queue(void **pstate)
{
	struct fixture *f = *pstate;

	wait_add(f);
	item_add(f, "B", true, true);
	loop_once(f);			/* wait_done calls wait_recv */
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "W:ok");
	assert_int_equal(tevent_queue_length(f->queue), 2);
}

static void test_freeing_the_wait_request_releases_the_queue(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *w = wait_add(f);

	item_add(f, "B", true, true);
	loop_once(f);
	talloc_free(w);
	assert_int_equal(tevent_queue_length(f->queue), 1);
	loop_once(f);
	assert_string_equal(f->log, "W:ok T:B C:B");
}

/*
 * Work done under the lock must not go through the queue it holds: a
 * request added while the finished wait request holds the queue waits
 * behind it, and the loop turns without ever triggering it.
 */
static void test_a_request_added_behind_a_held_wait_is_never_triggered(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *b;

	wait_add(f);			/* kept: the test never frees it */
	loop_once(f);			/* W finishes: it holds the queue */
	assert_string_equal(f->log, "W:ok");
	b = item_add(f, "B", true, true);	/* "under the lock" */
	loop_for_ms(f, 30);
	assert_string_equal(f->log, "W:ok");
	assert_true(tevent_req_is_in_progress(b));
	assert_int_equal(tevent_queue_length(f->queue), 2);
}

/* ---- tevent_queue_add_optimize_empty ---------------------------------- */

static size_t length_in_trigger;

static void length_trigger(struct tevent_req *req, void *private_data)
{
	struct item_state *s = tevent_req_data(req, struct item_state);

	length_in_trigger = tevent_queue_length(s->f->queue);
	item_trigger(req, private_data);
}

static void test_optimize_empty_triggers_inside_the_call(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);
	struct tevent_queue_entry *e;

	length_in_trigger = 0;
	e = tevent_queue_add_optimize_empty(f->queue, f->ev, a,
					    length_trigger, f);
	assert_string_equal(f->log, "T:A");
	/* The entry was in the queue while the trigger ran, and stays. */
	assert_int_equal(length_in_trigger, 1);
	assert_non_null(e);
	assert_ptr_equal(talloc_parent(e), a);
	assert_int_equal(tevent_queue_length(f->queue), 1);
}

static void test_optimize_empty_waits_when_a_callback_is_set(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", true, true);

	tevent_req_set_callback(a, item_done, NULL);
	assert_non_null(tevent_queue_add_optimize_empty(f->queue, f->ev, a,
							item_trigger, f));
	assert_string_equal(f->log, "");
	loop_once(f);
	assert_string_equal(f->log, "T:A C:A");
}

static void test_optimize_empty_waits_when_the_queue_is_busy(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_add(f, "A", true, true);
	struct tevent_req *b = item_new(f, "B", true, true);

	(void)a;
	assert_non_null(tevent_queue_add_optimize_empty(f->queue, f->ev, b,
							item_trigger, f));
	tevent_req_set_callback(b, item_done, NULL);
	assert_string_equal(f->log, "");
	drain(f);
	assert_string_equal(f->log, "T:A C:A T:B C:B");
}

static void test_optimize_empty_waits_when_the_queue_is_stopped(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", true, true);

	tevent_queue_stop(f->queue);
	assert_non_null(tevent_queue_add_optimize_empty(f->queue, f->ev, a,
							item_trigger, f));
	tevent_req_set_callback(a, item_done, NULL);
	loop_for_ms(f, 10);
	assert_string_equal(f->log, "");
	tevent_queue_start(f->queue);
	loop_once(f);
	assert_string_equal(f->log, "T:A C:A");
}

static void test_callback_set_after_the_request_finished_never_runs(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", true, false);

	assert_non_null(tevent_queue_add_optimize_empty(f->queue, f->ev, a,
							item_trigger, f));
	assert_false(tevent_req_is_in_progress(a));	/* done already */
	tevent_req_set_callback(a, item_done, NULL);
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "T:A");		/* no C:A, ever */
}

static void test_post_after_a_direct_finish_delivers_the_callback(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", true, true);

	assert_non_null(tevent_queue_add_optimize_empty(f->queue, f->ev, a,
							item_trigger, f));
	assert_false(tevent_req_is_in_progress(a));
	tevent_req_post(a, f->ev);
	tevent_req_set_callback(a, item_done, NULL);
	loop_once(f);
	assert_string_equal(f->log, "T:A C:A");
}

/* ---- Tracing and tags ------------------------------------------------ */

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

/* Log "attach:TAG", "before:TAG" or "detach:TAG" and the length. */
static void trace_log(struct tevent_queue_entry *qe,
		      enum tevent_event_trace_point p, void *private_data)
{
	struct fixture *f = private_data;
	char buf[64];

	snprintf(buf, sizeof(buf), "%llu/%zu",
		 (unsigned long long)tevent_queue_entry_get_tag(qe),
		 tevent_queue_length(f->queue));
	log_event(f, point_name(p), buf);
}

static struct tevent_req *tagged_add(struct fixture *f, const char *name,
				     uint64_t tag)
{
	struct tevent_req *req = item_add(f, name, true, false);

	tevent_queue_entry_set_tag(item_entry(req), tag);
	return req;
}

static void test_entry_tag_is_zero_until_set(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_add(f, "A", true, false);

	assert_int_equal(tevent_queue_entry_get_tag(item_entry(a)), 0);
	tevent_queue_entry_set_tag(item_entry(a), 42);
	assert_int_equal(tevent_queue_entry_get_tag(item_entry(a)), 42);
}

static void test_trace_points_of_one_request(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a;

	tevent_set_trace_queue_callback(f->ev, trace_log, f);
	a = tagged_add(f, "A", 1);
	loop_once(f);
	talloc_free(a);
	tevent_set_trace_queue_callback(f->ev, NULL, NULL);
	/* attach comes inside add, before the caller can set the tag;
	 * detach comes while the entry still counts in the length. */
	assert_string_equal(f->log,
			    "attach:0/1 before:1/1 T:A C:A detach:1/1");
}

static void test_trace_before_each_trigger_call(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a;
	struct item_state *s;

	tevent_set_trace_queue_callback(f->ev, trace_log, f);
	a = tagged_add(f, "A", 1);
	s = tevent_req_data(a, struct item_state);
	s->untrigger = 1;
	loop_once(f);
	tevent_queue_start(f->queue);
	loop_once(f);
	talloc_free(a);
	tevent_set_trace_queue_callback(f->ev, NULL, NULL);
	assert_string_equal(f->log, "attach:0/1 before:1/1 T:A "
			    "before:1/1 T:A C:A detach:1/1");
}

static void test_blocker_reaching_the_head_is_traced_like_a_trigger(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *x;

	tevent_set_trace_queue_callback(f->ev, trace_log, f);
	x = blocker_add(f, "X");
	loop_for_ms(f, 10);
	talloc_free(x);
	tevent_set_trace_queue_callback(f->ev, NULL, NULL);
	/* A blocker gets a trigger that does nothing; its call is traced. */
	assert_string_equal(f->log, "attach:0/1 before:0/1 detach:0/1");
}

static void test_get_trace_callback_returns_what_was_set(void **pstate)
{
	struct fixture *f = *pstate;
	tevent_trace_queue_callback_t cb = NULL;
	void *data = NULL;

	tevent_get_trace_queue_callback(f->ev, &cb, &data);
	assert_null(cb);
	assert_null(data);
	tevent_set_trace_queue_callback(f->ev, trace_log, f);
	tevent_get_trace_queue_callback(f->ev, &cb, &data);
	assert_ptr_equal(cb, trace_log);
	assert_ptr_equal(data, f);
	tevent_set_trace_queue_callback(f->ev, NULL, NULL);
	tevent_get_trace_queue_callback(f->ev, &cb, &data);
	assert_null(cb);
}

static void test_trace_callback_sees_every_queue_of_the_context(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_queue *other = tevent_queue_create(f, "other");
	struct tevent_req *a, *b;
	struct tevent_queue_entry *e;

	assert_non_null(other);
	tevent_set_trace_queue_callback(f->ev, trace_log, f);
	a = item_add(f, "A", false, false);		/* f->queue */
	b = item_new(f, "B", false, false);
	/* (tevent 0.15 and later define tevent_queue_add_entry() as a macro
	 * that ends in a semicolon: it cannot stand inside an expression) */
	e = tevent_queue_add_entry(other, f->ev, b, item_trigger, f);
	assert_non_null(e);
	talloc_free(a);
	talloc_free(b);
	tevent_set_trace_queue_callback(f->ev, NULL, NULL);
	/* trace_log prints f->queue's length: 1, then 0 for B's points. */
	assert_string_equal(f->log, "attach:0/1 attach:0/1 detach:0/1 "
			    "detach:0/0");
}

/* ---- The header ------------------------------------------------------ */

#define EXPANSION_OF(x) STRING_OF(x)
#define STRING_OF(x) #x

static void test_add_entry_macro_ends_in_a_semicolon_from_0_15(void **pstate)
{
	/* The text the preprocessor makes of a call, with the header this
	 * test was built with (the matrix builds it with each version's). */
	const char *call = EXPANSION_OF(
		tevent_queue_add_entry(queue, ev, req, trigger, data));
	size_t len = strlen(call);

	(void)pstate;
	assert_true(len > 0);
	if (tevent_version() >= 1500) {
		/* a macro around _tevent_queue_add_entry(), with a ';' */
		assert_non_null(strstr(call, "_tevent_queue_add_entry("));
		assert_int_equal(call[len - 1], ';');
	} else {
		/* the function itself */
		assert_string_equal(call,
				    "tevent_queue_add_entry(queue, ev, req, "
				    "trigger, data)");
	}
}

/* ---- Teardown -------------------------------------------------------- */

static void test_freeing_the_queue_leaves_its_requests_in_progress(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_add(f, "A", false, false);
	struct tevent_req *b = item_add(f, "B", true, true);

	loop_once(f);
	TALLOC_FREE(f->queue);
	/* Both entries are gone; both requests stay. */
	assert_string_equal(child_names(f, a),
			    "[struct item_state][struct tevent_immediate]");
	assert_string_equal(child_names(f, b),
			    "[struct item_state][struct tevent_immediate]");
	loop_for_ms(f, 20);
	/* B is never triggered and its caller is never called. */
	assert_string_equal(f->log, "T:A");
	assert_true(tevent_req_is_in_progress(a));
	assert_true(tevent_req_is_in_progress(b));
	tevent_req_done(a);		/* the active one can still finish */
	assert_string_equal(f->log, "T:A C:A");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, \
						fixture_teardown)
		T(test_length_counts_the_active_and_the_waiting),
		T(test_freeing_a_waiting_entry_leaves_its_request_alive),
		T(test_cancel_calls_the_cancel_function_and_returns_its_result),
		T(test_cancel_without_a_cancel_function_returns_false),
		T(test_defer_callback_runs_the_callback_from_the_loop),
		T(test_timer_is_freed_after_it_fires),
		T(test_blocker_at_the_head_holds_the_queue),
		T(test_finishing_a_blocker_request_does_not_release_it),
		T(test_freeing_a_blocker_releases_the_queue),
		T(test_blocker_reaching_the_head_holds_the_queue),
		T(test_stop_and_start_set_running),
		T(test_stop_cancels_a_scheduled_trigger),
		T(test_start_triggers_on_the_next_loop_turn),
		T(test_add_to_a_stopped_queue_waits_for_start),
		T(test_stop_does_not_touch_the_active_request),
		T(test_freeing_the_active_request_of_a_stopped_queue_waits),
		T(test_untrigger_keeps_the_entry_at_the_head),
		T(test_start_after_untrigger_calls_the_trigger_again),
		T(test_untrigger_on_a_running_queue_aborts),
		T(test_untrigger_of_an_entry_not_at_the_head_aborts),
		T(test_wait_finishes_on_a_loop_turn_not_inside_send),
		T(test_wait_finishes_when_it_reaches_the_head),
		T(test_wait_recv_does_not_release_the_queue),
		T(test_freeing_the_wait_request_releases_the_queue),
		T(test_a_request_added_behind_a_held_wait_is_never_triggered),
		T(test_optimize_empty_triggers_inside_the_call),
		T(test_optimize_empty_waits_when_a_callback_is_set),
		T(test_optimize_empty_waits_when_the_queue_is_busy),
		T(test_optimize_empty_waits_when_the_queue_is_stopped),
		T(test_callback_set_after_the_request_finished_never_runs),
		T(test_post_after_a_direct_finish_delivers_the_callback),
		T(test_entry_tag_is_zero_until_set),
		T(test_trace_points_of_one_request),
		T(test_trace_before_each_trigger_call),
		T(test_blocker_reaching_the_head_is_traced_like_a_trigger),
		T(test_get_trace_callback_returns_what_was_set),
		T(test_trace_callback_sees_every_queue_of_the_context),
		T(test_freeing_the_queue_leaves_its_requests_in_progress),
		T(test_add_entry_macro_ends_in_a_semicolon_from_0_15),
#undef T
	};

	if (argc > 1) {
		cmocka_set_test_filter(argv[1]);
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
