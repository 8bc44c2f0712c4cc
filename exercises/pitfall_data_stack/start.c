/*
 * Exercise: a tally of pings (exercises/pitfall_data_stack).
 * Write the ping request and ping_all() where the comments say;
 * README.md says what they do, and
 * `make exercise NAME=pitfall_data_stack` checks the program.
 *
 * SPDX-License-Identifier: MIT-0
 */
/*
 * Build:
 * cc start.c $(pkg-config --cflags --libs tevent talloc)
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

#define NHOSTS 3

/* A reply: which host answered, and how long it took. */
struct pong {
	unsigned host;
	unsigned ms;
};

/* What the callbacks of the pings add up. */
struct tally {
	unsigned replies;
	unsigned total_ms;
	int error;		/* 0, or why a ping failed */
};

/* ---- The pings: your part --------------------------------------------- */

/*
 * The request ping_send()/ping_recv(), the callback of a ping, and
 * ping_all(): yours to write.
 */

/* Ping the hosts, and print the tally when all have answered. */
static bool ping_all(TALLOC_CTX *mem_ctx, struct tevent_context *ev)
{
	(void)mem_ctx;
	(void)ev;
	return false;		/* to be written */
}

/* ---- main(): you need not change what follows --------------------------- */
/*! [backend] */
/*
 * The command line: "-b BACKEND" runs the program on that tevent
 * backend, one of those that tevent_backend_list() names; without it,
 * on tevent's default, unless main() names another. A bad argument ends
 * the program with a usage line on stderr and exit status 2.
 */
static void usage(const char *prog)
{
	const char **names = tevent_backend_list(NULL);
	size_t i;

	fprintf(stderr, "usage: %s [-b BACKEND]; BACKEND is one of:", prog);
	for (i = 0; names != NULL && names[i] != NULL; i++) {
		fprintf(stderr, " %s", names[i]);
	}
	fprintf(stderr, "\n");
	talloc_free(names);
	exit(2);
}

static const char *backend_from_args(int argc, char **argv)
{
	const char **names;
	const char *backend = NULL;
	bool known = false;
	size_t i;
	int opt;

	opterr = 0;		/* usage() says it all, in one line */
	while ((opt = getopt(argc, argv, "b:")) != -1) {
		if (opt != 'b') {
			usage(argv[0]);
		}
		backend = optarg;
	}
	if (optind != argc) {
		usage(argv[0]);
	}
	if (backend == NULL) {
		return NULL;
	}
	names = tevent_backend_list(NULL);
	for (i = 0; names != NULL && names[i] != NULL; i++) {
		known = known || strcmp(names[i], backend) == 0;
	}
	talloc_free(names);
	if (!known) {
		usage(argv[0]);
	}
	return backend;
}
/*! [backend] */

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;

	talloc_set_log_stderr();	/* talloc's own messages, if any */
	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	if (ev == NULL) {
		fprintf(stderr, "out of memory\n");
		talloc_free(mem_ctx);
		return 1;
	}
	printf("main: pinging %u hosts\n", NHOSTS);
	if (!ping_all(mem_ctx, ev)) {
		fprintf(stderr, "a ping failed, or out of memory\n");
		talloc_free(mem_ctx);
		return 1;
	}
	talloc_free(mem_ctx);
	return 0;
}
