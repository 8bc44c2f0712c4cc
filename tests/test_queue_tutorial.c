/*
 * Claims of the page "The tevent_queue tutorial", checked on the
 * installed libtevent. Each test is named after the claim it backs; the
 * page cites it with \claim{test_name}.
 *
 * Run one: build/tests/test_queue_tutorial TEST_NAME
 *
 * SPDX-License-Identifier: MIT-0
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <talloc.h>
#include <tevent.h>

/* A queue, an event context and a log of what happened, in order. */
struct fixture {
	struct tevent_context *ev;
	struct tevent_queue *queue;
	char *log;
};

/* A request whose trigger logs "T:name" and may finish it at once. */
struct item_state {
	struct fixture *f;
	const char *name;
	bool finish_in_trigger;
	bool free_in_callback;
};

static void log_event(struct fixture *f, const char *what, const char *name)
{
	f->log = talloc_asprintf_append(f->log, "%s%s:%s",
					f->log[0] == '\0' ? "" : " ",
					what, name);
	assert_non_null(f->log);
}

static int setup(void **pstate)
{
	struct fixture *f = talloc_zero(NULL, struct fixture);

	assert_non_null(f);
	f->ev = tevent_context_init(f);
	assert_non_null(f->ev);
	f->queue = tevent_queue_create(f, "test");
	assert_non_null(f->queue);
	f->log = talloc_strdup(f, "");
	assert_non_null(f->log);
	*pstate = f;
	return 0;
}

static int teardown(void **pstate)
{
	TALLOC_FREE(*pstate);
	return 0;
}

static void item_trigger(struct tevent_req *req, void *private_data)
{
	struct item_state *s = tevent_req_data(req, struct item_state);

	assert_ptr_equal(private_data, s->f);
	log_event(s->f, "T", s->name);
	if (s->finish_in_trigger) {
		tevent_req_done(req);
		/* The callback (and perhaps the free) ran inside done(). */
	}
}

static void item_done(struct tevent_req *req)
{
	struct item_state *s = tevent_req_data(req, struct item_state);

	log_event(s->f, "C", s->name);
	if (s->free_in_callback) {
		talloc_free(req);
	}
}

/* Create a request, add it to the queue, return it (and its entry). */
static struct tevent_req *item_add(struct fixture *f, const char *name,
				   bool finish, bool free_in_callback,
				   struct tevent_queue_entry **pentry)
{
	struct tevent_req *req;
	struct item_state *s;
	struct tevent_queue_entry *e;

	req = tevent_req_create(f, &s, struct item_state);
	assert_non_null(req);
	s->f = f;
	s->name = name;
	s->finish_in_trigger = finish;
	s->free_in_callback = free_in_callback;
	tevent_req_set_callback(req, item_done, NULL);
	e = tevent_queue_add_entry(f->queue, f->ev, req, item_trigger, f);
	assert_non_null(e);
	if (pentry != NULL) {
		*pentry = e;
	}
	return req;
}

static void loop_once(struct fixture *f)
{
	assert_int_equal(tevent_loop_once(f->ev), 0);
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

/* Run the event loop for ms milliseconds. */
static void loop_for_ms(struct fixture *f, unsigned ms)
{
	bool fired = false;
	struct tevent_timer *te;

	te = tevent_add_timer(f->ev, f, tevent_timeval_current_ofs(0, ms * 1000),
			      timer_fired, &fired);
	assert_non_null(te);
	while (!fired) {
		loop_once(f);
	}
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

	item_add(f, "A", true, true, NULL);
	assert_string_equal(f->log, "");
	assert_int_equal(tevent_queue_length(f->queue), 1);
	loop_once(f);
	assert_string_equal(f->log, "T:A C:A");
}

static void test_trigger_gets_private_data_of_add(void **pstate)
{
	struct fixture *f = *pstate;

	/* item_trigger asserts that private_data is the fixture. */
	item_add(f, "A", true, true, NULL);
	loop_once(f);
	assert_string_equal(f->log, "T:A C:A");
}

static void test_triggers_run_in_the_order_of_add(void **pstate)
{
	struct fixture *f = *pstate;

	item_add(f, "A", true, true, NULL);
	item_add(f, "B", true, true, NULL);
	item_add(f, "C", true, true, NULL);
	while (tevent_queue_length(f->queue) > 0) {
		loop_once(f);
	}
	assert_string_equal(f->log, "T:A C:A T:B C:B T:C C:C");
}

static void test_done_calls_the_callback_before_returning(void **pstate)
{
	struct fixture *f = *pstate;

	/* item_trigger logs T, then done() runs item_done, which logs C,
	 * all inside one turn of the loop. */
	item_add(f, "A", true, false, NULL);
	loop_once(f);
	assert_string_equal(f->log, "T:A C:A");
}

static void test_finished_request_not_freed_holds_the_queue(void **pstate)
{
	struct fixture *f = *pstate;

	item_add(f, "A", true, false, NULL);	/* finished, kept */
	item_add(f, "B", true, true, NULL);
	loop_once(f);
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "T:A C:A");
	/* The active, finished entry still counts in the length. */
	assert_int_equal(tevent_queue_length(f->queue), 2);
}

static void test_unfinished_active_request_holds_the_queue(void **pstate)
{
	struct fixture *f = *pstate;

	item_add(f, "A", false, false, NULL);	/* triggered, never done */
	item_add(f, "B", true, true, NULL);
	loop_once(f);
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "T:A");
	assert_int_equal(tevent_queue_length(f->queue), 2);
}

static void test_entry_is_a_talloc_child_of_the_request(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_queue_entry *e;
	struct tevent_req *req = item_add(f, "A", true, false, &e);

	assert_ptr_equal(talloc_parent(e), req);
	assert_string_equal(talloc_get_name(e), "struct tevent_queue_entry");
}

static void collect_child(const void *ptr, int depth, int max_depth,
			  int is_ref, void *private_data)
{
	char **names = private_data;

	(void)max_depth;
	(void)is_ref;
	if (depth == 1) {
		*names = talloc_asprintf_append(*names, "[%s]",
						talloc_get_name(ptr));
	}
}

static void test_queued_request_children_are_entry_state_immediate(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_add(f, "A", true, false, NULL);
	char *names = talloc_strdup(f, "");

	assert_non_null(names);
	talloc_report_depth_cb(req, 0, 1, collect_child, &names);
	assert_non_null(names);
	assert_string_equal(names, "[struct tevent_queue_entry]"
			    "[struct item_state][struct tevent_immediate]");
}

static void test_request_children_are_state_and_immediate(void **pstate)
{
	struct fixture *f = *pstate;
	struct item_state *s;
	struct tevent_req *req = tevent_req_create(f, &s, struct item_state);
	char *names = talloc_strdup(f, "");

	assert_non_null(req);
	assert_non_null(names);
	talloc_report_depth_cb(req, 0, 1, collect_child, &names);
	assert_non_null(names);
	assert_string_equal(names,
			    "[struct item_state][struct tevent_immediate]");
}

static void count_immediate(struct tevent_context *ev,
			    struct tevent_immediate *im, void *private_data)
{
	int *count = private_data;

	(void)ev;
	(void)im;
	*count += 1;
}

static void test_loop_once_runs_one_handler(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_immediate *im1 = tevent_create_immediate(f);
	struct tevent_immediate *im2 = tevent_create_immediate(f);
	int count = 0;

	assert_non_null(im1);
	assert_non_null(im2);
	tevent_schedule_immediate(im1, f->ev, count_immediate, &count);
	tevent_schedule_immediate(im2, f->ev, count_immediate, &count);
	assert_int_equal(count, 0);
	loop_once(f);
	assert_int_equal(count, 1);
	loop_once(f);
	assert_int_equal(count, 2);
}

static void test_post_delays_the_callback_to_the_next_loop_turn(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct item_state *s;
	struct tevent_req *req = tevent_req_create(f, &s, struct item_state);

	assert_non_null(req);
	s->f = f;
	s->name = "A";
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

static void test_freeing_a_request_removes_its_entry_at_once(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_add(f, "A", true, false, NULL);
	struct tevent_req *b = item_add(f, "B", true, false, NULL);

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
	struct tevent_req *a = item_add(f, "A", true, false, NULL);

	item_add(f, "B", true, true, NULL);
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

	item_add(f, "A", true, true, NULL);
	b = item_add(f, "B", true, true, NULL);
	item_add(f, "C", true, true, NULL);
	talloc_free(b);
	while (tevent_queue_length(f->queue) > 0) {
		loop_once(f);
	}
	assert_string_equal(f->log, "T:A C:A T:C C:C");
}

static void nop_fd_handler(struct tevent_context *ev, struct tevent_fd *fde,
			   uint16_t flags, void *private_data)
{
	(void)ev;
	(void)fde;
	(void)flags;
	(void)private_data;
}

/* In a child process: add n write events on one descriptor; exit 0. */
static int add_fd_events_in_child(const char *backend, int n)
{
	pid_t pid = fork();
	int status;

	assert_true(pid != -1);
	if (pid == 0) {
		struct tevent_context *ev;
		int sv[2], i, devnull;

		devnull = open("/dev/null", O_WRONLY);
		if (devnull == -1 || dup2(devnull, 2) == -1 ||
		    socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1) {
			_exit(3);
		}
		ev = (backend == NULL) ? tevent_context_init(NULL)
				       : tevent_context_init_byname(NULL,
								    backend);
		if (ev == NULL) {
			_exit(4);
		}
		for (i = 0; i < n; i++) {
			if (tevent_add_fd(ev, ev, sv[0], TEVENT_FD_WRITE,
					  nop_fd_handler, NULL) == NULL) {
				_exit(5);
			}
		}
		if (tevent_loop_once(ev) != 0) {
			_exit(6);
		}
		talloc_free(ev);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void test_epoll_takes_two_fd_events_on_one_descriptor(void **pstate)
{
	int status = add_fd_events_in_child("epoll", 2);

	(void)pstate;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_epoll_aborts_on_a_third_fd_event(void **pstate)
{
	int status = add_fd_events_in_child("epoll", 3);

	(void)pstate;
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void test_default_backend_survives_a_third_fd_event(void **pstate)
{
	int status = add_fd_events_in_child(NULL, 3);

	(void)pstate;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_loop_once_runs_one_handler),
		T(test_post_delays_the_callback_to_the_next_loop_turn),
		T(test_freeing_a_parent_runs_the_destructor_of_a_child),
		T(test_request_children_are_state_and_immediate),
		T(test_queue_is_created_running_and_empty),
		T(test_add_does_not_call_the_trigger),
		T(test_trigger_gets_private_data_of_add),
		T(test_triggers_run_in_the_order_of_add),
		T(test_done_calls_the_callback_before_returning),
		T(test_finished_request_not_freed_holds_the_queue),
		T(test_unfinished_active_request_holds_the_queue),
		T(test_entry_is_a_talloc_child_of_the_request),
		T(test_queued_request_children_are_entry_state_immediate),
		T(test_freeing_a_request_removes_its_entry_at_once),
		T(test_next_trigger_runs_on_the_next_loop_turn),
		T(test_freed_waiting_request_is_never_triggered),
		T(test_epoll_takes_two_fd_events_on_one_descriptor),
		T(test_epoll_aborts_on_a_third_fd_event),
		T(test_default_backend_survives_a_third_fd_event),
#undef T
	};

	if (argc > 1) {
		cmocka_set_test_filter(argv[1]);
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
