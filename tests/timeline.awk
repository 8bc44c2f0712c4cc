# Turn the output of `queue_progression -t` (its lines and the queue's
# trace points) into a message sequence chart for Doxygen's \mscfile.
# golden.sh runs it on a fresh run and compares the chart with
# tests/golden/queue_progression.msc, so the timeline on the site is
# always the one the program really produces.

function label(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	return "[label=\"" s "\"]"
}

BEGIN {
	print "msc {"
	print "hscale=\"1.6\";"
	print "main [label=\"main()\"], queue [label=\"the queue\"],"
	print "A [label=\"request A\"], B [label=\"request B\"];"
}

/^  trace: attach [AB]$/ {
	print "main -> queue " label("add " $3 ": attach") ";"
	next
}
/^  trace: before [AB]$/ {
	print "queue => " $3 " " label("call the trigger") ";"
	next
}
/^  trace: detach [AB]$/ {
	print $3 " -> queue " label($3 "'s entry freed: detach") ";"
	next
}
/^  trigger [AB]: / {
	text = $0
	sub(/^  trigger [AB]: /, "", text)
	who = $2
	sub(/:$/, "", who)
	print who " box " who " " label("trigger " text) ";"
	next
}
/^  callback [AB]: / {
	text = $0
	sub(/^  callback [AB]: /, "", text)
	who = $2
	sub(/:$/, "", who)
	print who " -> main " label("callback: " text) ";"
	next
}
/^  timer: / || /^main: / {
	text = $0
	sub(/^ */, "", text)
	print "main rbox B " label(text) ";"
	next
}

END {
	print "}"
}
