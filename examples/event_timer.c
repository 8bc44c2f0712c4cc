/*
 * event_timer.c - timers fire once, in the order of their times.
 *
 * Four timers are added, out of order, and one of them is cancelled by
 * freeing it. The others fire once each, and tevent frees each timer
 * right after its handler, with the data hung under it. Explained on the
 * page "Timers".
 *
 * SPDX-License-Identifier: MIT-0
 */
/*! [build] */
/*
 * Build:
 * cc event_timer.c $(pkg-config --cflags --libs tevent talloc)
 */
/*! [build] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>
#include <tevent.h>

/*! [food] */
struct kitchen {
	struct timeval start;	/* the times count from here */
	unsigned pending;	/* timers that have not fired yet */
};

/* What one timer is about; a talloc child of its timer. */
struct food {
	struct kitchen *kitchen;
	const char *name;
};

static int food_destructor(struct food *food)
{
	printf("  (%s: its timer is freed, and its data with it)\n",
	       food->name);
	return 0;
}
/*! [food] */

/*! [handler] */
static void food_ready(struct tevent_context *ev, struct tevent_timer *te,
		       struct timeval now, void *private_data)
{
	struct food *food = talloc_get_type_abort(private_data, struct food);

	(void)ev;
	(void)te;
	(void)now;

	printf("%s is ready\n", food->name);
	food->kitchen->pending -= 1;
	/* No talloc_free(te) here: tevent frees the timer on return. */
}
/*! [handler] */

/*! [add] */
/* A timer that fires ms milliseconds after the kitchen's start, owned
 * by the kitchen. */
static struct tevent_timer *food_timer(struct tevent_context *ev,
				       struct kitchen *kitchen,
				       const char *name, unsigned ms)
{
	struct timeval at = tevent_timeval_add(&kitchen->start, 0, ms * 1000);
	struct tevent_timer *te;
	struct food *food;

	food = talloc(kitchen, struct food);
	if (food == NULL) {
		return NULL;
	}
	*food = (struct food) { .kitchen = kitchen, .name = name };

	te = tevent_add_timer(ev, kitchen, at, food_ready, food);
	if (te == NULL) {
		talloc_free(food);
		return NULL;
	}
	/* The data lives exactly as long as the timer. */
	talloc_steal(te, food);
	talloc_set_destructor(food, food_destructor);
	kitchen->pending += 1;
	return te;
}
/*! [add] */

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
	struct kitchen *kitchen;
	struct tevent_timer *porridge;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	ev = tevent_context_init_byname(mem_ctx, backend);
	kitchen = talloc_zero(mem_ctx, struct kitchen);
	if (ev == NULL || kitchen == NULL) {
		goto nomem;
	}
	/*! [main] */
	kitchen->start = tevent_timeval_current();
	if (food_timer(ev, kitchen, "tea", 30) == NULL ||
	    food_timer(ev, kitchen, "eggs", 10) == NULL ||
	    food_timer(ev, kitchen, "toast", 20) == NULL) {
		goto nomem;
	}
	porridge = food_timer(ev, kitchen, "porridge", 15);
	if (porridge == NULL) {
		goto nomem;
	}
	printf("main: added tea (30 ms), eggs (10 ms), toast (20 ms), "
	       "porridge (15 ms)\n");

	printf("main: cancelling porridge\n");
	TALLOC_FREE(porridge);
	kitchen->pending -= 1;

	while (kitchen->pending > 0) {
		if (tevent_loop_once(ev) != 0) {
			fprintf(stderr, "tevent_loop_once failed\n");
			talloc_free(mem_ctx);
			return 1;
		}
	}
	printf("main: every timer has fired; the kitchen owns %zu of them\n",
	       talloc_total_blocks(kitchen) - 1);
	/*! [main] */
	talloc_free(mem_ctx);
	return 0;

nomem:
	fprintf(stderr, "out of memory\n");
	talloc_free(mem_ctx);
	return 1;
}
