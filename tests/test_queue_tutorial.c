/*
 * Claims of the page "The tevent_queue tutorial", checked on the
 * installed libtevent. Each test is named after the claim it backs; the
 * page cites it with \claim{test_name}.
 *
 * Run one: build/tests/test_queue_tutorial TEST_NAME
 *
 * SPDX-License-Identifier: MIT-0
 */
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

static void log_immediate(struct tevent_context *ev,
			  struct tevent_immediate *im, void *private_data)
{
	struct fixture *f = talloc_get_type_abort(private_data, struct fixture);

	(void)ev;
	log_event(f, "I", talloc_get_name(im));
}

static void test_immediates_run_in_the_order_scheduled(void **pstate)
{
	struct fixture *f = *pstate;
	const char *names[] = { "1", "2", "3" };
	size_t i;

	for (i = 0; i < 3; i++) {
		struct tevent_immediate *im = tevent_create_immediate(f);

		assert_non_null(im);
		talloc_set_name_const(im, names[i]);
		tevent_schedule_immediate(im, f->ev, log_immediate, f);
	}
	loop_once(f);
	assert_string_equal(f->log, "I:1");
	loop_once(f);
	assert_string_equal(f->log, "I:1 I:2");
	loop_once(f);
	assert_string_equal(f->log, "I:1 I:2 I:3");
}

static void test_trigger_waits_behind_an_earlier_immediate(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_immediate *im = tevent_create_immediate(f);

	assert_non_null(im);
	talloc_set_name_const(im, "other");
	tevent_schedule_immediate(im, f->ev, log_immediate, f);
	item_add(f, "A", true, true);
	loop_once(f);
	assert_string_equal(f->log, "I:other");
	loop_once(f);
	assert_string_equal(f->log, "I:other T:A C:A");
}

static void test_queue_has_its_own_immediate_event(void **pstate)
{
	struct fixture *f = *pstate;
	char *names = child_names(f, f->queue);

	assert_non_null(strstr(names, "[struct tevent_immediate]"));
}

static void test_error_stores_a_number_of_your_choice(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", false, false);
	enum tevent_req_state state;
	uint64_t err = 0;

	assert_false(tevent_req_error(req, 0));	/* 0 is refused */
	assert_true(tevent_req_is_in_progress(req));
	assert_true(tevent_req_error(req, 42));
	assert_true(tevent_req_is_error(req, &state, &err));
	assert_int_equal(state, TEVENT_REQ_USER_ERROR);
	assert_int_equal(err, 42);
}

static void test_nomem_fails_the_request_when_null(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", false, false);
	enum tevent_req_state state;
	uint64_t err;

	assert_false(tevent_req_nomem(f, req));
	assert_true(tevent_req_is_in_progress(req));
	assert_true(tevent_req_nomem(NULL, req));
	assert_true(tevent_req_is_error(req, &state, &err));
	assert_int_equal(state, TEVENT_REQ_NO_MEMORY);
}

static void test_in_progress_until_finished(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);
	struct tevent_req *b = item_new(f, "B", false, false);

	assert_true(tevent_req_is_in_progress(a));
	tevent_req_done(a);
	assert_false(tevent_req_is_in_progress(a));
	assert_true(tevent_req_is_in_progress(b));
	tevent_req_error(b, 5);
	assert_false(tevent_req_is_in_progress(b));
}

static void test_received_frees_the_state(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", false, false);

	tevent_req_done(req);
	assert_non_null(strstr(child_names(f, req), "[struct item_state]"));
	tevent_req_received(req);
	assert_null(strstr(child_names(f, req), "[struct item_state]"));
	assert_non_null(talloc_get_name(req));	/* req itself is alive */
}

static void test_talloc_free_macro_sets_the_pointer_to_null(void **pstate)
{
	char *p = talloc_strdup(NULL, "x");

	(void)pstate;
	assert_non_null(p);
	TALLOC_FREE(p);
	assert_null(p);
	TALLOC_FREE(p);		/* harmless on NULL */
}

static void test_talloc_move_changes_the_parent_and_clears_the_source(
	void **pstate)
{
	struct fixture *f = *pstate;
	char *from = talloc_new(f);
	char *p = talloc_strdup(from, "x");
	char *moved;

	assert_non_null(from);
	assert_non_null(p);
	moved = talloc_move(f, &p);
	assert_null(p);
	assert_ptr_equal(talloc_parent(moved), f);
	talloc_free(from);
	assert_string_equal(moved, "x");	/* survived its old parent */
}

static void test_init_byname_with_null_picks_the_default(void **pstate)
{
	struct tevent_context *ev = tevent_context_init_byname(NULL, NULL);

	(void)pstate;
	assert_non_null(ev);
	talloc_free(ev);
}

static void test_init_byname_with_an_unknown_name_fails(void **pstate)
{
	(void)pstate;
	assert_null(tevent_context_init_byname(NULL, "no-such-backend"));
}

static void test_done_calls_the_callback_before_returning(void **pstate)
{
	struct fixture *f = *pstate;

	/* item_trigger logs T, then done() runs item_done, which logs C,
	 * all inside one turn of the loop. */
	item_add(f, "A", true, false);
	loop_once(f);
	assert_string_equal(f->log, "T:A C:A");
}

static void test_post_delays_the_callback_to_the_next_loop_turn(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", false, false);

	tevent_req_done(req);		/* no callback set yet: nobody told */
	assert_ptr_equal(tevent_req_post(req, f->ev), req);
	tevent_req_set_callback(req, item_done, NULL);
	assert_string_equal(f->log, "");
	loop_once(f);
	assert_string_equal(f->log, "C:A");
}

static int destructor_count;

static int count_destructor(char *p)
{
	(void)p;
	destructor_count += 1;
	return 0;
}

static void test_freeing_a_parent_runs_the_destructor_of_a_child(
	void **pstate)
{
	char *parent = talloc_strdup(NULL, "parent");
	char *child = talloc_strdup(parent, "child");

	(void)pstate;
	assert_non_null(parent);
	assert_non_null(child);
	destructor_count = 0;
	talloc_set_destructor(child, count_destructor);
	talloc_free(parent);
	assert_int_equal(destructor_count, 1);
}

static void test_request_children_are_state_and_immediate(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", false, false);

	assert_string_equal(child_names(f, req),
			    "[struct item_state][struct tevent_immediate]");
}

static void test_queue_is_created_running_and_empty(void **pstate)
{
	struct fixture *f = *pstate;

	assert_true(tevent_queue_running(f->queue));
	assert_int_equal(tevent_queue_length(f->queue), 0);
}

static void test_add_does_not_call_the_trigger(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", true, true);

	assert_true(tevent_queue_add(f->queue, f->ev, req, item_trigger, f));
	tevent_req_set_callback(req, item_done, NULL);
	assert_string_equal(f->log, "");
	assert_int_equal(tevent_queue_length(f->queue), 1);
	loop_once(f);
	assert_string_equal(f->log, "T:A C:A");
}

static void test_trigger_gets_private_data_of_add(void **pstate)
{
	struct fixture *f = *pstate;

	/* item_trigger asserts that private_data is the fixture. */
	item_add(f, "A", true, true);
	loop_once(f);
	assert_string_equal(f->log, "T:A C:A");
}

static void test_triggers_run_in_the_order_of_add(void **pstate)
{
	struct fixture *f = *pstate;

	item_add(f, "A", true, true);
	item_add(f, "B", true, true);
	item_add(f, "C", true, true);
	while (tevent_queue_length(f->queue) > 0) {
		loop_once(f);
	}
	assert_string_equal(f->log, "T:A C:A T:B C:B T:C C:C");
}

static void test_finished_request_not_freed_holds_the_queue(void **pstate)
{
	struct fixture *f = *pstate;

	item_add(f, "A", true, false);	/* finished, kept */
	item_add(f, "B", true, true);
	loop_once(f);
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "T:A C:A");
	/* The active, finished entry still counts in the length. */
	assert_int_equal(tevent_queue_length(f->queue), 2);
}

static void test_unfinished_active_request_holds_the_queue(void **pstate)
{
	struct fixture *f = *pstate;

	item_add(f, "A", false, false);	/* triggered, never done */
	item_add(f, "B", true, true);
	loop_once(f);
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "T:A");
	assert_int_equal(tevent_queue_length(f->queue), 2);
}

static void test_entry_is_a_talloc_child_of_the_request(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_add(f, "A", true, false);
	struct tevent_queue_entry *e = item_entry(req);

	assert_ptr_equal(talloc_parent(e), req);
	assert_string_equal(talloc_get_name(e), "struct tevent_queue_entry");
}

static void test_queued_request_children_are_entry_state_immediate(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_add(f, "A", true, false);

	assert_string_equal(child_names(f, req),
			    "[struct tevent_queue_entry]"
			    "[struct item_state][struct tevent_immediate]");
}

static void test_freeing_a_request_removes_its_entry_at_once(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_add(f, "A", true, false);
	struct tevent_req *b = item_add(f, "B", true, false);

	assert_int_equal(tevent_queue_length(f->queue), 2);
	talloc_free(b);		/* waiting */
	assert_int_equal(tevent_queue_length(f->queue), 1);
	loop_once(f);
	talloc_free(a);		/* active and finished */
	assert_int_equal(tevent_queue_length(f->queue), 0);
}

static void test_next_trigger_runs_on_the_next_loop_turn(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_add(f, "A", true, false);

	item_add(f, "B", true, true);
	loop_once(f);
	assert_string_equal(f->log, "T:A C:A");
	talloc_free(a);
	assert_string_equal(f->log, "T:A C:A");	/* not inside the free */
	loop_once(f);
	assert_string_equal(f->log, "T:A C:A T:B C:B");
}

static void test_freed_waiting_request_is_never_triggered(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *b;

	item_add(f, "A", true, true);
	b = item_add(f, "B", true, true);
	item_add(f, "C", true, true);
	talloc_free(b);
	assert_int_equal(tevent_queue_length(f->queue), 2);	/* at once */
	while (tevent_queue_length(f->queue) > 0) {
		loop_once(f);
	}
	assert_string_equal(f->log, "T:A C:A T:C C:C");
}

static void test_freeing_the_active_entry_lets_the_next_start(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_add(f, "A", false, false);

	item_add(f, "B", false, false);
	loop_once(f);
	assert_string_equal(f->log, "T:A");
	talloc_free(item_entry(a));
	assert_int_equal(tevent_queue_length(f->queue), 1);
	loop_once(f);
	/* B is triggered while A is still in progress: two active. */
	assert_string_equal(f->log, "T:A T:B");
	assert_true(tevent_req_is_in_progress(a));
}

static void nop_fd_handler(struct tevent_context *ev, struct tevent_fd *fde,
			   uint16_t flags, void *private_data)
{
	(void)ev;
	(void)fde;
	(void)flags;
	(void)private_data;
}

struct fd_events {
	const char *backend;	/* NULL: the default backend */
	int count;
};

/* Add count write events on one descriptor and turn the loop once. */
static void add_fd_events(void *arg)
{
	struct fd_events *a = arg;
	struct tevent_context *ev;
	int sv[2], i;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
		_exit(3);
	}
	ev = (a->backend == NULL) ? tevent_context_init(NULL)
				  : tevent_context_init_byname(NULL, a->backend);
	if (ev == NULL) {
		_exit(4);
	}
	for (i = 0; i < a->count; i++) {
		if (tevent_add_fd(ev, ev, sv[0], TEVENT_FD_WRITE,
				  nop_fd_handler, NULL) == NULL) {
			_exit(5);
		}
	}
	if (tevent_loop_once(ev) != 0) {
		_exit(6);
	}
	talloc_free(ev);
}

static void test_epoll_takes_two_fd_events_on_one_descriptor(void **pstate)
{
	struct fd_events a = { .backend = "epoll", .count = 2 };
	int status = run_in_child(add_fd_events, &a);

	(void)pstate;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_default_backend_survives_a_third_fd_event(void **pstate)
{
	struct fd_events a = { .backend = NULL, .count = 3 };
	int status = run_in_child(add_fd_events, &a);

	(void)pstate;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, \
						fixture_teardown)
		T(test_init_byname_with_null_picks_the_default),
		T(test_init_byname_with_an_unknown_name_fails),
		T(test_immediates_run_in_the_order_scheduled),
		T(test_trigger_waits_behind_an_earlier_immediate),
		T(test_queue_has_its_own_immediate_event),
		T(test_error_stores_a_number_of_your_choice),
		T(test_nomem_fails_the_request_when_null),
		T(test_in_progress_until_finished),
		T(test_received_frees_the_state),
		T(test_talloc_free_macro_sets_the_pointer_to_null),
		T(test_talloc_move_changes_the_parent_and_clears_the_source),
		T(test_done_calls_the_callback_before_returning),
		T(test_post_delays_the_callback_to_the_next_loop_turn),
		T(test_freeing_a_parent_runs_the_destructor_of_a_child),
		T(test_request_children_are_state_and_immediate),
		T(test_queue_is_created_running_and_empty),
		T(test_add_does_not_call_the_trigger),
		T(test_trigger_gets_private_data_of_add),
		T(test_triggers_run_in_the_order_of_add),
		T(test_finished_request_not_freed_holds_the_queue),
		T(test_unfinished_active_request_holds_the_queue),
		T(test_entry_is_a_talloc_child_of_the_request),
		T(test_queued_request_children_are_entry_state_immediate),
		T(test_freeing_a_request_removes_its_entry_at_once),
		T(test_next_trigger_runs_on_the_next_loop_turn),
		T(test_freed_waiting_request_is_never_triggered),
		T(test_freeing_the_active_entry_lets_the_next_start),
		T(test_epoll_takes_two_fd_events_on_one_descriptor),
		T(test_default_backend_survives_a_third_fd_event),
#undef T
	};

	if (argc > 1) {
		cmocka_set_test_filter(argv[1]);
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
