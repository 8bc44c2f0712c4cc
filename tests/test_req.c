/*
 * Claims of the chapter on requests (doc/req*.dox, doc/pitfalls_req.dox,
 * doc/upstream_req.dox): the request and its state in the talloc tree,
 * finishing, subrequests, errors, deadlines, cleanup, cancelling,
 * waiting. Each test is named after the sentence it backs; the pages
 * cite it with \claim{test_name}. Every test passes on each backend
 * (TEVENT_TEST_BACKEND) and on libtevent 0.14.1, 0.16.2 and 0.17.2.
 *
 * Run one: build/tests/test_req TEST_NAME
 *
 * SPDX-License-Identifier: MIT-0
 */
#define _GNU_SOURCE	/* RTLD_DEFAULT */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

/* ---- Helpers --------------------------------------------------------- */

/* A state with a few fields, to see that it starts zeroed. */
struct zstate {
	int number;
	char text[24];
	void *pointer;
};

/* A time ms milliseconds from now. */
static struct timeval in_ms(unsigned ms)
{
	return tevent_timeval_current_ofs(0, ms * 1000);
}

/* Set *flag when the talloc context it hangs on is freed. */
static int note_freed(bool **flag)
{
	**flag = true;
	return 0;
}

static void watch_free(const void *ctx, bool *flag)
{
	bool **watch = talloc(ctx, bool *);

	assert_non_null(watch);
	*flag = false;
	*watch = flag;
	talloc_set_destructor(watch, note_freed);
}

/* A request in the fixture's style, made on any talloc context. */
static struct tevent_req *item_on(struct fixture *f, TALLOC_CTX *mem_ctx,
				  const char *name)
{
	struct tevent_req *req;
	struct item_state *s;

	req = tevent_req_create(mem_ctx, &s, struct item_state);
	assert_non_null(req);
	s->f = f;
	s->name = name;
	tevent_req_set_callback(req, item_done, NULL);
	return req;
}

/* The cleanup function of the tests: logs "K:<state number>". */
static void cleanup_log(struct tevent_req *req, enum tevent_req_state state)
{
	struct item_state *s = tevent_req_data(req, struct item_state);
	char name[16];

	snprintf(name, sizeof(name), "%d", (int)state);
	log_event(s->f, "K", name);
}

/* A timer that logs "W:name" (the request's own work). */
static void work_fired(struct tevent_context *ev, struct tevent_timer *te,
		       struct timeval now, void *private_data)
{
	struct item_state *s = private_data;

	(void)ev;
	(void)te;
	(void)now;
	log_event(s->f, "W", s->name);
}

/* An immediate that logs "I:immediate". */
static void immediate_log(struct tevent_context *ev,
			  struct tevent_immediate *im, void *private_data)
{
	struct fixture *f = private_data;

	(void)ev;
	(void)im;
	log_event(f, "I", "immediate");
}

/* Turn the loop until the log is not empty (at most 1000 turns). */
static void loop_until_logged(struct fixture *f)
{
	unsigned turns = 0;

	while (f->log[0] == '\0') {
		assert_true(turns++ < 1000);
		loop_once(f);
	}
}

/* ---- The request and its state --------------------------------------- */

static void test_create_nests_the_state_in_the_request_in_mem_ctx(
	void **pstate)
{
	struct fixture *f = *pstate;
	TALLOC_CTX *owner = talloc_new(f);
	struct zstate *s = NULL;
	struct tevent_req *req;
	static const struct zstate zero;

	assert_non_null(owner);
	req = tevent_req_create(owner, &s, struct zstate);
	assert_non_null(req);
	assert_ptr_equal(talloc_parent(req), owner);
	assert_string_equal(talloc_get_name(req), "struct tevent_req");
	assert_ptr_equal(talloc_parent(s), req);
	assert_string_equal(talloc_get_name(s), "struct zstate");
	assert_ptr_equal(tevent_req_data(req, struct zstate), s);
	assert_memory_equal(s, &zero, sizeof(zero));
	assert_true(tevent_req_is_in_progress(req));
}

static void test_talloc_names_a_string_after_its_text(void **pstate)
{
	struct fixture *f = *pstate;
	char *copy = talloc_strdup(f, "Ada");
	char *made = talloc_asprintf(f, "hello, %s", "Ada");

	assert_non_null(copy);
	assert_non_null(made);
	assert_string_equal(talloc_get_name(copy), "Ada");
	assert_string_equal(talloc_get_name(made), "hello, Ada");
}

static void test_talloc_report_lists_the_newest_child_first(void **pstate)
{
	struct fixture *f = *pstate;
	TALLOC_CTX *parent = talloc_new(f);

	assert_non_null(parent);
	assert_non_null(talloc_named_const(parent, 0, "first"));
	assert_non_null(talloc_named_const(parent, 0, "second"));
	assert_non_null(talloc_named_const(parent, 0, "third"));
	assert_string_equal(child_names(f, parent),
			    "[third][second][first]");
}

static void test_endtime_timer_is_a_child_of_the_request(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", false, false);

	assert_string_equal(child_names(f, req),
			    "[struct item_state][struct tevent_immediate]");
	assert_true(tevent_req_set_endtime(req, f->ev, in_ms(1000)));
	assert_string_equal(child_names(f, req),
			    "[struct tevent_timer][struct item_state]"
			    "[struct tevent_immediate]");
}

static void test_post_allocates_nothing(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", false, false);
	size_t blocks;

	tevent_req_done(req);
	blocks = talloc_total_blocks(f);
	assert_ptr_equal(tevent_req_post(req, f->ev), req);
	assert_int_equal(talloc_total_blocks(f), blocks);
}

/* ---- Finishing ------------------------------------------------------- */

static void test_finished_in_send_without_post_never_calls_back(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", false, false);

	tevent_req_done(req);		/* inside "_send": no callback yet */
	tevent_req_set_callback(req, item_done, NULL);	/* the caller */
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "");
	assert_false(tevent_req_is_in_progress(req));
}

static void test_finishing_again_calls_the_callback_again(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_on(f, f, "A");
	struct tevent_req *b = item_on(f, f, "B");
	enum tevent_req_state state;
	uint64_t err = 0;

	assert_true(tevent_req_nomem(NULL, a));
	assert_string_equal(f->log, "C:A");
	tevent_req_done(a);
	assert_string_equal(f->log, "C:A C:A");
	assert_false(tevent_req_is_error(a, &state, &err));	/* DONE */

	tevent_req_done(b);
	assert_true(tevent_req_error(b, 7));
	assert_string_equal(f->log, "C:A C:A C:B C:B");
	assert_true(tevent_req_is_error(b, &state, &err));
	assert_int_equal(state, TEVENT_REQ_USER_ERROR);
	assert_int_equal(err, 7);
}

static void test_talloc_refuses_a_size_of_256_mib_or_more(void **pstate)
{
	struct fixture *f = *pstate;
	char *small = talloc_array(f, char, 1024 * 1024);

	assert_non_null(small);
	assert_null(talloc_array(f, char, 256 * 1024 * 1024));
	assert_null(talloc_array(f, char, 1024 * 1024 * 1024));
	assert_null(talloc_size(f, 256 * 1024 * 1024));
}

static void test_error_accepts_1_and_refuses_only_0(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_on(f, f, "A");
	enum tevent_req_state state;
	uint64_t err = 0;

	assert_false(tevent_req_error(a, 0));
	assert_string_equal(f->log, "");
	assert_true(tevent_req_is_in_progress(a));
	assert_true(tevent_req_error(a, 1));
	assert_string_equal(f->log, "C:A");
	assert_true(tevent_req_is_error(a, &state, &err));
	assert_int_equal(state, TEVENT_REQ_USER_ERROR);
	assert_int_equal(err, 1);
}

static void test_post_in_progress_calls_back_in_progress(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_on(f, f, "A");

	tevent_req_post(a, f->ev);
	assert_string_equal(f->log, "");
	loop_once(f);
	assert_string_equal(f->log, "C:A");
	assert_true(tevent_req_is_in_progress(a));	/* nothing finished */
}

/* ---- Subrequests ----------------------------------------------------- */

static void test_subrequest_on_the_state_goes_with_its_parent(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *parent = item_on(f, f, "P");
	struct item_state *ps = tevent_req_data(parent, struct item_state);
	struct tevent_req *sub = item_on(f, ps, "S");
	bool freed;

	watch_free(tevent_req_data(sub, struct item_state), &freed);
	assert_ptr_equal(talloc_parent(sub), ps);
	assert_true(tevent_req_set_endtime(sub, f->ev, in_ms(5)));
	talloc_free(parent);
	assert_true(freed);
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "");	/* no callback of S */
}

static void test_subrequest_on_another_context_outlives_its_parent(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *parent = item_on(f, f, "P");
	struct tevent_req *sub = item_on(f, f, "S");	/* not on the state */
	bool freed;

	watch_free(tevent_req_data(sub, struct item_state), &freed);
	assert_true(tevent_req_set_endtime(sub, f->ev, in_ms(5)));
	talloc_free(parent);
	assert_false(freed);
	assert_true(tevent_req_is_in_progress(sub));
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "C:S");	/* it ran on */
}

static void test_finishing_a_parent_leaves_its_subrequests_running(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *parent = item_on(f, f, "P");
	struct item_state *ps = tevent_req_data(parent, struct item_state);
	struct tevent_req *sub = item_on(f, ps, "S");

	assert_true(tevent_req_set_endtime(sub, f->ev, in_ms(5)));
	tevent_req_done(parent);
	assert_string_equal(f->log, "C:P");
	assert_true(tevent_req_is_in_progress(sub));
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "C:P C:S");
}

/* ---- Errors ---------------------------------------------------------- */

static void test_is_error_leaves_the_error_alone_unless_user_error(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *t = item_new(f, "T", false, false);
	struct tevent_req *m = item_new(f, "M", false, false);
	struct tevent_req *r = item_new(f, "R", false, false);
	struct tevent_req *u = item_new(f, "U", false, false);
	enum tevent_req_state state;
	uint64_t err;

	err = 77;
	assert_true(tevent_req_is_error(t, &state, &err));
	assert_int_equal(state, TEVENT_REQ_IN_PROGRESS);
	assert_int_equal(err, 77);

	assert_true(tevent_req_set_endtime(t, f->ev, tevent_timeval_zero()));
	loop_once(f);
	assert_true(tevent_req_is_error(t, &state, &err));
	assert_int_equal(state, TEVENT_REQ_TIMED_OUT);
	assert_int_equal(err, 77);

	tevent_req_oom(m);
	assert_true(tevent_req_is_error(m, &state, &err));
	assert_int_equal(state, TEVENT_REQ_NO_MEMORY);
	assert_int_equal(err, 77);

	tevent_req_received(r);
	assert_true(tevent_req_is_error(r, &state, &err));
	assert_int_equal(state, TEVENT_REQ_RECEIVED);
	assert_int_equal(err, 77);

	assert_true(tevent_req_error(u, 9));
	assert_true(tevent_req_is_error(u, &state, &err));
	assert_int_equal(state, TEVENT_REQ_USER_ERROR);
	assert_int_equal(err, 9);
}

static void test_unix_error_helpers_are_not_in_libtevent(void **pstate)
{
	(void)pstate;
	/* the lookup works: a function libtevent has */
	assert_non_null(dlsym(RTLD_DEFAULT, "tevent_req_is_error"));
	assert_null(dlsym(RTLD_DEFAULT, "tevent_req_is_unix_error"));
	assert_null(dlsym(RTLD_DEFAULT, "tevent_req_simple_recv_unix"));
	assert_null(dlsym(RTLD_DEFAULT, "tevent_req_poll_unix"));
}

/* ---- Deadlines and cleanup ------------------------------------------- */

static void test_timed_out_request_keeps_its_state_and_its_work(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_on(f, f, "A");
	struct item_state *s = tevent_req_data(req, struct item_state);
	enum tevent_req_state state;
	uint64_t err = 0;

	assert_non_null(tevent_add_timer(f->ev, s, in_ms(15), work_fired, s));
	assert_true(tevent_req_set_endtime(req, f->ev, in_ms(2)));
	loop_until_logged(f);
	assert_string_equal(f->log, "C:A");
	assert_true(tevent_req_is_error(req, &state, &err));
	assert_int_equal(state, TEVENT_REQ_TIMED_OUT);
	assert_ptr_equal(tevent_req_data(req, struct item_state), s);
	loop_for_ms(f, 30);
	assert_string_equal(f->log, "C:A W:A");	/* the work went on */
}

static void test_set_endtime_again_replaces_the_deadline(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_on(f, f, "A");
	struct tevent_req *b = item_on(f, f, "B");

	/* later: A does not time out at the first deadline */
	assert_true(tevent_req_set_endtime(a, f->ev, in_ms(2)));
	assert_true(tevent_req_set_endtime(a, f->ev, in_ms(40)));
	loop_for_ms(f, 15);
	assert_string_equal(f->log, "");
	assert_true(tevent_req_is_in_progress(a));
	loop_until_logged(f);
	assert_string_equal(f->log, "C:A");

	/* sooner: B times out at the second deadline */
	f->log[0] = '\0';
	assert_true(tevent_req_set_endtime(b, f->ev, in_ms(500)));
	assert_true(tevent_req_set_endtime(b, f->ev, in_ms(2)));
	loop_for_ms(f, 15);
	assert_string_equal(f->log, "C:B");
}

static void test_finishing_removes_the_deadline(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_on(f, f, "A");
	enum tevent_req_state state;
	uint64_t err = 0;

	assert_true(tevent_req_set_endtime(req, f->ev, in_ms(5)));
	tevent_req_done(req);
	assert_string_equal(child_names(f, req),
			    "[struct item_state][struct tevent_immediate]");
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "C:A");
	assert_false(tevent_req_is_error(req, &state, &err));
}

static void test_endtime_on_a_finished_request_finishes_it_again(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_on(f, f, "A");
	enum tevent_req_state state;
	uint64_t err = 0;

	tevent_req_done(a);
	assert_string_equal(f->log, "C:A");
	assert_true(tevent_req_set_endtime(a, f->ev, in_ms(2)));
	loop_for_ms(f, 20);
	assert_string_equal(f->log, "C:A C:A");
	assert_true(tevent_req_is_error(a, &state, &err));
	assert_int_equal(state, TEVENT_REQ_TIMED_OUT);
}

static void test_cleanup_gets_the_finished_state_then_received(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *d = item_on(f, f, "D");
	struct tevent_req *e = item_on(f, f, "E");
	struct tevent_req *t = item_on(f, f, "T");
	struct tevent_req *m = item_on(f, f, "M");

	tevent_req_set_cleanup_fn(d, cleanup_log);
	tevent_req_done(d);
	assert_string_equal(f->log, "K:2 C:D");
	tevent_req_received(d);
	assert_string_equal(f->log, "K:2 C:D K:6");
	talloc_free(d);
	assert_string_equal(f->log, "K:2 C:D K:6");	/* not again */

	f->log[0] = '\0';
	tevent_req_set_cleanup_fn(e, cleanup_log);
	assert_true(tevent_req_error(e, 5));
	tevent_req_received(e);
	assert_string_equal(f->log, "K:3 C:E K:6");

	f->log[0] = '\0';
	tevent_req_set_cleanup_fn(t, cleanup_log);
	assert_true(tevent_req_set_endtime(t, f->ev, tevent_timeval_zero()));
	loop_once(f);
	tevent_req_received(t);
	assert_string_equal(f->log, "K:4 C:T K:6");

	f->log[0] = '\0';
	tevent_req_set_cleanup_fn(m, cleanup_log);
	tevent_req_oom(m);
	talloc_free(m);		/* freed without tevent_req_received() */
	assert_string_equal(f->log, "K:5 C:M K:6");
}

static void test_freeing_a_request_in_progress_runs_the_cleanup_once(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_on(f, f, "A");

	tevent_req_set_cleanup_fn(a, cleanup_log);
	talloc_free(a);
	assert_string_equal(f->log, "K:6");
}

static void test_refinishing_runs_the_cleanup_only_for_a_later_state(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_on(f, f, "A");
	struct tevent_req *b = item_on(f, f, "B");

	/* USER_ERROR (3), then DONE (2): no cleanup for DONE */
	tevent_req_set_cleanup_fn(a, cleanup_log);
	assert_true(tevent_req_error(a, 5));
	tevent_req_done(a);
	assert_string_equal(f->log, "K:3 C:A C:A");

	/* DONE (2), then USER_ERROR (3): the cleanup runs again */
	f->log[0] = '\0';
	tevent_req_set_cleanup_fn(b, cleanup_log);
	tevent_req_done(b);
	assert_true(tevent_req_error(b, 5));
	assert_string_equal(f->log, "K:2 C:B K:3 C:B");
}

/* ---- Cancelling and deferring ---------------------------------------- */

static void test_deferred_request_is_finished_before_its_callback_runs(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_on(f, f, "A");
	enum tevent_req_state state;
	uint64_t err = 0;

	tevent_req_defer_callback(a, f->ev);
	assert_true(tevent_req_error(a, ECANCELED));
	assert_string_equal(f->log, "");
	assert_false(tevent_req_is_in_progress(a));
	assert_true(tevent_req_is_error(a, &state, &err));
	assert_int_equal(state, TEVENT_REQ_USER_ERROR);
	assert_int_equal(err, ECANCELED);
	loop_once(f);
	assert_string_equal(f->log, "C:A");
}

static bool cancel_called;

static bool cancel_note(struct tevent_req *req)
{
	(void)req;
	cancel_called = true;
	return true;
}

static void test_cancel_function_set_to_null_is_gone(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_on(f, f, "A");

	cancel_called = false;
	tevent_req_set_cancel_fn(a, cancel_note);
	tevent_req_set_cancel_fn(a, NULL);
	assert_false(tevent_req_cancel(a));
	assert_false(cancel_called);
	assert_true(tevent_req_is_in_progress(a));
}

/* ---- Waiting --------------------------------------------------------- */

static void test_poll_on_a_finished_request_returns_at_once(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);
	struct tevent_immediate *im = tevent_create_immediate(f);

	assert_non_null(im);
	tevent_schedule_immediate(im, f->ev, immediate_log, f);
	tevent_req_done(a);
	assert_true(tevent_req_poll(a, f->ev));
	assert_string_equal(f->log, "");	/* no turn of the loop */
	loop_once(f);
	assert_string_equal(f->log, "I:immediate");
}

static void test_poll_returns_when_the_request_finishes(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_on(f, f, "A");
	struct item_state *s = tevent_req_data(a, struct item_state);

	assert_true(tevent_req_set_endtime(a, f->ev, in_ms(10)));
	assert_non_null(tevent_add_timer(f->ev, s, in_ms(40), work_fired, s));
	assert_true(tevent_req_poll(a, f->ev));
	assert_string_equal(f->log, "C:A");	/* not W:A: it stopped */
}

struct nested_poll {
	struct tevent_req *req;
	bool ok;
	int err;
};

static void poll_from_a_handler(struct tevent_context *ev,
				struct tevent_immediate *im,
				void *private_data)
{
	struct nested_poll *n = private_data;

	(void)im;
	errno = 0;
	n->ok = tevent_req_poll(n->req, ev);
	n->err = errno;
}

static void abort_fn_returns(const char *reason)
{
	(void)reason;
}

/* In a child: exit 0 if tevent_req_poll() returned false with ELOOP. */
static void nested_poll_child(void *arg, bool set_abort_fn)
{
	struct fixture *f = arg;
	struct tevent_immediate *im = tevent_create_immediate(f);
	struct nested_poll n = { .ok = true };

	n.req = item_new(f, "A", false, false);
	if (im == NULL) {
		_exit(2);
	}
	if (set_abort_fn) {
		tevent_set_abort_fn(abort_fn_returns);
	}
	tevent_schedule_immediate(im, f->ev, poll_from_a_handler, &n);
	if (tevent_loop_once(f->ev) != 0) {
		_exit(3);
	}
	_exit(!n.ok && n.err == ELOOP ? 0 : 4);
}

static void nested_poll_default(void *arg)
{
	nested_poll_child(arg, false);
}

static void nested_poll_with_abort_fn(void *arg)
{
	nested_poll_child(arg, true);
}

static void test_poll_in_a_handler_aborts_or_fails_with_eloop(
	void **pstate)
{
	int status = run_in_child(nested_poll_default, *pstate);

	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	status = run_in_child(nested_poll_with_abort_fn, *pstate);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_wakeup_finishes_as_timed_out(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *w = tevent_wakeup_send(f, f->ev, in_ms(2));
	enum tevent_req_state state;
	uint64_t err = 0;

	assert_non_null(w);
	assert_false(tevent_wakeup_recv(w));	/* not yet */
	assert_true(tevent_req_poll(w, f->ev));
	assert_true(tevent_req_is_error(w, &state, &err));
	assert_int_equal(state, TEVENT_REQ_TIMED_OUT);
	assert_true(tevent_wakeup_recv(w));
}

static void test_wakeup_recv_is_false_when_the_wakeup_failed(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *w = tevent_wakeup_send(f, f->ev, in_ms(1000));

	assert_non_null(w);
	tevent_req_oom(w);
	assert_false(tevent_wakeup_recv(w));
}

static void test_wakeup_recv_does_not_free_the_state(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *w = tevent_wakeup_send(f, f->ev,
						  tevent_timeval_zero());

	assert_non_null(w);
	assert_true(tevent_req_poll(w, f->ev));
	assert_true(tevent_wakeup_recv(w));
	assert_non_null(strstr(child_names(f, w),
			       "[struct tevent_wakeup_state]"));
	assert_false(tevent_req_is_in_progress(w));
}

/* In a child: poll a request that nothing will finish; SIGALRM ends
 * the wait after 200 ms. */
static void poll_forever(void *arg)
{
	struct fixture *f = arg;
	struct tevent_req *a = item_new(f, "A", false, false);

	ualarm(200 * 1000, 0);
	(void)tevent_req_poll(a, f->ev);
	_exit(0);
}

static void test_poll_on_a_request_nothing_finishes_never_returns(
	void **pstate)
{
	int status = run_in_child(poll_forever, *pstate);

	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGALRM);
}

/* ---- The states ------------------------------------------------------ */

static void test_received_is_reached_from_every_state(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *r[5];
	enum tevent_req_state state;
	uint64_t err = 0;
	size_t i;

	for (i = 0; i < 5; i++) {
		r[i] = item_new(f, "R", false, false);
	}
	/* r[0] stays in progress */
	tevent_req_done(r[1]);
	tevent_req_error(r[2], 1);
	assert_true(tevent_req_set_endtime(r[3], f->ev,
					   tevent_timeval_zero()));
	loop_once(f);
	tevent_req_oom(r[4]);
	for (i = 0; i < 5; i++) {
		tevent_req_received(r[i]);
		assert_true(tevent_req_is_error(r[i], &state, &err));
		assert_int_equal(state, TEVENT_REQ_RECEIVED);
		assert_false(tevent_req_is_in_progress(r[i]));
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, \
						fixture_teardown)
		T(test_create_nests_the_state_in_the_request_in_mem_ctx),
		T(test_talloc_names_a_string_after_its_text),
		T(test_talloc_report_lists_the_newest_child_first),
		T(test_endtime_timer_is_a_child_of_the_request),
		T(test_post_allocates_nothing),
		T(test_finished_in_send_without_post_never_calls_back),
		T(test_finishing_again_calls_the_callback_again),
		T(test_talloc_refuses_a_size_of_256_mib_or_more),
		T(test_error_accepts_1_and_refuses_only_0),
		T(test_post_in_progress_calls_back_in_progress),
		T(test_subrequest_on_the_state_goes_with_its_parent),
		T(test_subrequest_on_another_context_outlives_its_parent),
		T(test_finishing_a_parent_leaves_its_subrequests_running),
		T(test_is_error_leaves_the_error_alone_unless_user_error),
		T(test_unix_error_helpers_are_not_in_libtevent),
		T(test_timed_out_request_keeps_its_state_and_its_work),
		T(test_set_endtime_again_replaces_the_deadline),
		T(test_finishing_removes_the_deadline),
		T(test_endtime_on_a_finished_request_finishes_it_again),
		T(test_cleanup_gets_the_finished_state_then_received),
		T(test_freeing_a_request_in_progress_runs_the_cleanup_once),
		T(test_refinishing_runs_the_cleanup_only_for_a_later_state),
		T(test_deferred_request_is_finished_before_its_callback_runs),
		T(test_cancel_function_set_to_null_is_gone),
		T(test_poll_on_a_finished_request_returns_at_once),
		T(test_poll_returns_when_the_request_finishes),
		T(test_poll_in_a_handler_aborts_or_fails_with_eloop),
		T(test_wakeup_finishes_as_timed_out),
		T(test_wakeup_recv_is_false_when_the_wakeup_failed),
		T(test_wakeup_recv_does_not_free_the_state),
		T(test_poll_on_a_request_nothing_finishes_never_returns),
		T(test_received_is_reached_from_every_state),
#undef T
	};

	if (argc > 1) {
		cmocka_set_test_filter(argv[1]);
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
