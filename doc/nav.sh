#!/bin/sh
# Doxygen input filter for doc/*.dox (FILTER_PATTERNS in the Doxyfile):
# the "Previous and next" links at the end of every page on the learning
# path, made from the path itself, so that they cannot go stale.
#
#   doc/nav.sh FILE          FILE as Doxygen should read it
#   doc/nav.sh --path        the path: the page ids, one a line, in order
#
# The path is the main page's numbered list of \subpage lines ("-#
# \subpage ID"), each page followed, depth first, by the pages of its own
# numbered \subpage list: the chapters, and in each its lessons. Pages
# listed with bullets ("- \subpage") are reference pages, off the path.
# Each page on the path gets, before the end of its comment, a box with
# a link to the page before it and to the page after it (HTML, not a
# section: a section of a chapter page would show in the sidebar's
# tree); the main page, a link to the first.
set -eu
cd "$(dirname "$0")/.."

path() {
	awk '
		/^[ \t]*[@\\]mainpage/ { page = "index" }
		/^[ \t]*[@\\]page[ \t]/ { page = $2 }
		/^[ \t]*-#[ \t]*[@\\]subpage[ \t]/ {
			kids[page] = kids[page] " " $3
		}
		function walk(p,    n, k, i) {
			if (p != "index") print p
			n = split(kids[p], k, " ")
			for (i = 1; i <= n; i++) walk(k[i])
		}
		END { walk("index") }' doc/*.dox
}

if [ "$1" = --path ]; then
	path
	exit 0
fi

path | awk -v file="$1" '
	NR == FNR { order[++n] = $1; at[$1] = n; next }
	/^[ \t]*[@\\]mainpage/ { mainpage = 1 }
	/\*\// && mainpage {
		# the main page: where the path starts
		print ""
		print "<div class=\"prevnext\">"
		print "<span class=\"next\">Start: \\ref " order[1] "</span>"
		print "</div>"
		print ""
		mainpage = 0
	}
	/^[ \t]*[@\\]page[ \t]/ { page = $2 }
	/\*\// && (page in at) {
		i = at[page]
		print ""
		print "<div class=\"prevnext\">"
		print "<span class=\"prev\">Previous: \\ref " \
			(i > 1 ? order[i - 1] : "index") "</span>"
		if (i < n)
			print "<span class=\"next\">Next: \\ref " order[i + 1] "</span>"
		print "</div>"
		print ""
		delete at[page]
	}
	{ print }' - "$1"
