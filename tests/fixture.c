/*
 * The harness of the claim tests; see fixture.h.
 *
 * SPDX-License-Identifier: MIT-0
 */
#define _GNU_SOURCE	/* dladdr() */
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixture.h"

int fixture_setup(void **pstate)
{
	struct fixture *f = talloc_zero(NULL, struct fixture);
	const char *backend;

	assert_non_null(f);
	/* check-backends sets TEVENT_TEST_BACKEND; unset or empty: the
	 * default backend */
	backend = getenv("TEVENT_TEST_BACKEND");
	if (backend != NULL && backend[0] == '\0') {
		backend = NULL;
	}
	f->ev = tevent_context_init_byname(f, backend);
	assert_non_null(f->ev);
	f->queue = tevent_queue_create(f, "test");
	assert_non_null(f->queue);
	f->log = talloc_strdup(f, "");
	assert_non_null(f->log);
	*pstate = f;
	return 0;
}

int fixture_teardown(void **pstate)
{
	TALLOC_FREE(*pstate);
	return 0;
}

void log_event(struct fixture *f, const char *what, const char *name)
{
	f->log = talloc_asprintf_append(f->log, "%s%s:%s",
					f->log[0] == '\0' ? "" : " ",
					what, name);
	assert_non_null(f->log);
}

struct tevent_req *item_new(struct fixture *f, const char *name,
			    bool finish, bool free_in_callback)
{
	struct tevent_req *req;
	struct item_state *s;

	req = tevent_req_create(f, &s, struct item_state);
	assert_non_null(req);
	s->f = f;
	s->name = name;
	s->finish_in_trigger = finish;
	s->free_in_callback = free_in_callback;
	return req;
}

struct tevent_req *item_add(struct fixture *f, const char *name,
			    bool finish, bool free_in_callback)
{
	struct tevent_req *req = item_new(f, name, finish, free_in_callback);
	struct item_state *s = tevent_req_data(req, struct item_state);

	tevent_req_set_callback(req, item_done, NULL);
	s->entry = tevent_queue_add_entry(f->queue, f->ev, req,
					  item_trigger, f);
	assert_non_null(s->entry);
	return req;
}

struct tevent_queue_entry *item_entry(struct tevent_req *req)
{
	struct item_state *s = tevent_req_data(req, struct item_state);

	return s->entry;
}

void item_trigger(struct tevent_req *req, void *private_data)
{
	struct item_state *s = tevent_req_data(req, struct item_state);

	assert_ptr_equal(private_data, s->f);
	log_event(s->f, "T", s->name);
	if (s->untrigger > 0) {
		s->untrigger -= 1;
		tevent_queue_stop(s->f->queue);
		tevent_queue_entry_untrigger(s->entry);
		return;
	}
	if (s->finish_in_trigger) {
		/* The callback (and perhaps the free) runs inside done(). */
		tevent_req_done(req);
	}
}

void item_done(struct tevent_req *req)
{
	struct item_state *s = tevent_req_data(req, struct item_state);

	log_event(s->f, "C", s->name);
	if (s->free_in_callback) {
		talloc_free(req);
	}
}

void loop_once(struct fixture *f)
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

void loop_for_ms(struct fixture *f, unsigned ms)
{
	bool fired = false;
	struct tevent_timer *te;

	te = tevent_add_timer(f->ev, f,
			      tevent_timeval_current_ofs(0, ms * 1000),
			      timer_fired, &fired);
	assert_non_null(te);
	while (!fired) {
		loop_once(f);
	}
}

static void collect_child(const void *ptr, int depth, int max_depth,
			  int is_ref, void *private_data)
{
	char **names = private_data;

	(void)max_depth;
	(void)is_ref;
	if (depth == 1 && *names != NULL) {
		*names = talloc_asprintf_append(*names, "[%s]",
						talloc_get_name(ptr));
	}
}

char *child_names(TALLOC_CTX *mem_ctx, const void *ptr)
{
	char *names = talloc_strdup(mem_ctx, "");

	talloc_report_depth_cb(ptr, 0, 1, collect_child, &names);
	assert_non_null(names);
	return names;
}

int run_in_child(void (*fn)(void *arg), void *arg)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		if (devnull == -1 || dup2(devnull, 2) == -1) {
			_exit(3);
		}
		fn(arg);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

unsigned tevent_version(void)
{
	static unsigned version;
	char path[PATH_MAX];
	const char *so;
	unsigned major, minor, patch;
	Dl_info info;

	if (version != 0) {
		return version;
	}
	assert_true(dladdr((void *)tevent_context_init, &info) != 0);
	assert_non_null(realpath(info.dli_fname, path));
	so = strstr(path, ".so.");
	assert_non_null(so);
	/* "libtevent.so.0.16.2" */
	assert_int_equal(sscanf(so, ".so.%u.%u.%u", &major, &minor, &patch),
			 3);
	assert_int_equal(major, 0);
	version = 100 * minor + patch;
	return version;
}
