# Reduce the report of `valgrind --leak-check=full` to the lines that do
# not change from run to run: the heap summary's "in use at exit", each
# loss record with the stack that allocated it, the leak summary and the
# error summary. Left out: process ids, addresses, valgrind's banner, the
# "total heap usage" line (its counts depend on the program), and the
# frames of the program itself (from the first frame that is not in a
# shared library on). A library is named without its directory and
# version ("libtevent.so"), valgrind's own malloc as "(valgrind)".
#
# Usage: valgrind --leak-check=full PROG 2>&1 >/dev/null |
#            awk -f tests/valgrind-summary.awk

{
	sub(/^==[0-9]+== ?/, "")
}

/^HEAP SUMMARY:$/ || /^LEAK SUMMARY:$/ {
	print
	in_stack = 0
	next
}
/^ +in use at exit: / {
	print
	next
}
/ are (definitely|indirectly|possibly) lost in loss record / ||
/ are still reachable in loss record / {
	print
	in_stack = 1
	program = 0
	next
}
/^ *(at|by) 0x[0-9A-Fa-f]+: / {
	if (!in_stack || program)
		next
	line = $0
	word = line
	sub(/^ */, "", word)
	sub(/ .*/, "", word)
	sub(/^ *(at|by) 0x[0-9A-Fa-f]+: /, "", line)
	fn = line
	sub(/ \(.*$/, "", fn)
	where = line
	sub(/^[^(]*\(/, "", where)
	sub(/\)$/, "", where)
	if (where ~ /vgpreload/) {
		print "   " word " " fn " (valgrind)"
		next
	}
	if (where ~ /^in \/.*\.so/) {
		lib = where
		sub(/^in .*\//, "", lib)
		sub(/\.so.*/, ".so", lib)
		print "   " word " " fn " (" lib ")"
		next
	}
	program = 1	# the program's own frames: left out
	next
}
/^ +(definitely|indirectly|possibly) lost: / ||
/^ +still reachable: / || /^ +suppressed: / {
	print
	next
}
/^ERROR SUMMARY: / {
	print
	next
}
