/*
 * leakcheck.so: preloaded into an example by `make check-leaks`. Before
 * main() it turns on talloc's tracking of the NULL context; at exit it
 * lists what is still allocated there and, if anything is, fails the
 * process with exit status 99.
 *
 * One thing is left out: libtevent 0.14.1 registers its backends (four
 * "struct tevent_ops_list" blocks on the NULL context) on first use and
 * keeps them for the whole process; no caller can free them.
 *
 * SPDX-License-Identifier: MIT-0
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>

static __attribute__((constructor)) void leakcheck_start(void)
{
	talloc_enable_null_tracking();
}

static void leakcheck_child(const void *ptr, int depth, int max_depth,
			    int is_ref, void *private_data)
{
	unsigned *leaks = private_data;
	const char *name = talloc_get_name(ptr);

	(void)max_depth;
	if (depth != 1 || is_ref ||
	    strcmp(name, "struct tevent_ops_list") == 0) {
		return;
	}
	fprintf(stderr, "leakcheck: still allocated at exit: \"%s\", "
		"%zu bytes in %zu blocks\n", name, talloc_total_size(ptr),
		talloc_total_blocks(ptr));
	*leaks += 1;
}

static __attribute__((destructor)) void leakcheck_end(void)
{
	unsigned leaks = 0;

	talloc_report_depth_cb(NULL, 0, 1, leakcheck_child, &leaks);
	if (leaks > 0) {
		fflush(NULL);
		_exit(99);
	}
}
