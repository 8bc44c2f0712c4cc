/*
 * Claims of the page "Debugging tevent programs" (doc/debug.dox):
 * valgrind's report of a correct program, talloc's abort messages,
 * talloc_report_full() and tevent_req_print().
 *
 * The valgrind tests run examples/debug_request.c, which this file
 * includes (its main() renamed): the test program starts itself again
 * under valgrind with DEBUG_TEST_RUN=example, and compares the report,
 * reduced by tests/valgrind-summary.awk, with a golden file. They run
 * the example without options, whatever TEVENT_TEST_BACKEND says: the
 * option -b changes the stack that valgrind reports. They run
 * from the top of the repository (as `make check` runs them).
 * DEBUG_TEST_UPDATE=1 rewrites those golden files instead.
 *
 * Run one: build/tests/test_debug TEST_NAME
 *
 * SPDX-License-Identifier: MIT-0
 */
#define _GNU_SOURCE	/* dladdr() */
#define main debug_request_main
#include "../examples/debug_request.c"
#undef main

#include <dlfcn.h>
#include <limits.h>
#include <signal.h>
#include <sys/wait.h>

#include "fixture.h"

/* ---- Running this program again ------------------------------------- */

static char self[PATH_MAX];

/* Run a shell command; its standard output, as a talloc string. */
static char *command_output(TALLOC_CTX *mem_ctx, const char *cmd)
{
	char *out = talloc_strdup(mem_ctx, "");
	char buf[4096];
	size_t n;
	FILE *p = popen(cmd, "r");

	assert_non_null(p);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
		out = talloc_strndup_append(out, buf, n);
		assert_non_null(out);
	}
	pclose(p);
	return out;
}

/*
 * The options valgrind needs to start this program: none, but for a
 * tevent unpacked by tests/versions.sh whose programs start with the
 * loader of a newer glibc (sid's): that script leaves them in the file
 * "valgrind" of the suite's folder, beside "root", where the library is.
 */
static char *loader_options(TALLOC_CTX *mem_ctx)
{
	char path[PATH_MAX], *root, *cmd;
	Dl_info info;

	assert_true(dladdr((void *)tevent_context_init, &info) != 0);
	assert_non_null(realpath(info.dli_fname, path));
	root = strstr(path, "/root/usr/lib/");
	if (root == NULL) {
		return talloc_strdup(mem_ctx, "");
	}
	*root = '\0';
	cmd = talloc_asprintf(mem_ctx, "cat '%s/valgrind' 2>/dev/null | "
			      "tr -d '\\n'", path);
	assert_non_null(cmd);
	return command_output(mem_ctx, cmd);
}

/* This program under valgrind, running debug_request.c's main() with
 * the arguments given. */
static char *valgrind_report(TALLOC_CTX *mem_ctx, const char *options,
			     const char *args, bool reduced)
{
	char *cmd = talloc_asprintf(
		mem_ctx,
		"DEBUG_TEST_RUN=example valgrind --leak-check=full %s %s "
		"'%s' %s 2>&1 >/dev/null %s", loader_options(mem_ctx),
		options, self, args,
		reduced ? "| awk -f tests/valgrind-summary.awk" : "");

	assert_non_null(cmd);
	return command_output(mem_ctx, cmd);
}

static char *file_text(TALLOC_CTX *mem_ctx, const char *path)
{
	char *cmd = talloc_asprintf(mem_ctx, "cat '%s'", path);

	assert_non_null(cmd);
	return command_output(mem_ctx, cmd);
}

/* The report must equal the golden file (or, with DEBUG_TEST_UPDATE=1,
 * becomes it). */
static void check_report(const char *report, const char *golden)
{
	const char *update = getenv("DEBUG_TEST_UPDATE");
	char *want;

	if (update != NULL && strcmp(update, "1") == 0) {
		FILE *f = fopen(golden, "w");

		assert_non_null(f);
		fputs(report, f);
		fclose(f);
		return;
	}
	want = file_text(NULL, golden);
	if (strcmp(want, report) != 0) {
		fprintf(stderr, "expected (%s):\n%s\ncame:\n%s\n", golden,
			want, report);
	}
	assert_string_equal(report, want);
	talloc_free(want);
}

/* The valgrind tests run the example without options whatever
 * TEVENT_TEST_BACKEND says, so they run only for the default backend
 * (unset, or "standard", its name); for the others they pass at once
 * (valgrind is slow). */
static bool valgrind_run_elsewhere(void)
{
	const char *b = getenv("TEVENT_TEST_BACKEND");

	return b != NULL && b[0] != '\0' && strcmp(b, "standard") != 0;
}

/* On 0.17.2, built against Debian sid's glibc, valgrind 3.19 cannot
 * start the program by itself (sid's stripped ld.so has no strlen to
 * redirect); with the loader's debug file (loader_options()) it can. */
static void test_valgrind_needs_the_loaders_debug_file_on_sid(void **pstate)
{
	struct fixture *f = *pstate;
	char *cmd, *raw;

	if (valgrind_run_elsewhere() || tevent_version() < 1700) {
		return;
	}
	cmd = talloc_asprintf(f, "DEBUG_TEST_RUN=example valgrind '%s' "
			      "2>&1 >/dev/null", self);
	assert_non_null(cmd);
	raw = command_output(f, cmd);
	assert_non_null(strstr(raw, "Fatal error at startup"));
	assert_null(strstr(raw, "ERROR SUMMARY"));
	raw = valgrind_report(f, "", "", false);
	assert_non_null(strstr(raw, "ERROR SUMMARY"));
}

/* ---- valgrind ---------------------------------------------------------- */

static void test_valgrind_finds_four_possibly_lost_blocks_in_a_correct_program(
	void **pstate)
{
	struct fixture *f = *pstate;
	char *report;

	if (valgrind_run_elsewhere()) {
		return;
	}
	report = valgrind_report(f, "", "", true);
	assert_non_null(strstr(report, "in use at exit: 512 bytes in 4 blocks"));
	assert_non_null(strstr(report, "possibly lost: 512 bytes in 4 blocks"));
	assert_non_null(strstr(report, "ERROR SUMMARY: 4 errors from 4"));
	check_report(report, "tests/golden/debug_request_leaks.valgrind");
}

static void test_the_suppression_file_hides_exactly_those_four_blocks(
	void **pstate)
{
	struct fixture *f = *pstate;
	char *report;

	if (valgrind_run_elsewhere()) {
		return;
	}
	report = valgrind_report(
		f, "--suppressions=tests/valgrind.supp", "", true);
	assert_non_null(strstr(report, "suppressed: 512 bytes in 4 blocks"));
	assert_non_null(strstr(report,
		"ERROR SUMMARY: 0 errors from 0 contexts (suppressed: 4 from 4)"));
	check_report(report, "tests/golden/debug_request_suppressed.valgrind");
}

static void test_after_backend_list_the_suppression_no_longer_matches(
	void **pstate)
{
	struct fixture *f = *pstate;
	char *report, *supp, *cmd, *opt;

	if (valgrind_run_elsewhere()) {
		return;
	}
	/* with -b, backend_from_args() calls tevent_backend_list() first */
	report = valgrind_report(
		f, "--suppressions=tests/valgrind.supp", "-b poll", true);
	assert_non_null(strstr(report,
		"by tevent_register_backend (libtevent.so)\n"
		"   by tevent_backend_list (libtevent.so)\n"));
	assert_null(strstr(report, "tevent_find_ops_byname"));
	assert_non_null(strstr(report, "possibly lost: 512 bytes in 4 blocks"));
	assert_non_null(strstr(report, "ERROR SUMMARY: 4 errors from 4"));

	/* a second suppression, with tevent_backend_list in place of
	 * tevent_find_ops_byname, covers that stack */
	supp = talloc_asprintf(f, "build/test_debug_second.%d.supp",
			       (int)getpid());
	cmd = talloc_asprintf(f, "sed 's/fun:tevent_find_ops_byname/"
			      "fun:tevent_backend_list/; s/^   libtevent-/"
			      "   second-/' tests/valgrind.supp | "
			      "cat tests/valgrind.supp - >%s", supp);
	assert_non_null(cmd);
	assert_int_equal(system(cmd), 0);
	opt = talloc_asprintf(f, "--suppressions=%s", supp);
	assert_non_null(opt);
	report = valgrind_report(f, opt, "-b poll", true);
	unlink(supp);
	assert_non_null(strstr(report,
		"ERROR SUMMARY: 0 errors from 0 contexts (suppressed: 4 from 4)"));
}

/* In a fresh process: what the first event context leaves on the NULL
 * context, as talloc sees it. Prints "BLOCKS SIZE LEFT" where LEFT
 * counts what else is there. */
static void count_registry(const void *ptr, int depth, int max_depth,
			   int is_ref, void *private_data)
{
	size_t *counts = private_data;

	(void)max_depth;
	(void)is_ref;
	if (depth != 1) {
		return;
	}
	if (strcmp(talloc_get_name(ptr), "struct tevent_ops_list") == 0) {
		counts[0] += 1;
		counts[1] = talloc_get_size(ptr);
	} else {
		counts[2] += 1;
	}
}

static int registry_main(void)
{
	size_t counts[3] = { 0, 0, 0 };
	struct tevent_context *ev;

	talloc_enable_null_tracking();
	ev = tevent_context_init(NULL);
	talloc_free(ev);
	ev = tevent_context_init(NULL);	/* a second one adds nothing */
	talloc_free(ev);
	talloc_report_depth_cb(NULL, 0, 1, count_registry, counts);
	printf("%zu %zu %zu", counts[0], counts[1], counts[2]);
	return 0;
}

static void test_backend_registry_is_four_blocks_left_on_the_null_context(
	void **pstate)
{
	struct fixture *f = *pstate;
	char *cmd = talloc_asprintf(f, "DEBUG_TEST_RUN=registry '%s'", self);

	assert_non_null(cmd);
	assert_string_equal(command_output(f, cmd), "4 32 0");
}

/* ---- talloc's aborts --------------------------------------------------- */

struct job {
	unsigned id;
};

struct reply {
	int code;
};

static const char *abort_reason;

static void returning_abort_fn(const char *reason)
{
	abort_reason = reason;
}

static void dying_abort_fn(const char *reason)
{
	fprintf(stderr, "abort_fn: %s\n", reason);
	_exit(70);
}

/* The line of talloc_get_type_abort() in wrong_type(), 10 lines down */
static const int wrong_type_line = __LINE__ + 10;

static void *wrong_type(void)
{
	struct job *job = talloc_zero(NULL, struct job);
	void *ptr = job;

	if (job == NULL) {
		_exit(3);
	}
	return talloc_get_type_abort(ptr, struct reply);
}

enum abort_setup { NOTHING, LOG_STDERR, ABORT_FN };

/* In a child, with stderr into a pipe: the wrong type under a setup.
 * Returns the wait status; *err is what the child wrote to stderr. */
static int wrong_type_in_child(TALLOC_CTX *mem_ctx, enum abort_setup setup,
			       char **err)
{
	int fds[2], status;
	char buf[1024];
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		if (dup2(fds[1], 2) == -1) {
			_exit(3);
		}
		if (setup == LOG_STDERR) {
			talloc_set_log_stderr();
		} else if (setup == ABORT_FN) {
			talloc_set_abort_fn(dying_abort_fn);
		}
		wrong_type();
		_exit(4);
	}
	close(fds[1]);
	*err = talloc_strdup(mem_ctx, "");
	while ((n = read(fds[0], buf, sizeof(buf))) > 0) {
		*err = talloc_strndup_append(*err, buf, (size_t)n);
	}
	assert_non_null(*err);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

/* "FILE:LINE: Type mismatch: name[struct job] expected[struct reply]",
 * LINE being that of talloc_get_type_abort() in wrong_type(). */
static char *mismatch_message(TALLOC_CTX *mem_ctx)
{
	char *msg = talloc_asprintf(mem_ctx, "%s:%d: Type mismatch: "
				    "name[struct job] expected[struct reply]",
				    __FILE__, wrong_type_line);

	assert_non_null(msg);
	return msg;
}

static void test_talloc_aborts_silently_by_default(void **pstate)
{
	struct fixture *f = *pstate;
	char *err;
	int status = wrong_type_in_child(f, NOTHING, &err);

	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	assert_string_equal(err, "");
}

static void test_log_stderr_prints_the_reason_before_the_abort(
	void **pstate)
{
	struct fixture *f = *pstate;
	char *err;
	int status = wrong_type_in_child(f, LOG_STDERR, &err);
	char *want = talloc_asprintf(f, "%s\n", mismatch_message(f));

	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	/* one line: where the call is, then the reason */
	assert_string_equal(err, want);
}

static void test_talloc_abort_fn_gets_the_reason_instead_of_abort(void **pstate)
{
	struct fixture *f = *pstate;
	char *err;
	int status = wrong_type_in_child(f, ABORT_FN, &err);
	char *reason = mismatch_message(f);
	void *p;

	/* the abort function ran instead of abort(), with the reason, and
	 * talloc logged nothing (no log function is set) */
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 70);
	assert_string_equal(err, talloc_asprintf(f, "abort_fn: %s\n", reason));

	/* an abort function that returns: talloc_get_type_abort() gives
	 * NULL, and the program goes on */
	talloc_set_abort_fn(returning_abort_fn);
	abort_reason = NULL;
	p = wrong_type();
	talloc_set_abort_fn(NULL);
	assert_null(p);
	assert_non_null(abort_reason);
	assert_string_equal(abort_reason, reason);
}

/* ---- talloc_report_full() and tevent_req_print() ------------------------ */

static void test_report_full_ends_each_line_with_the_address(void **pstate)
{
	struct fixture *f = *pstate;
	void *top = talloc_named_const(f, 0, "top");
	char *child = talloc_strdup(top, "child");
	char *text = NULL, *want;
	size_t len = 0;
	FILE *mem;

	assert_non_null(top);
	assert_non_null(child);
	mem = open_memstream(&text, &len);
	assert_non_null(mem);
	talloc_report_full(top, mem);
	assert_int_equal(fclose(mem), 0);
	want = talloc_asprintf(f,
		"full talloc report on 'top' (total      6 bytes in   2 blocks)\n"
		"    child                          contains      6 bytes in "
		"  1 blocks (ref 0) %p\n", (void *)child);
	assert_non_null(want);
	assert_string_equal(text, want);
	free(text);
}

static void test_default_print_shows_addresses_and_where_it_was_created(
	void **pstate)
{
	struct fixture *f = *pstate;
	struct fetch_state *state;
	struct tevent_req *req;
	int line = __LINE__ + 3;	/* that of tevent_req_create() */
	char *text, *want;

	req = tevent_req_create(f, &state, struct fetch_state);
	assert_non_null(req);
	text = tevent_req_print(f, req);
	assert_non_null(text);
	want = talloc_asprintf(f, "tevent_req[%p/%s:%d]: state[1] error[0 "
			       "(0x0)]  state[struct fetch_state (%p)] "
			       "timer[(nil)] finish[(null)]", (void *)req,
			       __FILE__, line, (void *)state);
	assert_non_null(want);
	assert_string_equal(text, want);
}

static void test_request_is_24_bytes_larger_from_0_16(void **pstate)
{
	struct fixture *f = *pstate;
	struct fetch_state *state;
	struct tevent_req *req = tevent_req_create(f, &state,
						   struct fetch_state);

	assert_non_null(req);
	assert_int_equal(talloc_get_size(req),
			 tevent_version() >= 1600 ? 168 : 144);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, \
						fixture_teardown)
		T(test_valgrind_finds_four_possibly_lost_blocks_in_a_correct_program),
		T(test_valgrind_needs_the_loaders_debug_file_on_sid),
		T(test_the_suppression_file_hides_exactly_those_four_blocks),
		T(test_after_backend_list_the_suppression_no_longer_matches),
		T(test_backend_registry_is_four_blocks_left_on_the_null_context),
		T(test_talloc_aborts_silently_by_default),
		T(test_log_stderr_prints_the_reason_before_the_abort),
		T(test_talloc_abort_fn_gets_the_reason_instead_of_abort),
		T(test_report_full_ends_each_line_with_the_address),
		T(test_default_print_shows_addresses_and_where_it_was_created),
		T(test_request_is_24_bytes_larger_from_0_16),
#undef T
	};
	const char *run = getenv("DEBUG_TEST_RUN");

	if (run != NULL && strcmp(run, "example") == 0) {
		return debug_request_main(argc, argv);
	}
	if (run != NULL && strcmp(run, "registry") == 0) {
		return registry_main();
	}
	if (realpath("/proc/self/exe", self) == NULL) {
		fprintf(stderr, "cannot find this program: /proc/self/exe\n");
		return 1;
	}
	if (argc > 1) {
		cmocka_set_test_filter(argv[1]);
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
