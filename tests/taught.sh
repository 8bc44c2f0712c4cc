#!/bin/sh
# The functions of tevent.h that the chapters teach, one a line: those
# declared in the installed header (macros included) and named, as
# NAME(), on a page of the learning path (doc/nav.sh --path).
# lint:api-coverage checks that an example uses each; the browser check
# that each one's reference entry lists its examples.
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# declarations only, not the header's comments (" * ...")
grep -v '^ \*' /usr/include/tevent.h | grep -oE '\b_?_?tevent_[a-z0-9_]+\(' |
	tr -d '(' | sed 's/^_*//' | sort -u >"$tmp/declared"
for page in $(sh doc/nav.sh --path); do
	# the page's own comment block
	awk -v p="$page" '
		/^@page[ \t]/ { on = ($2 == p) }
		on { print }
		on && /\*\// { on = 0 }' doc/*.dox
done | grep -oE '\btevent_[a-z0-9_]+\(\)' | tr -d '()' | sort -u >"$tmp/named"
comm -12 "$tmp/declared" "$tmp/named"
