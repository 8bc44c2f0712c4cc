/*
 * Exercise: the spooler (exercises/pitfall_loop_once).
 * A first version of a print spooler, which does not print what it
 * should yet: make it. README.md says what it must do, and
 * `make exercise NAME=pitfall_loop_once` checks the program.
 *
 * SPDX-License-Identifier: MIT-0
 */
/*
 * Build:
 * cc start.c $(pkg-config --cflags --libs tevent talloc)
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

struct spooler {
	unsigned printed;	/* documents printed */
	unsigned told;		/* owners told */
	int control_fd;		/* where commands would come from */
};

/* A document, from the moment it is spooled until its owner is told. */
struct document {
	struct spooler *s;
	const char *name;
	struct tevent_immediate *tell;
};

static void document_told(struct tevent_context *ev,
			  struct tevent_immediate *im, void *private_data)
{
	struct document *d = talloc_get_type_abort(private_data,
						   struct document);

	(void)ev;
	(void)im;
	printf("%s: owner told\n", d->name);
	d->s->told += 1;
}

/* The printer is done with the document: tell its owner, and wait
 * until it is told, so that each document is over before the next. */
static void document_printed(struct tevent_context *ev,
			     struct tevent_timer *te, struct timeval now,
			     void *private_data)
{
	struct document *d = talloc_get_type_abort(private_data,
						   struct document);
	unsigned told = d->s->told;

	(void)te;
	(void)now;
	printf("%s printed\n", d->name);
	d->s->printed += 1;
	tevent_schedule_immediate(d->tell, ev, document_told, d);
	while (d->s->told == told) {
		if (tevent_loop_once(ev) != 0) {
			return;
		}
	}
}

/* Spool a document that takes ms milliseconds to print. */
static bool spool(struct tevent_context *ev, struct spooler *s,
		  const char *name, unsigned ms)
{
	struct document *d = talloc_zero(s, struct document);

	if (d == NULL || (d->tell = tevent_create_immediate(d)) == NULL) {
		return false;
	}
	d->s = s;
	d->name = name;
	if (tevent_add_timer(ev, d, tevent_timeval_current_ofs(0, ms * 1000),
			     document_printed, d) == NULL) {
		return false;
	}
	return true;
}

/* A command on the control pipe (none comes in this program). */
static void control_readable(struct tevent_context *ev,
			     struct tevent_fd *fde, uint16_t flags,
			     void *private_data)
{
	struct spooler *s = talloc_get_type_abort(private_data,
						  struct spooler);
	char command;

	(void)ev;
	(void)fde;
	(void)flags;
	if (read(s->control_fd, &command, 1) == 1) {
		printf("spooler: command '%c'\n", command);
	}
}

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
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	struct tevent_context *ev;
	struct spooler *s;
	int control[2] = { -1, -1 };
	int ret = 1;

	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	s = talloc_zero(mem_ctx, struct spooler);
	if (ev == NULL || s == NULL || pipe(control) != 0) {
		fprintf(stderr, "out of memory, or no pipe\n");
		goto done;
	}
	/* The spooler listens for commands for as long as it runs. */
	s->control_fd = control[0];
	if (tevent_add_fd(ev, s, control[0], TEVENT_FD_READ,
			  control_readable, s) == NULL ||
	    !spool(ev, s, "report", 10) || !spool(ev, s, "letter", 5) ||
	    !spool(ev, s, "photo", 15)) {
		fprintf(stderr, "out of memory\n");
		goto done;
	}

	/* Print the documents, and tell their owners. */
	while (s->told < 3) {
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "the loop failed\n");
			goto done;
		}
	}
	printf("spooler: %u printed, %u owners told\n", s->printed, s->told);
	ret = 0;
done:
	talloc_free(mem_ctx);	/* the fd event too, before the close */
	if (control[0] != -1) {
		close(control[0]);
		close(control[1]);
	}
	return ret;
}
