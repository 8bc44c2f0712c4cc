/*
 * Exercise: a result that outlives its request
 * (exercises/data_move_result). Write the request split_send()/
 * split_recv() where the comments say; README.md says what it does, and
 * `make exercise NAME=data_move_result` checks the program.
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

/* The result: a copy of the line, and its words. */
struct words {
	char *line;
	char **word;	/* a talloc array of strings: talloc_array_length() */
};

/*
 * The next word of the text at *pos, a run of characters other than
 * spaces: returns its start, sets *len to its length and moves *pos past
 * it; returns NULL when no word is left.
 */
static const char *next_word(const char **pos, size_t *len)
{
	const char *start = *pos;

	while (*start == ' ') {
		start++;
	}
	if (*start == '\0') {
		return NULL;
	}
	*len = strcspn(start, " ");
	*pos = start + *len;
	return start;
}

/* ---- The request: your part ------------------------------------------- */

struct split_state {
	const char *line;	/* the caller's: it outlives the request */
	struct words words;	/* built here, handed over by split_recv() */
};

static void split_work(struct tevent_context *ev, struct tevent_timer *te,
		       struct timeval now, void *private_data);

static struct tevent_req *split_send(TALLOC_CTX *mem_ctx,
				     struct tevent_context *ev,
				     const char *line)
{
	struct tevent_req *req;
	struct split_state *state;
	struct tevent_timer *te;

	req = tevent_req_create(mem_ctx, &state, struct split_state);
	if (req == NULL) {
		return NULL;
	}
	state->line = line;
	te = tevent_add_timer(ev, state, tevent_timeval_current_ofs(0, 1000),
			      split_work, req);
	if (tevent_req_nomem(te, req)) {
		return tevent_req_post(req, ev);
	}
	return req;
}

/* The work: build the result in the state. */
static void split_work(struct tevent_context *ev, struct tevent_timer *te,
		       struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct split_state *state = tevent_req_data(req, struct split_state);
	struct words *w = &state->words;
	const char *pos, *start;
	size_t len, i, n = 0;

	(void)ev;
	(void)te;
	(void)now;
	w->line = talloc_strdup(state, state->line);
	if (tevent_req_nomem(w->line, req)) {
		return;
	}
	pos = state->line;
	while (next_word(&pos, &len) != NULL) {
		n += 1;
	}
	w->word = talloc_array(state, char *, n);
	if (tevent_req_nomem(w->word, req)) {
		return;
	}
	pos = state->line;
	for (i = 0; i < n; i++) {
		start = next_word(&pos, &len);
		w->word[i] = talloc_strndup(w->word, start, len);
		if (tevent_req_nomem(w->word[i], req)) {
			return;
		}
	}
	tevent_req_done(req);
}

/* 0 and *words, which then belongs to mem_ctx; or an errno value. */
static int split_recv(struct tevent_req *req, TALLOC_CTX *mem_ctx,
		      struct words **words)
{
	struct split_state *state = tevent_req_data(req, struct split_state);
	struct words *w = &state->words;
	enum tevent_req_state st;
	uint64_t err;
	int ret = 0;

	if (tevent_req_is_error(req, &st, &err)) {
		ret = (st == TEVENT_REQ_USER_ERROR) ? (int)err :
		      (st == TEVENT_REQ_TIMED_OUT) ? ETIMEDOUT : ENOMEM;
	} else {
		*words = talloc_move(mem_ctx, &w);
	}
	tevent_req_received(req);
	return ret;
}

/* ---- The caller: you need not change what follows ----------------------- */

#define NLINES 2

struct caller {
	struct words *result[NLINES];	/* kept until the end */
	unsigned pending;
	int error;
};

struct sent {
	struct caller *c;
	unsigned n;		/* which line */
};

static void split_done(struct tevent_req *req)
{
	struct sent *s = tevent_req_callback_data(req, struct sent);
	struct caller *c = s->c;
	struct words *w = NULL;
	const char *owner;
	int err = split_recv(req, c, &w);
	size_t i, n;

	TALLOC_FREE(req);
	c->pending -= 1;
	if (err != 0) {
		c->error = err;
		return;
	}
	c->result[s->n] = w;
	owner = (talloc_parent(w) == c) ? "the caller" : "someone else";
	n = talloc_array_length(w->word);
	printf("caller: line %u received, its request freed\n", s->n + 1);
	printf("  \"%s\": %zu words, owned by %s\n", w->line, n, owner);
	printf(" ");
	for (i = 0; i < n; i++) {
		printf(" %s%s", w->word[i], i + 1 < n ? " |" : "\n");
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
	static const char *const lines[NLINES] = {
		"a request frees its state", "the result lives on",
	};
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	struct caller *c;
	size_t total = 0;
	unsigned i;

	talloc_set_log_stderr();	/* talloc's own messages, if any */
	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	c = talloc_zero(mem_ctx, struct caller);
	if (ev == NULL || c == NULL) {
		goto fail;
	}
	for (i = 0; i < NLINES; i++) {
		struct sent *s = talloc_zero(c, struct sent);
		struct tevent_req *req;

		if (s == NULL) {
			goto fail;
		}
		s->c = c;
		s->n = i;
		req = split_send(c, ev, lines[i]);
		if (req == NULL) {
			goto fail;
		}
		tevent_req_set_callback(req, split_done, s);
		c->pending += 1;
	}
	while (c->pending > 0 && c->error == 0) {
		if (tevent_loop_once(ev) != 0) {
			goto fail;
		}
	}
	if (c->error != 0) {
		fprintf(stderr, "a request failed: %s\n", strerror(c->error));
		talloc_free(mem_ctx);
		return 1;
	}
	for (i = 0; i < NLINES; i++) {
		total += talloc_array_length(c->result[i]->word);
	}
	printf("main: %u results kept, %zu words in all\n", NLINES, total);
	printf("main: freeing the caller's context\n");
	talloc_free(mem_ctx);
	return 0;

fail:
	fprintf(stderr, "out of memory, or the loop failed\n");
	talloc_free(mem_ctx);
	return 1;
}
