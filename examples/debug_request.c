/*
 * debug_request.c - looking inside a live request: its talloc tree with
 * talloc_report_full(), and a one-line summary with tevent_req_print()
 * and a print function of its own.
 *
 * A "fetch" request works in three steps of 5 ms each. After the first
 * step the program prints the request's talloc tree and its summary,
 * then lets it finish and frees everything. Explained on the page
 * "Debugging tevent programs", which also shows what valgrind says
 * about this correct program.
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc debug_request.c $(pkg-config --cflags --libs tevent talloc)
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

/*! [state] */
struct fetch_state {
	struct tevent_context *ev;
	const char *name;
	unsigned step;
	unsigned steps;
	char *data;
};

static void fetch_step(struct tevent_context *ev, struct tevent_timer *te,
		       struct timeval now, void *private_data);
static char *fetch_print(struct tevent_req *req, TALLOC_CTX *mem_ctx);
/*! [state] */

/* The next step's timer, 5 ms from now, a talloc child of the state. */
static bool fetch_next_step(struct tevent_req *req)
{
	struct fetch_state *state = tevent_req_data(req, struct fetch_state);
	struct tevent_timer *te;

	te = tevent_add_timer(state->ev, state,
			      tevent_timeval_current_ofs(0, 5000),
			      fetch_step, req);
	return !tevent_req_nomem(te, req);
}

/*! [send] */
static struct tevent_req *fetch_send(TALLOC_CTX *mem_ctx,
				     struct tevent_context *ev,
				     const char *name, unsigned steps)
{
	struct tevent_req *req;
	struct fetch_state *state;

	req = tevent_req_create(mem_ctx, &state, struct fetch_state);
	if (req == NULL) {
		return NULL;
	}
	tevent_req_set_print_fn(req, fetch_print);
	state->ev = ev;
	state->steps = steps;
	state->name = talloc_strdup(state, name);
	if (tevent_req_nomem(state->name, req)) {
		return tevent_req_post(req, ev);
	}
	state->data = talloc_strdup(state, "");
	if (tevent_req_nomem(state->data, req)) {
		return tevent_req_post(req, ev);
	}
	if (!fetch_next_step(req)) {
		return tevent_req_post(req, ev);
	}
	return req;
}
/*! [send] */

static void fetch_step(struct tevent_context *ev, struct tevent_timer *te,
		       struct timeval now, void *private_data)
{
	struct tevent_req *req =
		talloc_get_type_abort(private_data, struct tevent_req);
	struct fetch_state *state = tevent_req_data(req, struct fetch_state);
	char *data;

	(void)ev;
	(void)te;
	(void)now;
	data = talloc_asprintf_append(state->data, "<part %u>",
				      state->step + 1);
	if (tevent_req_nomem(data, req)) {
		return;		/* state->data is still the old text */
	}
	state->data = data;
	state->step += 1;
	if (state->step == state->steps) {
		tevent_req_done(req);
		return;
	}
	fetch_next_step(req);
}

/*! [print] */
/* What tevent_req_print() shows for a fetch: no pointers, no times. */
static char *fetch_print(struct tevent_req *req, TALLOC_CTX *mem_ctx)
{
	struct fetch_state *state = tevent_req_data(req, struct fetch_state);

	return talloc_asprintf(mem_ctx, "fetch \"%s\": step %u of %u, "
			       "%zu bytes so far%s", state->name, state->step,
			       state->steps, strlen(state->data),
			       tevent_req_is_in_progress(req) ? "" : ", done");
}
/*! [print] */

static int fetch_recv(struct tevent_req *req, TALLOC_CTX *mem_ctx,
		      char **data)
{
	struct fetch_state *state = tevent_req_data(req, struct fetch_state);
	enum tevent_req_state rs;
	uint64_t err;

	if (tevent_req_is_error(req, &rs, &err)) {
		tevent_req_received(req);
		return rs == TEVENT_REQ_USER_ERROR ? (int)err : ENOMEM;
	}
	*data = talloc_move(mem_ctx, &state->data);
	tevent_req_received(req);
	return 0;
}

/*! [report] */
/*
 * talloc_report_full() writes the tree below ptr, one line per block,
 * each ending in the block's address. The program keeps the output
 * stable by cutting that address off each line.
 */
static bool print_talloc_tree(const void *ptr)
{
	char *text = NULL, *line, *end;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (f == NULL) {
		return false;
	}
	talloc_report_full(ptr, f);
	if (fclose(f) != 0 || text == NULL) {
		free(text);
		return false;
	}
	for (line = text; *line != '\0'; line = end + 1) {
		char *addr;

		end = strchr(line, '\n');
		if (end == NULL) {
			break;
		}
		*end = '\0';
		addr = strrchr(line, ' ');
		if (addr != NULL && strncmp(addr, " 0x", 3) == 0) {
			*addr = '\0';
		}
		printf("  %s\n", line);
	}
	free(text);
	return true;
}
/*! [report] */
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

/* Turn the loop until the request has done that many steps, or has
 * finished (for instance failed). */
static bool wait_for(struct tevent_context *ev, struct tevent_req *req,
		     unsigned step)
{
	struct fetch_state *state = tevent_req_data(req, struct fetch_state);

	while (tevent_req_is_in_progress(req) && state->step < step) {
		if (tevent_loop_once(ev) != 0) {
			return false;
		}
	}
	return true;
}

int main(int argc, char **argv)
{
	const char *backend = backend_from_args(argc, argv);
	TALLOC_CTX *mem_ctx;
	struct tevent_context *ev;
	struct tevent_req *req;
	char *text, *data = NULL;
	int err;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	/*! [main] */
	ev = tevent_context_init_byname(mem_ctx, backend);
	req = (ev == NULL) ? NULL : fetch_send(mem_ctx, ev, "index", 3);
	if (req == NULL || !wait_for(ev, req, 1)) {
		goto fail;
	}

	printf("talloc_report_full() after step 1, addresses cut off:\n");
	if (!print_talloc_tree(req)) {
		goto fail;
	}
	text = tevent_req_print(mem_ctx, req);
	if (text == NULL) {
		goto fail;
	}
	printf("tevent_req_print() after step 1:\n  %s\n", text);
	TALLOC_FREE(text);

	if (!wait_for(ev, req, 3)) {
		goto fail;
	}
	text = tevent_req_print(mem_ctx, req);
	if (text == NULL) {
		goto fail;
	}
	printf("tevent_req_print() at the end:\n  %s\n", text);
	err = fetch_recv(req, mem_ctx, &data);
	if (err != 0) {
		fprintf(stderr, "fetch failed: %s\n", strerror(err));
		talloc_free(mem_ctx);
		return 1;
	}
	printf("fetched: %s\n", data);
	/*! [main] */
	talloc_free(mem_ctx);
	return 0;

fail:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
