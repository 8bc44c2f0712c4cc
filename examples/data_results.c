/*
 * data_results.c - handing results to the caller in _recv().
 *
 * A lookup request builds its answer, a struct with a string and an
 * array of strings, in its state. lookup_recv() gives it to the caller
 * with talloc_move(), so that it outlives the state; a second version
 * uses talloc_steal(), and a third only copies the pointer, so that the
 * answer is freed with the state. Explained on the page "Handing results
 * to the caller" (data_results_lesson).
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc data_results.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [host] */
/* The answer: its name and addresses are talloc children of it. */
struct host {
	char *name;
	char **addresses;	/* a talloc array of talloc strings */
	size_t count;
	unsigned port;
};

static int host_destructor(struct host *host)
{
	printf("  (the answer for \"%s\" is freed)\n", host->name);
	return 0;
}
/*! [host] */

/*! [send] */
struct lookup_state {
	const char *name;	/* the caller's: it must outlive us */
	struct host *host;	/* built here, handed over by _recv() */
};

static void lookup_answered(struct tevent_context *ev,
			    struct tevent_timer *te, struct timeval now,
			    void *private_data);

static struct tevent_req *lookup_send(TALLOC_CTX *mem_ctx,
				      struct tevent_context *ev,
				      const char *name)
{
	struct tevent_req *req;
	struct lookup_state *state;
	struct tevent_timer *te;

	req = tevent_req_create(mem_ctx, &state, struct lookup_state);
	if (req == NULL) {
		return NULL;
	}
	state->name = name;
	te = tevent_add_timer(ev, state, tevent_timeval_current_ofs(0, 2000),
			      lookup_answered, req);
	if (tevent_req_nomem(te, req)) {
		return tevent_req_post(req, ev);
	}
	return req;
}
/*! [send] */

/*! [answer] */
/* The answer comes: build it on the state. */
static void lookup_answered(struct tevent_context *ev,
			    struct tevent_timer *te, struct timeval now,
			    void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct lookup_state *state =
		tevent_req_data(req, struct lookup_state);
	struct host *host;
	size_t i;

	(void)ev;
	(void)te;
	(void)now;
	host = talloc_zero(state, struct host);
	if (tevent_req_nomem(host, req)) {
		return;
	}
	state->host = host;
	host->port = 443;
	host->count = 2;
	host->name = talloc_strdup(host, state->name);
	host->addresses = talloc_array(host, char *, host->count);
	if (tevent_req_nomem(host->name, req) ||
	    tevent_req_nomem(host->addresses, req)) {
		return;
	}
	for (i = 0; i < host->count; i++) {
		host->addresses[i] = talloc_asprintf(host->addresses,
						     "192.0.2.%zu", 10 + i);
		if (tevent_req_nomem(host->addresses[i], req)) {
			return;
		}
	}
	talloc_set_destructor(host, host_destructor);
	tevent_req_done(req);
}
/*! [answer] */

/*! [recv] */
/* 0 if the request succeeded, otherwise a nonzero errno value. */
static int req_errno(struct tevent_req *req)
{
	enum tevent_req_state state;
	uint64_t err;

	if (!tevent_req_is_error(req, &state, &err)) {
		return 0;
	}
	switch (state) {
	case TEVENT_REQ_USER_ERROR:
		return (int)err;	/* what tevent_req_error() was given */
	case TEVENT_REQ_TIMED_OUT:
		return ETIMEDOUT;
	case TEVENT_REQ_NO_MEMORY:
		return ENOMEM;
	default:
		return EINVAL;		/* not finished: a caller's bug */
	}
}

/* On success *host is the answer, and mem_ctx owns it. */
static int lookup_recv(struct tevent_req *req, TALLOC_CTX *mem_ctx,
		       struct host **host)
{
	struct lookup_state *state =
		tevent_req_data(req, struct lookup_state);
	int err = req_errno(req);

	if (err == 0) {
		*host = talloc_move(mem_ctx, &state->host);
		printf("  lookup_recv: talloc_move(); state->host is %s\n",
		       state->host == NULL ? "NULL" : "still set");
	}
	tevent_req_received(req);
	return err;
}
/*! [recv] */

/*! [steal] */
/* The same with talloc_steal(): the state keeps a pointer to what now
 * belongs to the caller. */
static int lookup_recv_steal(struct tevent_req *req, TALLOC_CTX *mem_ctx,
			     struct host **host)
{
	struct lookup_state *state =
		tevent_req_data(req, struct lookup_state);
	int err = req_errno(req);

	if (err == 0) {
		*host = talloc_steal(mem_ctx, state->host);
		printf("  lookup_recv_steal: talloc_steal(); state->host is "
		       "%s\n", state->host == NULL ? "NULL" : "still set");
	}
	tevent_req_received(req);
	return err;
}
/*! [steal] */

/*! [no move] */
/* Wrong: the answer stays a child of the state, which the next line
 * frees. */
static int lookup_recv_no_move(struct tevent_req *req, struct host **host)
{
	struct lookup_state *state =
		tevent_req_data(req, struct lookup_state);
	int err = req_errno(req);

	if (err == 0) {
		*host = state->host;
		printf("  lookup_recv_no_move: the pointer copied, "
		       "now tevent_req_received()\n");
	}
	tevent_req_received(req);
	return err;
}
/*! [no move] */

/*! [caller] */
enum how { MOVE, STEAL, NO_MOVE };

struct caller {
	enum how how;
	bool done;
	int err;
	struct host *host;
};

static void lookup_done(struct tevent_req *req)
{
	struct caller *c = tevent_req_callback_data(req, struct caller);

	switch (c->how) {
	case MOVE:
		c->err = lookup_recv(req, c, &c->host);
		break;
	case STEAL:
		c->err = lookup_recv_steal(req, c, &c->host);
		break;
	case NO_MOVE:
		c->err = lookup_recv_no_move(req, &c->host);
		break;
	}
	TALLOC_FREE(req);
	c->done = true;
}

/* One lookup, its result in c->host; false if it failed. */
static bool lookup(struct tevent_context *ev, struct caller *c,
		   const char *name, enum how how)
{
	struct tevent_req *req = lookup_send(c, ev, name);

	if (req == NULL) {
		return false;
	}
	c->how = how;
	c->done = false;
	tevent_req_set_callback(req, lookup_done, c);
	while (!c->done) {
		if (tevent_loop_once(ev) != 0) {
			return false;
		}
	}
	return c->err == 0;
}
/*! [caller] */

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
	struct caller *c;
	struct host *www, *mail;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	c = talloc_zero(mem_ctx, struct caller);
	if (ev == NULL || c == NULL) {
		goto failed;
	}
	/*! [main move] */
	printf("main: lookup of \"www\", moved\n");
	if (!lookup(ev, c, "www", MOVE)) {
		goto failed;
	}
	www = c->host;
	printf("main: %s has %s and %s, port %u\n", www->name,
	       www->addresses[0], www->addresses[1], www->port);
	printf("main: the request is freed; the answer's parent is "
	       "mine: %s\n", talloc_parent(www) == c ? "yes" : "no");
	/*! [main move] */

	/*! [main steal] */
	printf("main: lookup of \"mail\", stolen\n");
	if (!lookup(ev, c, "mail", STEAL)) {
		goto failed;
	}
	mail = c->host;
	printf("main: %s has %s, its parent is mine: %s\n", mail->name,
	       mail->addresses[0], talloc_parent(mail) == c ? "yes" : "no");
	/*! [main steal] */

	/*! [main no move] */
	printf("main: lookup of \"ftp\", not moved\n");
	if (!lookup(ev, c, "ftp", NO_MOVE)) {
		goto failed;
	}
	c->host = NULL;		/* it points to freed memory */
	printf("main: the answer was freed before lookup_recv_no_move() "
	       "returned\n");
	/*! [main no move] */

	/*! [main end] */
	printf("main: freeing my context\n");
	talloc_free(mem_ctx);
	/*! [main end] */
	return 0;

failed:
	fprintf(stderr, "data_results: %s\n",
		(c != NULL && c->err != 0) ? strerror(c->err) :
		"out of memory");
	talloc_free(mem_ctx);
	return 1;
}
