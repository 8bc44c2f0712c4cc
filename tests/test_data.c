/*
 * Claims of the chapter "Passing data": the state of a request, the data
 * of callbacks and of event handlers, talloc's type checks, and results
 * handed over in _recv(), checked on the installed libtevent and
 * libtalloc. Each test is named after the claim it backs; the pages cite
 * it with \claim{test_name}.
 *
 * Run one: build/tests/test_data TEST_NAME
 *
 * SPDX-License-Identifier: MIT-0
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

/* ---- Helpers --------------------------------------------------------- */

/* What a child process wrote to stderr, and how it ended. */
struct child {
	int status;
	char err[1024];
};

/* Read fd to its end into buf (a string, cut to fit). */
static void read_to_end(int fd, char *buf, size_t size)
{
	size_t used = 0;
	char scratch[256];
	ssize_t n;

	do {
		if (used + 1 < size) {
			n = read(fd, buf + used, size - 1 - used);
		} else {
			n = read(fd, scratch, sizeof(scratch));
		}
		if (n > 0 && used + 1 < size) {
			used += (size_t)n;
		}
	} while (n > 0);
	buf[used] = '\0';
}

/* Run fn(arg) in a child process whose stderr is a pipe to us; with
 * log, talloc logs to stderr (talloc_set_log_stderr()). The child exits
 * 0 after fn returns. */
static struct child run_child(void (*fn)(void *arg), void *arg, bool log)
{
	struct child c = { .status = 0 };
	int p[2];
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);	/* not cmocka's handler */
		close(p[0]);
		if (dup2(p[1], 2) == -1) {
			_exit(3);
		}
		if (log) {
			talloc_set_log_stderr();
		}
		fn(arg);
		_exit(0);
	}
	close(p[1]);
	read_to_end(p[0], c.err, sizeof(c.err));
	close(p[0]);
	assert_int_equal(waitpid(pid, &c.status, 0), pid);
	return c;
}

static bool aborted(const struct child *c)
{
	return WIFSIGNALED(c->status) && WTERMSIG(c->status) == SIGABRT;
}

/*
 * The child writes "LINE\n" with the line of the check before it runs
 * it: the expected log is then "LINE\n" followed by "FILE:LINE: " and
 * text. Fails the test if the log is not exactly that.
 */
static void assert_log_at_line(const char *log, const char *text)
{
	char expected[1024];
	int line = 0;

	assert_int_equal(sscanf(log, "%d\n", &line), 1);
	snprintf(expected, sizeof(expected), "%d\n%s:%d: %s\n", line,
		 __FILE__, line, text);
	assert_string_equal(log, expected);
}

struct other_state;		/* a type no object has */

static void callback_data_on_the_stack(void *arg);

/* Write the line of the call to stderr, then make the call: talloc's log
 * of a failed check names the same line. */
#define AT_LINE(call) (fprintf(stderr, "%d\n", __LINE__), (call))

static unsigned timer_calls;

static void count_timer(struct tevent_context *ev, struct tevent_timer *te,
			struct timeval now, void *private_data)
{
	(void)ev;
	(void)te;
	(void)now;
	(void)private_data;
	timer_calls += 1;
}

static int note_freed(bool **watch)
{
	**watch = true;
	return 0;
}

/* A talloc child of parent whose destructor sets *freed. */
static void watch_free(const void *parent, bool *freed)
{
	bool **watch = talloc(parent, bool *);

	assert_non_null(watch);
	*freed = false;
	*watch = freed;
	talloc_set_destructor(watch, note_freed);
}

/* ---- The state of a request ------------------------------------------ */

static void test_request_is_named_struct_tevent_req(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", false, false);

	assert_string_equal(talloc_get_name(req), "struct tevent_req");
	assert_ptr_equal(talloc_get_type_abort(req, struct tevent_req), req);
}

static void test_req_data_checks_only_the_talloc_name_of_the_state(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", false, false);
	struct item_state *s = tevent_req_data(req, struct item_state);

	assert_string_equal(talloc_get_name(s), "struct item_state");
	/* rename the state: the other type's name now passes */
	talloc_set_name_const(s, "struct other_state");
	assert_ptr_equal(tevent_req_data(req, struct other_state), s);
	talloc_set_name_const(s, "struct item_state");
}

static void data_of_a_wrong_type(void *arg)
{
	struct tevent_req *req = arg;

	(void)AT_LINE(tevent_req_data(req, struct other_state));
}

static void test_req_data_of_a_wrong_type_logs_and_aborts(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", false, false);
	struct child c = run_child(data_of_a_wrong_type, req, true);

	assert_true(aborted(&c));
	assert_log_at_line(c.err, "Type mismatch: name[struct item_state] "
			   "expected[struct other_state]");
}

static void log_with_a_prefix(const char *message)
{
	fprintf(stderr, "log_fn: %s", message);
}

static void data_of_a_wrong_type_with_a_log_fn(void *arg)
{
	talloc_set_log_fn(log_with_a_prefix);
	data_of_a_wrong_type(arg);
}

static void test_talloc_logs_nothing_without_a_log_function(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", false, false);
	struct child c = run_child(data_of_a_wrong_type, req, false);
	char expected[512];
	int line = 0;

	assert_true(aborted(&c));
	/* only the child's own line: talloc wrote nothing */
	assert_int_equal(strspn(c.err, "0123456789"), strlen(c.err) - 1);
	assert_int_equal(c.err[strlen(c.err) - 1], '\n');
	/* nor for a pointer that is no talloc object */
	c = run_child(callback_data_on_the_stack, req, false);
	assert_true(aborted(&c));
	assert_string_equal(c.err, "");

	/* with talloc_set_log_fn(), the report goes to that function */
	c = run_child(data_of_a_wrong_type_with_a_log_fn, req, false);
	assert_true(aborted(&c));
	assert_int_equal(sscanf(c.err, "%d\n", &line), 1);
	snprintf(expected, sizeof(expected), "%d\nlog_fn: %s:%d: Type "
		 "mismatch: name[struct item_state] "
		 "expected[struct other_state]\n", line, __FILE__, line);
	assert_string_equal(c.err, expected);
}

static void data_after_received(void *arg)
{
	struct tevent_req *req = arg;

	tevent_req_received(req);
	(void)AT_LINE(tevent_req_data(req, struct item_state));
}

static void test_req_data_after_received_logs_name_null_and_aborts(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", false, false);
	struct child c = run_child(data_after_received, req, true);

	assert_true(aborted(&c));
	assert_log_at_line(c.err, "Type mismatch: name[NULL] "
			   "expected[struct item_state]");
}

static bool *state_freed;

static int state_destructor(struct item_state *s)
{
	(void)s;
	*state_freed = true;
	return 0;
}

static void test_received_runs_the_destructor_of_the_state(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", false, false);
	struct item_state *s = tevent_req_data(req, struct item_state);
	bool freed = false;

	state_freed = &freed;
	talloc_set_destructor(s, state_destructor);
	tevent_req_done(req);
	assert_false(freed);
	tevent_req_received(req);
	assert_true(freed);
}

static void test_timer_on_the_state_goes_with_the_request(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *a = item_new(f, "A", false, false);
	struct tevent_req *b = item_new(f, "B", false, false);
	struct tevent_timer *ta, *tb;
	bool a_freed, b_freed;

	timer_calls = 0;
	ta = tevent_add_timer(f->ev, tevent_req_data(a, struct item_state),
			      tevent_timeval_current_ofs(0, 1000), count_timer,
			      NULL);
	tb = tevent_add_timer(f->ev, tevent_req_data(b, struct item_state),
			      tevent_timeval_current_ofs(0, 1000), count_timer,
			      NULL);
	assert_non_null(ta);
	assert_non_null(tb);
	watch_free(ta, &a_freed);
	watch_free(tb, &b_freed);
	tevent_req_done(a);
	tevent_req_received(a);		/* frees the state, and ta */
	assert_true(a_freed);
	talloc_free(b);			/* frees b, its state, and tb */
	assert_true(b_freed);
	loop_for_ms(f, 10);
	assert_int_equal(timer_calls, 0);
}

/* ---- The data of a callback ------------------------------------------ */

static void test_callback_data_void_returns_the_pointer_as_given(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", false, false);
	struct { int n; } on_stack = { 1 };
	static int in_data;

	tevent_req_set_callback(req, item_done, &on_stack);
	assert_ptr_equal(tevent_req_callback_data_void(req), &on_stack);
	tevent_req_set_callback(req, item_done, &in_data);
	assert_ptr_equal(tevent_req_callback_data_void(req), &in_data);
	tevent_req_set_callback(req, item_done, NULL);
	assert_null(tevent_req_callback_data_void(req));
	/* a talloc object of any name too */
	tevent_req_set_callback(req, item_done, f->log);
	assert_ptr_equal(tevent_req_callback_data_void(req), f->log);
}

struct report {
	unsigned replies;
};

static void test_callback_data_returns_a_talloc_object_of_the_type(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", false, false);
	struct report *r = talloc_zero(f, struct report);
	struct report *plain = talloc(f, struct report);

	assert_non_null(r);
	assert_non_null(plain);
	tevent_req_set_callback(req, item_done, r);
	assert_ptr_equal(tevent_req_callback_data(req, struct report), r);
	tevent_req_set_callback(req, item_done, plain);
	assert_ptr_equal(tevent_req_callback_data(req, struct report), plain);
}

static void callback_data_of_another_type(void *arg)
{
	struct tevent_req *req = arg;

	(void)AT_LINE(tevent_req_callback_data(req, struct report));
}

static void test_callback_data_of_another_type_logs_and_aborts(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", false, false);
	int *counts = talloc_zero_array(f, int, 3);
	struct child c;

	assert_non_null(counts);
	tevent_req_set_callback(req, item_done, counts);
	c = run_child(callback_data_of_another_type, req, true);
	assert_true(aborted(&c));
	assert_log_at_line(c.err, "Type mismatch: name[int] "
			   "expected[struct report]");
}

static void test_freeing_a_request_leaves_its_callback_data(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", false, false);
	struct report *r = talloc_zero(f, struct report);
	bool freed;

	assert_non_null(r);
	watch_free(r, &freed);
	tevent_req_set_callback(req, item_done, r);
	tevent_req_done(req);
	tevent_req_received(req);
	talloc_free(req);
	assert_false(freed);
}

struct tally {
	unsigned replies;
};

static void callback_data_on_the_stack(void *arg)
{
	struct tevent_req *req = arg;
	struct tally on_stack = { 0 };

	tevent_req_set_callback(req, item_done, &on_stack);
	(void)tevent_req_callback_data(req, struct tally);
	fprintf(stderr, "still here\n");
}

static void test_stack_callback_data_aborts_with_unknown_value(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", false, false);
	struct child c = run_child(callback_data_on_the_stack, req, true);

	assert_true(aborted(&c));
	assert_string_equal(c.err, "Bad talloc magic value - unknown value\n");
}

static void print_then_abort(void *arg)
{
	static char buf[BUFSIZ];
	FILE *out = fdopen(dup(2), "w");	/* a stream to the pipe */

	(void)arg;
	if (out == NULL || setvbuf(out, buf, _IOFBF, sizeof(buf)) != 0) {
		_exit(3);
	}
	fprintf(out, "buffered\n");
	fprintf(stderr, "unbuffered\n");
	abort();
}

static void test_abort_loses_what_stdout_had_buffered(void **pstate)
{
	struct child c = run_child(print_then_abort, NULL, false);

	(void)pstate;
	assert_true(aborted(&c));
	assert_string_equal(c.err, "unbuffered\n");
}

/* ---- talloc_get_type_abort() ----------------------------------------- */

struct stats {
	unsigned timers;
};

static void test_allocation_functions_name_their_objects(void **pstate)
{
	struct fixture *f = *pstate;
	char expected[256];
	void *anon;
	int line;

	assert_string_equal(talloc_get_name(talloc_zero(f, struct stats)),
			    "struct stats");
	assert_string_equal(talloc_get_name(talloc(f, struct stats)),
			    "struct stats");
	assert_string_equal(talloc_get_name(talloc_array(f, int, 3)), "int");
	assert_string_equal(talloc_get_name(talloc_zero_array(f, int, 3)),
			    "int");
	assert_string_equal(talloc_get_name(talloc_strdup(f, "alpha")),
			    "alpha");
	assert_string_equal(talloc_get_name(talloc_asprintf(f, "n=%d", 1)),
			    "n=1");
	line = __LINE__, anon = talloc_new(f);
	assert_non_null(anon);
	snprintf(expected, sizeof(expected), "talloc_new: %s:%d", __FILE__,
		 line);
	assert_string_equal(talloc_get_name(anon), expected);
	/* so a string cannot pass a check for "char" */
	assert_null(talloc_get_type(talloc_strdup(f, "alpha"), char));
}

static void test_get_type_abort_compares_names_only(void **pstate)
{
	struct fixture *f = *pstate;
	int *counts = talloc_zero_array(f, int, 3);

	assert_non_null(counts);
	assert_ptr_equal(talloc_get_type_abort(counts, int), counts);
	talloc_set_name_const(counts, "struct stats");
	assert_ptr_equal(talloc_get_type_abort(counts, struct stats),
			 (void *)counts);
}

static void test_get_type_returns_null_on_a_mismatch(void **pstate)
{
	struct fixture *f = *pstate;
	int *counts = talloc_zero_array(f, int, 3);

	assert_non_null(counts);
	assert_ptr_equal(talloc_get_type(counts, int), counts);
	assert_null(talloc_get_type(counts, struct stats));
	assert_null(talloc_get_type(NULL, struct stats));
}

static void wrong_private_data(void *arg)
{
	void *counts = arg;

	(void)AT_LINE(talloc_get_type_abort(counts, struct stats));
}

static void test_get_type_abort_mismatch_logs_and_aborts(void **pstate)
{
	struct fixture *f = *pstate;
	int *counts = talloc_zero_array(f, int, 3);
	struct child c;

	assert_non_null(counts);
	c = run_child(wrong_private_data, counts, true);
	assert_true(aborted(&c));
	assert_log_at_line(c.err, "Type mismatch: name[int] "
			   "expected[struct stats]");
}

static void abort_fn_writes(const char *reason)
{
	fprintf(stderr, "abort_fn: %s\n", reason);
}

/* With an abort function that returns: exit 10 if NULL came back, 11
 * if the pointer did. */
static void mismatch_with_an_abort_fn(void *arg)
{
	void *p;

	talloc_set_abort_fn(abort_fn_writes);
	p = AT_LINE(talloc_get_type_abort(arg, struct stats));
	_exit(p == NULL ? 10 : 11);
}

static void test_abort_fn_gets_the_reason_instead_of_abort(void **pstate)
{
	struct fixture *f = *pstate;
	int *counts = talloc_zero_array(f, int, 3);
	char expected[512];
	struct child c;
	int line = 0;

	assert_non_null(counts);
	c = run_child(mismatch_with_an_abort_fn, counts, true);
	assert_true(WIFEXITED(c.status));	/* not aborted */
	/* the log line, then the same text given to the abort function */
	assert_int_equal(sscanf(c.err, "%d\n", &line), 1);
	snprintf(expected, sizeof(expected),
		 "%d\n%s:%d: Type mismatch: name[int] expected[struct stats]\n"
		 "abort_fn: %s:%d: Type mismatch: name[int] "
		 "expected[struct stats]\n", line, __FILE__, line, __FILE__,
		 line);
	assert_string_equal(c.err, expected);
}

static void test_get_type_abort_returns_null_when_the_abort_fn_returns(
	void **pstate)
{
	struct fixture *f = *pstate;
	int *counts = talloc_zero_array(f, int, 3);
	struct child c;

	assert_non_null(counts);
	c = run_child(mismatch_with_an_abort_fn, counts, false);
	assert_true(WIFEXITED(c.status));
	assert_int_equal(WEXITSTATUS(c.status), 10);
	c = run_child(mismatch_with_an_abort_fn, NULL, false);
	assert_true(WIFEXITED(c.status));
	assert_int_equal(WEXITSTATUS(c.status), 10);
}

static void non_talloc_with_an_abort_fn(void *arg)
{
	struct stats on_stack = { 0 };
	void *p;

	(void)arg;
	talloc_set_abort_fn(abort_fn_writes);
	p = talloc_get_type_abort(&on_stack, struct stats);
	_exit(p == NULL ? 10 : 11);
}

static void test_non_talloc_pointer_crashes_when_the_abort_fn_returns(
	void **pstate)
{
	struct child c = run_child(non_talloc_with_an_abort_fn, NULL, false);

	(void)pstate;
	assert_true(WIFSIGNALED(c.status));
	assert_int_equal(WTERMSIG(c.status), SIGSEGV);
	assert_string_equal(c.err, "abort_fn: Bad talloc magic value - "
			    "unknown value\n");
}

/* ---- Event handlers -------------------------------------------------- */

struct seen {
	void *timer, *fd, *immediate;
	unsigned calls;
};

static struct seen *seen;

static void seen_timer(struct tevent_context *ev, struct tevent_timer *te,
		       struct timeval now, void *private_data)
{
	(void)ev;
	(void)te;
	(void)now;
	seen->timer = private_data;
	seen->calls += 1;
}

static void seen_fd(struct tevent_context *ev, struct tevent_fd *fde,
		    uint16_t flags, void *private_data)
{
	(void)ev;
	(void)fde;
	(void)flags;
	seen->fd = private_data;
	seen->calls += 1;
}

static void seen_immediate(struct tevent_context *ev,
			   struct tevent_immediate *im, void *private_data)
{
	(void)ev;
	(void)im;
	seen->immediate = private_data;
	seen->calls += 1;
}

static void make_socketpair(int fds[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	assert_int_equal(write(fds[1], "x", 1), 1);	/* fds[0] readable */
}

static void test_handlers_get_the_private_data_given(void **pstate)
{
	struct fixture *f = *pstate;
	struct seen s = { .calls = 0 };
	int a, b, c;
	int fds[2];
	struct tevent_fd *fde;
	struct tevent_immediate *im = tevent_create_immediate(f);

	seen = &s;
	make_socketpair(fds);
	assert_non_null(im);
	assert_non_null(tevent_add_timer(f->ev, f,
					 tevent_timeval_current_ofs(0, 1000),
					 seen_timer, &a));
	fde = tevent_add_fd(f->ev, f, fds[0], TEVENT_FD_READ, seen_fd, &b);
	assert_non_null(fde);
	tevent_schedule_immediate(im, f->ev, seen_immediate, &c);
	while (s.timer == NULL || s.fd == NULL || s.immediate == NULL) {
		loop_once(f);
		if (s.fd != NULL) {
			TALLOC_FREE(fde);	/* once is enough */
		}
	}
	assert_ptr_equal(s.timer, &a);
	assert_ptr_equal(s.fd, &b);
	assert_ptr_equal(s.immediate, &c);
	close(fds[0]);
	close(fds[1]);
}

static void test_events_are_talloc_children_of_their_mem_ctx(void **pstate)
{
	struct fixture *f = *pstate;
	TALLOC_CTX *owner = talloc_new(f);
	struct tevent_timer *te;
	struct tevent_fd *fde;
	struct tevent_immediate *im;
	int fds[2];

	make_socketpair(fds);
	assert_non_null(owner);
	te = tevent_add_timer(f->ev, owner, tevent_timeval_current_ofs(1, 0),
			      seen_timer, NULL);
	fde = tevent_add_fd(f->ev, owner, fds[0], TEVENT_FD_READ, seen_fd,
			    NULL);
	im = tevent_create_immediate(owner);
	assert_non_null(te);
	assert_non_null(fde);
	assert_non_null(im);
	assert_ptr_equal(talloc_parent(te), owner);
	assert_ptr_equal(talloc_parent(fde), owner);
	assert_ptr_equal(talloc_parent(im), owner);
	talloc_free(owner);
	close(fds[0]);
	close(fds[1]);
}

static void test_freeing_the_parent_cancels_its_events(void **pstate)
{
	struct fixture *f = *pstate;
	TALLOC_CTX *owner = talloc_new(f);
	TALLOC_CTX *inner = talloc_new(owner);
	struct seen s = { .calls = 0 };
	struct tevent_timer *te;
	struct tevent_fd *fde;
	struct tevent_immediate *im;
	bool te_freed, fde_freed, im_freed;
	int fds[2];

	seen = &s;
	make_socketpair(fds);
	assert_non_null(owner);
	assert_non_null(inner);
	te = tevent_add_timer(f->ev, owner,
			      tevent_timeval_current_ofs(0, 1000),
			      seen_timer, owner);
	fde = tevent_add_fd(f->ev, owner, fds[0], TEVENT_FD_READ, seen_fd,
			    owner);
	im = tevent_create_immediate(inner);	/* a grandchild */
	assert_non_null(te);
	assert_non_null(fde);
	assert_non_null(im);
	watch_free(te, &te_freed);
	watch_free(fde, &fde_freed);
	watch_free(im, &im_freed);
	tevent_schedule_immediate(im, f->ev, seen_immediate, owner);
	talloc_free(owner);
	assert_true(te_freed);
	assert_true(fde_freed);
	assert_true(im_freed);
	loop_for_ms(f, 10);
	assert_int_equal(s.calls, 0);
	close(fds[0]);
	close(fds[1]);
}

/* A session: an fd event and a timer, both its children. */
struct session {
	struct fixture *f;
	unsigned *calls;
};

static void session_fd_frees(struct tevent_context *ev,
			     struct tevent_fd *fde, uint16_t flags,
			     void *private_data)
{
	struct session *s = talloc_get_type_abort(private_data,
						  struct session);

	(void)ev;
	(void)fde;
	(void)flags;
	*s->calls += 1;
	talloc_free(s);		/* fde is a child of s */
}

static void session_timer_frees(struct tevent_context *ev,
				struct tevent_timer *te, struct timeval now,
				void *private_data)
{
	struct session *s = talloc_get_type_abort(private_data,
						  struct session);

	(void)ev;
	(void)te;
	(void)now;
	*s->calls += 1;
	talloc_free(s);		/* te is a child of s */
}

static void test_handler_may_free_the_parent_of_its_own_event(void **pstate)
{
	struct fixture *f = *pstate;
	struct session *s1 = talloc_zero(f, struct session);
	struct session *s2 = talloc_zero(f, struct session);
	unsigned calls1 = 0, calls2 = 0;
	bool freed1, freed2;
	int fds[2], quiet[2];

	assert_non_null(s1);
	assert_non_null(s2);
	make_socketpair(fds);	/* fds[0] is readable */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, quiet), 0);
	s1->calls = &calls1;
	s2->calls = &calls2;
	watch_free(s1, &freed1);
	watch_free(s2, &freed2);
	/* s1: its fd handler frees it, and with it a pending timer */
	assert_non_null(tevent_add_fd(f->ev, s1, fds[0], TEVENT_FD_READ,
				      session_fd_frees, s1));
	assert_non_null(tevent_add_timer(f->ev, s1,
					 tevent_timeval_current_ofs(0, 5000),
					 session_timer_frees, s1));
	/* s2: its timer handler frees it, and with it an fd event */
	assert_non_null(tevent_add_timer(f->ev, s2,
					 tevent_timeval_current_ofs(0, 1000),
					 session_timer_frees, s2));
	assert_non_null(tevent_add_fd(f->ev, s2, quiet[0], TEVENT_FD_READ,
				      session_fd_frees, s2));
	loop_for_ms(f, 20);
	assert_true(freed1);
	assert_true(freed2);
	assert_int_equal(calls1, 1);	/* the timer of s1 never ran */
	assert_int_equal(calls2, 1);
	close(fds[0]);
	close(fds[1]);
	close(quiet[0]);
	close(quiet[1]);
}

static void test_freeing_the_private_data_does_not_cancel_the_event(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct seen s = { .calls = 0 };
	struct stats *data = talloc_zero(f, struct stats);
	void *address = data;

	seen = &s;
	assert_non_null(data);
	/* the timer hangs off the event context, not off data */
	assert_non_null(tevent_add_timer(f->ev, f->ev,
					 tevent_timeval_current_ofs(0, 1000),
					 seen_timer, data));
	talloc_free(data);
	loop_for_ms(f, 10);
	assert_int_equal(s.calls, 1);
	assert_ptr_equal(s.timer, address);	/* compared, never read */
}

/* ---- Results handed over --------------------------------------------- */

static void test_talloc_steal_changes_the_parent_and_leaves_the_source(
	void **pstate)
{
	struct fixture *f = *pstate;
	char *from = talloc_new(f);
	char *p = talloc_strdup(from, "x");
	char *stolen;

	assert_non_null(from);
	assert_non_null(p);
	stolen = talloc_steal(f, p);
	assert_ptr_equal(stolen, p);
	assert_non_null(p);			/* still set */
	assert_ptr_equal(talloc_parent(stolen), f);
	talloc_free(from);
	assert_string_equal(stolen, "x");	/* survived its old parent */
}

static void test_stale_pointer_after_steal_frees_the_stolen_object(
	void **pstate)
{
	struct fixture *f = *pstate;
	char *from = talloc_new(f);
	char *p = talloc_strdup(from, "x");
	char *stolen;
	bool freed;

	assert_non_null(from);
	assert_non_null(p);
	stolen = talloc_steal(f, p);
	watch_free(stolen, &freed);
	TALLOC_FREE(p);			/* the old owner's pointer */
	assert_true(freed);		/* the new owner's object is gone */
	talloc_free(from);
}

struct host {
	char *name;
	char **addresses;
};

static void test_moving_an_object_takes_its_children_along(void **pstate)
{
	struct fixture *f = *pstate;
	TALLOC_CTX *from = talloc_new(f);
	TALLOC_CTX *to = talloc_new(f);
	struct host *host = talloc_zero(from, struct host);
	struct host *moved;
	bool name_freed, address_freed;

	assert_non_null(host);
	host->name = talloc_strdup(host, "www");
	host->addresses = talloc_array(host, char *, 1);
	assert_non_null(host->name);
	assert_non_null(host->addresses);
	host->addresses[0] = talloc_strdup(host->addresses, "192.0.2.10");
	assert_non_null(host->addresses[0]);
	watch_free(host->name, &name_freed);
	watch_free(host->addresses[0], &address_freed);

	moved = talloc_move(to, &host);
	talloc_free(from);
	assert_false(name_freed);
	assert_false(address_freed);
	assert_string_equal(moved->addresses[0], "192.0.2.10");
	talloc_free(to);
	assert_true(name_freed);
	assert_true(address_freed);
}

static void test_received_frees_what_hangs_off_the_state(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", false, false);
	struct item_state *s = tevent_req_data(req, struct item_state);
	struct host *host = talloc_zero(s, struct host);
	bool freed;

	assert_non_null(host);
	watch_free(host, &freed);
	tevent_req_done(req);
	tevent_req_received(req);
	assert_true(freed);
}

static void test_result_moved_in_recv_outlives_the_request(void **pstate)
{
	struct fixture *f = *pstate;
	struct tevent_req *req = item_new(f, "A", false, false);
	struct item_state *s = tevent_req_data(req, struct item_state);
	struct host *host = talloc_zero(s, struct host);
	struct host *mine;
	bool freed;

	assert_non_null(host);
	host->name = talloc_strdup(host, "www");
	assert_non_null(host->name);
	watch_free(host, &freed);
	tevent_req_done(req);
	mine = talloc_move(f, &host);	/* as _recv() does */
	tevent_req_received(req);
	talloc_free(req);
	assert_false(freed);
	assert_string_equal(mine->name, "www");
	talloc_free(mine);
	assert_true(freed);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, \
						fixture_teardown)
		T(test_request_is_named_struct_tevent_req),
		T(test_req_data_checks_only_the_talloc_name_of_the_state),
		T(test_req_data_of_a_wrong_type_logs_and_aborts),
		T(test_talloc_logs_nothing_without_a_log_function),
		T(test_req_data_after_received_logs_name_null_and_aborts),
		T(test_received_runs_the_destructor_of_the_state),
		T(test_timer_on_the_state_goes_with_the_request),
		T(test_callback_data_void_returns_the_pointer_as_given),
		T(test_callback_data_returns_a_talloc_object_of_the_type),
		T(test_callback_data_of_another_type_logs_and_aborts),
		T(test_freeing_a_request_leaves_its_callback_data),
		T(test_stack_callback_data_aborts_with_unknown_value),
		T(test_abort_loses_what_stdout_had_buffered),
		T(test_allocation_functions_name_their_objects),
		T(test_get_type_abort_compares_names_only),
		T(test_get_type_returns_null_on_a_mismatch),
		T(test_get_type_abort_mismatch_logs_and_aborts),
		T(test_abort_fn_gets_the_reason_instead_of_abort),
		T(test_get_type_abort_returns_null_when_the_abort_fn_returns),
		T(test_non_talloc_pointer_crashes_when_the_abort_fn_returns),
		T(test_handlers_get_the_private_data_given),
		T(test_events_are_talloc_children_of_their_mem_ctx),
		T(test_freeing_the_parent_cancels_its_events),
		T(test_handler_may_free_the_parent_of_its_own_event),
		T(test_freeing_the_private_data_does_not_cancel_the_event),
		T(test_talloc_steal_changes_the_parent_and_leaves_the_source),
		T(test_stale_pointer_after_steal_frees_the_stolen_object),
		T(test_moving_an_object_takes_its_children_along),
		T(test_received_frees_what_hangs_off_the_state),
		T(test_result_moved_in_recv_outlives_the_request),
#undef T
	};

	if (argc > 1) {
		cmocka_set_test_filter(argv[1]);
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
