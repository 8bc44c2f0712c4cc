/*
 * probe.so: preloaded into a learner's program by exercises/check.sh. It
 * counts the calls the program makes to some functions of libtevent and
 * libtalloc, and at exit writes "NAME COUNT" lines into the file that
 * the environment variable PROBE_OUT names. The checker compares them
 * with what an exercise asks for, so code that is never run cannot pass.
 *
 * Each function is counted under the name a program calls it by: many
 * are macros of tevent.h around a function with another name
 * (tevent_req_create() calls _tevent_req_create() on tevent 0.14 and
 * __tevent_req_create() from 0.15 on); the probe stands in for those,
 * counts, and calls the library's own with dlsym(RTLD_NEXT). Calls that
 * libtevent makes to its own exported functions count too: a queue
 * schedules an immediate event for each request it starts, and
 * tevent_wakeup_send() creates a request and adds a timer (on tevent
 * 0.14.1, and 0.16 and 0.17 alike); so an exercise asks for "at least"
 * the calls its own code makes, with FUNCTION>=N.
 *
 * SPDX-License-Identifier: MIT-0
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

enum counted {
	C_REQ_CREATE, C_REQ_DONE, C_REQ_ERROR, C_REQ_NOMEM, C_REQ_POST,
	C_REQ_SET_CALLBACK, C_REQ_CALLBACK_DATA, C_REQ_DATA, C_REQ_RECEIVED,
	C_REQ_IS_ERROR, C_REQ_SET_ENDTIME, C_ADD_TIMER, C_ADD_FD,
	C_SCHEDULE_IMMEDIATE, C_LOOP_ONCE, C_LOOP_WAIT, C_QUEUE_CREATE,
	C_QUEUE_ADD, C_QUEUE_ADD_ENTRY, C_QUEUE_WAIT_SEND, C_THREADED_CREATE,
	C_THREADED_SCHEDULE, C_TALLOC_MOVE, C_WAKEUP_SEND, C_N
};

static const char *const names[C_N] = {
	"tevent_req_create", "tevent_req_done", "tevent_req_error",
	"tevent_req_nomem", "tevent_req_post", "tevent_req_set_callback",
	"tevent_req_callback_data", "tevent_req_data", "tevent_req_received",
	"tevent_req_is_error", "tevent_req_set_endtime", "tevent_add_timer",
	"tevent_add_fd", "tevent_schedule_immediate", "tevent_loop_once",
	"tevent_loop_wait", "tevent_queue_create", "tevent_queue_add",
	"tevent_queue_add_entry", "tevent_queue_wait_send",
	"tevent_threaded_context_create", "tevent_threaded_schedule_immediate",
	"talloc_move", "tevent_wakeup_send",
};

/* Atomic: the thread exercise calls from two threads. */
static unsigned long counts[C_N];

static void count(enum counted c)
{
	__atomic_fetch_add(&counts[c], 1, __ATOMIC_RELAXED);
}

/* The library's function of that name, found once. */
static void *real(const char *name)
{
	void *fn = dlsym(RTLD_NEXT, name);

	if (fn == NULL) {
		fprintf(stderr, "probe: no function %s\n", name);
		abort();
	}
	return fn;
}

#define REAL(type, name) \
	static __typeof__(type) fn; \
	if (fn == NULL) { \
		void *p = real(name); \
		memcpy(&fn, &p, sizeof(fn)); \
	}

/* ---- requests ---------------------------------------------------------- */

struct tevent_req *_tevent_req_create(TALLOC_CTX *mem_ctx, void *pstate,
				      size_t state_size, const char *type,
				      const char *location);
struct tevent_req *_tevent_req_create(TALLOC_CTX *mem_ctx, void *pstate,
				      size_t state_size, const char *type,
				      const char *location)
{
	REAL(struct tevent_req *(*)(TALLOC_CTX *, void *, size_t,
				    const char *, const char *),
	     "_tevent_req_create");
	count(C_REQ_CREATE);
	return fn(mem_ctx, pstate, state_size, type, location);
}

/* tevent 0.15 and later */
struct tevent_req *__tevent_req_create(TALLOC_CTX *mem_ctx, void *pstate,
				       size_t state_size, const char *type,
				       const char *func, const char *location);
struct tevent_req *__tevent_req_create(TALLOC_CTX *mem_ctx, void *pstate,
				       size_t state_size, const char *type,
				       const char *func, const char *location)
{
	REAL(struct tevent_req *(*)(TALLOC_CTX *, void *, size_t,
				    const char *, const char *, const char *),
	     "__tevent_req_create");
	count(C_REQ_CREATE);
	return fn(mem_ctx, pstate, state_size, type, func, location);
}

void _tevent_req_done(struct tevent_req *req, const char *location)
{
	REAL(void (*)(struct tevent_req *, const char *), "_tevent_req_done");
	count(C_REQ_DONE);
	fn(req, location);
}

bool _tevent_req_error(struct tevent_req *req, uint64_t error,
		       const char *location)
{
	REAL(bool (*)(struct tevent_req *, uint64_t, const char *),
	     "_tevent_req_error");
	count(C_REQ_ERROR);
	return fn(req, error, location);
}

bool _tevent_req_nomem(const void *p, struct tevent_req *req,
		       const char *location)
{
	REAL(bool (*)(const void *, struct tevent_req *, const char *),
	     "_tevent_req_nomem");
	count(C_REQ_NOMEM);
	return fn(p, req, location);
}

struct tevent_req *tevent_req_post(struct tevent_req *req,
				   struct tevent_context *ev)
{
	REAL(struct tevent_req *(*)(struct tevent_req *,
				    struct tevent_context *),
	     "tevent_req_post");
	count(C_REQ_POST);
	return fn(req, ev);
}

#undef tevent_req_set_callback
void tevent_req_set_callback(struct tevent_req *req, tevent_req_fn cb,
			     void *pvt)
{
	REAL(void (*)(struct tevent_req *, tevent_req_fn, void *),
	     "tevent_req_set_callback");
	count(C_REQ_SET_CALLBACK);
	fn(req, cb, pvt);
}

/* tevent 0.15 and later */
void _tevent_req_set_callback(struct tevent_req *req, tevent_req_fn cb,
			      const char *cb_name, void *pvt);
void _tevent_req_set_callback(struct tevent_req *req, tevent_req_fn cb,
			      const char *cb_name, void *pvt)
{
	REAL(void (*)(struct tevent_req *, tevent_req_fn, const char *,
		      void *),
	     "_tevent_req_set_callback");
	count(C_REQ_SET_CALLBACK);
	fn(req, cb, cb_name, pvt);
}

void *_tevent_req_callback_data(struct tevent_req *req)
{
	REAL(void *(*)(struct tevent_req *), "_tevent_req_callback_data");
	count(C_REQ_CALLBACK_DATA);
	return fn(req);
}

void *_tevent_req_data(struct tevent_req *req)
{
	REAL(void *(*)(struct tevent_req *), "_tevent_req_data");
	count(C_REQ_DATA);
	return fn(req);
}

void tevent_req_received(struct tevent_req *req)
{
	REAL(void (*)(struct tevent_req *), "tevent_req_received");
	count(C_REQ_RECEIVED);
	fn(req);
}

bool tevent_req_is_error(struct tevent_req *req,
			 enum tevent_req_state *state, uint64_t *error)
{
	REAL(bool (*)(struct tevent_req *, enum tevent_req_state *,
		      uint64_t *),
	     "tevent_req_is_error");
	count(C_REQ_IS_ERROR);
	return fn(req, state, error);
}

bool tevent_req_set_endtime(struct tevent_req *req,
			    struct tevent_context *ev, struct timeval endtime)
{
	REAL(bool (*)(struct tevent_req *, struct tevent_context *,
		      struct timeval),
	     "tevent_req_set_endtime");
	count(C_REQ_SET_ENDTIME);
	return fn(req, ev, endtime);
}

/* ---- events and the loop -------------------------------------------- */

struct tevent_timer *_tevent_add_timer(struct tevent_context *ev,
				       TALLOC_CTX *mem_ctx,
				       struct timeval next_event,
				       tevent_timer_handler_t handler,
				       void *private_data,
				       const char *handler_name,
				       const char *location)
{
	REAL(struct tevent_timer *(*)(struct tevent_context *, TALLOC_CTX *,
				      struct timeval, tevent_timer_handler_t,
				      void *, const char *, const char *),
	     "_tevent_add_timer");
	count(C_ADD_TIMER);
	return fn(ev, mem_ctx, next_event, handler, private_data,
		  handler_name, location);
}

struct tevent_fd *_tevent_add_fd(struct tevent_context *ev,
				 TALLOC_CTX *mem_ctx, int fd, uint16_t flags,
				 tevent_fd_handler_t handler,
				 void *private_data,
				 const char *handler_name,
				 const char *location)
{
	REAL(struct tevent_fd *(*)(struct tevent_context *, TALLOC_CTX *,
				   int, uint16_t, tevent_fd_handler_t,
				   void *, const char *, const char *),
	     "_tevent_add_fd");
	count(C_ADD_FD);
	return fn(ev, mem_ctx, fd, flags, handler, private_data,
		  handler_name, location);
}

void _tevent_schedule_immediate(struct tevent_immediate *im,
				struct tevent_context *ctx,
				tevent_immediate_handler_t handler,
				void *private_data,
				const char *handler_name,
				const char *location)
{
	REAL(void (*)(struct tevent_immediate *, struct tevent_context *,
		      tevent_immediate_handler_t, void *, const char *,
		      const char *),
	     "_tevent_schedule_immediate");
	count(C_SCHEDULE_IMMEDIATE);
	fn(im, ctx, handler, private_data, handler_name, location);
}

int _tevent_loop_once(struct tevent_context *ev, const char *location)
{
	REAL(int (*)(struct tevent_context *, const char *),
	     "_tevent_loop_once");
	count(C_LOOP_ONCE);
	return fn(ev, location);
}

int _tevent_loop_wait(struct tevent_context *ev, const char *location)
{
	REAL(int (*)(struct tevent_context *, const char *),
	     "_tevent_loop_wait");
	count(C_LOOP_WAIT);
	return fn(ev, location);
}

/* ---- queues ---------------------------------------------------------- */

struct tevent_queue *_tevent_queue_create(TALLOC_CTX *mem_ctx,
					  const char *name,
					  const char *location)
{
	REAL(struct tevent_queue *(*)(TALLOC_CTX *, const char *,
				      const char *),
	     "_tevent_queue_create");
	count(C_QUEUE_CREATE);
	return fn(mem_ctx, name, location);
}

#undef tevent_queue_add
bool tevent_queue_add(struct tevent_queue *queue, struct tevent_context *ev,
		      struct tevent_req *req,
		      tevent_queue_trigger_fn_t trigger, void *private_data)
{
	REAL(bool (*)(struct tevent_queue *, struct tevent_context *,
		      struct tevent_req *, tevent_queue_trigger_fn_t, void *),
	     "tevent_queue_add");
	count(C_QUEUE_ADD);
	return fn(queue, ev, req, trigger, private_data);
}

/* tevent 0.15 and later */
bool _tevent_queue_add(struct tevent_queue *queue, struct tevent_context *ev,
		       struct tevent_req *req,
		       tevent_queue_trigger_fn_t trigger,
		       const char *trigger_name, void *private_data);
bool _tevent_queue_add(struct tevent_queue *queue, struct tevent_context *ev,
		       struct tevent_req *req,
		       tevent_queue_trigger_fn_t trigger,
		       const char *trigger_name, void *private_data)
{
	REAL(bool (*)(struct tevent_queue *, struct tevent_context *,
		      struct tevent_req *, tevent_queue_trigger_fn_t,
		      const char *, void *),
	     "_tevent_queue_add");
	count(C_QUEUE_ADD);
	return fn(queue, ev, req, trigger, trigger_name, private_data);
}

#undef tevent_queue_add_entry
struct tevent_queue_entry *tevent_queue_add_entry(
	struct tevent_queue *queue, struct tevent_context *ev,
	struct tevent_req *req, tevent_queue_trigger_fn_t trigger,
	void *private_data)
{
	REAL(struct tevent_queue_entry *(*)(struct tevent_queue *,
					    struct tevent_context *,
					    struct tevent_req *,
					    tevent_queue_trigger_fn_t, void *),
	     "tevent_queue_add_entry");
	count(C_QUEUE_ADD_ENTRY);
	return fn(queue, ev, req, trigger, private_data);
}

/* tevent 0.15 and later */
struct tevent_queue_entry *_tevent_queue_add_entry(
	struct tevent_queue *queue, struct tevent_context *ev,
	struct tevent_req *req, tevent_queue_trigger_fn_t trigger,
	const char *trigger_name, void *private_data);
struct tevent_queue_entry *_tevent_queue_add_entry(
	struct tevent_queue *queue, struct tevent_context *ev,
	struct tevent_req *req, tevent_queue_trigger_fn_t trigger,
	const char *trigger_name, void *private_data)
{
	REAL(struct tevent_queue_entry *(*)(struct tevent_queue *,
					    struct tevent_context *,
					    struct tevent_req *,
					    tevent_queue_trigger_fn_t,
					    const char *, void *),
	     "_tevent_queue_add_entry");
	count(C_QUEUE_ADD_ENTRY);
	return fn(queue, ev, req, trigger, trigger_name, private_data);
}

struct tevent_req *tevent_queue_wait_send(TALLOC_CTX *mem_ctx,
					  struct tevent_context *ev,
					  struct tevent_queue *queue)
{
	REAL(struct tevent_req *(*)(TALLOC_CTX *, struct tevent_context *,
				    struct tevent_queue *),
	     "tevent_queue_wait_send");
	count(C_QUEUE_WAIT_SEND);
	return fn(mem_ctx, ev, queue);
}

/* ---- ready-made requests ------------------------------------------------ */

struct tevent_req *tevent_wakeup_send(TALLOC_CTX *mem_ctx,
				      struct tevent_context *ev,
				      struct timeval wakeup_time)
{
	REAL(struct tevent_req *(*)(TALLOC_CTX *, struct tevent_context *,
				    struct timeval),
	     "tevent_wakeup_send");
	count(C_WAKEUP_SEND);
	return fn(mem_ctx, ev, wakeup_time);
}

/* ---- threads ------------------------------------------------------------ */

struct tevent_threaded_context *tevent_threaded_context_create(
	TALLOC_CTX *mem_ctx, struct tevent_context *ev)
{
	REAL(struct tevent_threaded_context *(*)(TALLOC_CTX *,
						 struct tevent_context *),
	     "tevent_threaded_context_create");
	count(C_THREADED_CREATE);
	return fn(mem_ctx, ev);
}

void _tevent_threaded_schedule_immediate(struct tevent_threaded_context *tctx,
					 struct tevent_immediate *im,
					 tevent_immediate_handler_t handler,
					 void *private_data,
					 const char *handler_name,
					 const char *location)
{
	REAL(void (*)(struct tevent_threaded_context *,
		      struct tevent_immediate *, tevent_immediate_handler_t,
		      void *, const char *, const char *),
	     "_tevent_threaded_schedule_immediate");
	count(C_THREADED_SCHEDULE);
	fn(tctx, im, handler, private_data, handler_name, location);
}

/* ---- talloc -------------------------------------------------------------- */

void *_talloc_move(const void *new_ctx, const void *pptr)
{
	REAL(void *(*)(const void *, const void *), "_talloc_move");
	count(C_TALLOC_MOVE);
	return fn(new_ctx, pptr);
}

/* ---- what the checker shows of a failure ------------------------------- */

/*
 * When talloc or tevent aborts the program, the reason is the best clue
 * the checker can give: but talloc says it only to a log function, and
 * tevent only to a debug function or an abort function, and a program
 * sets none of them unless it means to. So the probe sets a talloc log
 * function that writes to stderr, and a tevent abort function that
 * prints the reason and aborts, as tevent itself would; a program that
 * sets its own replaces them. Both shorten each place FILE.c:LINE they
 * name to the file's own name: the checker builds a copy of the file, in
 * a folder of its own. And stdout is line-buffered, so that what a
 * program printed before it hung or crashed is in its output (the
 * checker shows the last line of a program that it stopped).
 */
static void probe_say(const char *prefix, const char *msg,
		      const char *suffix)
{
	const char *p = msg;

	fputs(prefix, stderr);
	while (*p != '\0') {
		size_t len = strcspn(p, " \t\n");
		const char *slash = memrchr(p, '/', len);
		const char *dot_c = memmem(p, len, ".c:", 3);

		if (slash != NULL && dot_c != NULL && slash < dot_c) {
			len -= (size_t)(slash + 1 - p);
			p = slash + 1;
		}
		fwrite(p, 1, len, stderr);
		p += len;
		len = strspn(p, " \t\n");
		fwrite(p, 1, len, stderr);
		p += len;
	}
	fputs(suffix, stderr);
}

static void probe_talloc_log(const char *message)
{
	probe_say("", message, "");
}

static void probe_tevent_abort(const char *reason)
{
	probe_say("tevent: ", reason, "\n");
	abort();
}

/*
 * With PROBE_TRACE=FILE, a program that dies of SIGABRT, SIGSEGV, SIGBUS
 * or SIGFPE first writes the return addresses of its stack (one a line,
 * in hex) and then its /proc/self/maps into FILE, as tests/failmalloc.c
 * does for an allocation: the checker finds in them the line of the
 * learner's file that was running. (backtrace() is not promised to be
 * safe in a signal handler; the program is dying anyway, and libgcc_s is
 * loaded at the start, so that it does not allocate then.)
 */
static const char *trace_file;

static void probe_died(int sig)
{
	void *frames[64];
	char buf[4096];
	int n = backtrace(frames, 64);
	int fd = open(trace_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int maps = open("/proc/self/maps", O_RDONLY);
	ssize_t len;
	int i;

	if (fd != -1 && maps != -1) {
		for (i = 0; i < n; i++) {
			len = snprintf(buf, sizeof(buf), "%p\n", frames[i]);
			if (write(fd, buf, (size_t)len) != len) {
				break;
			}
		}
		if (write(fd, "maps\n", 5) == 5) {
			while ((len = read(maps, buf, sizeof(buf))) > 0 &&
			       write(fd, buf, (size_t)len) == len) {
			}
		}
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static __attribute__((constructor)) void probe_start(void)
{
	void *set_log = dlsym(RTLD_NEXT, "talloc_set_log_fn");
	void *set_abort = dlsym(RTLD_NEXT, "tevent_set_abort_fn");

	setvbuf(stdout, NULL, _IOLBF, 0);
	trace_file = getenv("PROBE_TRACE");
	if (trace_file != NULL) {
		static const int sigs[] = { SIGABRT, SIGSEGV, SIGBUS, SIGFPE };
		void *frame;
		size_t i;

		backtrace(&frame, 1);	/* loads libgcc_s now */
		for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
			signal(sigs[i], probe_died);
		}
	}
	if (set_log != NULL) {
		void (*fn)(void (*)(const char *));

		memcpy(&fn, &set_log, sizeof(fn));
		fn(probe_talloc_log);
	}
	if (set_abort != NULL) {
		void (*fn)(void (*)(const char *));

		memcpy(&fn, &set_abort, sizeof(fn));
		fn(probe_tevent_abort);
	}
}

/* ---- the report ------------------------------------------------------- */

static __attribute__((destructor)) void probe_report(void)
{
	const char *path = getenv("PROBE_OUT");
	FILE *f;
	int i;

	if (path == NULL || (f = fopen(path, "w")) == NULL) {
		return;
	}
	for (i = 0; i < C_N; i++) {
		fprintf(f, "%s %lu\n", names[i], counts[i]);
	}
	fclose(f);
}
