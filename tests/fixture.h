/*
 * A small harness shared by the claim tests: an event context, a queue
 * and a log of what happened, in order, as a string such as
 * "T:A C:A T:B" (trigger of A, callback of A, trigger of B).
 *
 * SPDX-License-Identifier: MIT-0
 */
#ifndef FIXTURE_H
#define FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <talloc.h>
#include <tevent.h>

struct fixture {
	struct tevent_context *ev;
	struct tevent_queue *queue;
	char *log;
};

/* The state of a test request ("item"). */
struct item_state {
	struct fixture *f;
	const char *name;
	bool finish_in_trigger;	/* tevent_req_done() inside the trigger */
	bool free_in_callback;	/* talloc_free() the request in the callback */
	unsigned untrigger;	/* times the trigger stops the queue and
				 * untriggers its entry before it runs */
	struct tevent_queue_entry *entry;
};

int fixture_setup(void **pstate);
int fixture_teardown(void **pstate);

/* Append "what:name" to the log. */
void log_event(struct fixture *f, const char *what, const char *name);

/* A new request, not queued, with no callback. */
struct tevent_req *item_new(struct fixture *f, const char *name,
			    bool finish, bool free_in_callback);
/* A new request with its callback set, added with tevent_queue_add_entry
 * (its entry is in its state). */
struct tevent_req *item_add(struct fixture *f, const char *name,
			    bool finish, bool free_in_callback);
struct tevent_queue_entry *item_entry(struct tevent_req *req);

/* The trigger (logs T:name) and the callback (logs C:name) of items. */
void item_trigger(struct tevent_req *req, void *private_data);
void item_done(struct tevent_req *req);

/* One turn of the event loop; the loop for ms milliseconds. */
void loop_once(struct fixture *f);
void loop_for_ms(struct fixture *f, unsigned ms);

/* The talloc names of ptr's direct children, as "[a][b]". */
char *child_names(TALLOC_CTX *mem_ctx, const void *ptr);

/* The version of the libtevent this process runs on, read from the file
 * name of the loaded library (libtevent.so.0.16.2 gives 1602):
 * 100 * minor + patch for tevent 0.x.y. Fails the test if unknown. */
unsigned tevent_version(void);

/* Run fn(arg) in a child process with stderr closed; exit 0 after it.
 * Returns the wait status. */
int run_in_child(void (*fn)(void *arg), void *arg);

#endif
