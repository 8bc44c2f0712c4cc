/*
 * Print the backends of the installed libtevent, one a line, as
 * tevent_backend_list() names them. check-backends runs every example
 * and claim test on each.
 *
 * SPDX-License-Identifier: MIT-0
 */
#include <stdio.h>

#include <talloc.h>
#include <tevent.h>

int main(void)
{
	const char **names = tevent_backend_list(NULL);
	size_t i;

	if (names == NULL) {
		fprintf(stderr, "backends: out of memory\n");
		return 1;
	}
	for (i = 0; names[i] != NULL; i++) {
		printf("%s\n", names[i]);
	}
	talloc_free(names);
	return 0;
}
