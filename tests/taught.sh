#!/bin/sh
# The functions of tevent.h that the chapters teach, one a line: those
# declared in the installed header (macros included; not those for
# writers of backends) and named, as NAME(), on a page of the learning
# path (doc/nav.sh --path).
# lint:api-coverage checks that an example uses each; the browser check
# that each one's reference entry lists its examples.
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# declarations only, not the header's comments (" * ..."), and not those
# of the group for writers of backends (tevent_ops: pages name some of
# them, such as the stack of a valgrind report, but teach none)
awk '/@defgroup tevent_ops /, /^\/\* @} \*\/$/ { next } !/^ \*/' \
	/usr/include/tevent.h | grep -oE '\b_?_?tevent_[a-z0-9_]+\(' |
	tr -d '(' | sed 's/^_*//' | sort -u >"$tmp/declared"
sh doc/nav.sh --path | awk '
	NR == FNR { onpath[$1] = 1; next }
	/^@page[ \t]/ { on = ($2 in onpath) }
	on {
		line = $0
		while (match(line, /tevent_[a-z0-9_]+\(\)/)) {
			print substr(line, RSTART, RLENGTH - 2)
			line = substr(line, RSTART + RLENGTH)
		}
	}
	/\*\// { on = 0 }' - doc/*.dox | sort -u >"$tmp/named"
comm -12 "$tmp/declared" "$tmp/named"
