# Reduce a valgrind memcheck report to the lines that do not change from
# run to run: the kind of each error, and for each part of it (where it
# happened, where the block was freed, where it was allocated) the named
# frames from the innermost one out to the first frame in the program.
# Addresses, sizes of blocks, process ids, line numbers, unnamed frames
# ("???") and valgrind's own malloc/free frames are left out.
#
# Only the first three errors are shown, then the count of all errors,
# by kind.
#
# Usage: awk -v prog=NAME -f tests/valgrind-reduce.awk REPORT

function flush_frame(func, where,    lib) {
	if (done || errors > 3 || func == "???")
		return
	if (where ~ /vgpreload/)
		return
	if (where ~ /^in \//) {
		lib = where
		sub(/^in .*\//, "", lib)
		if (lib == prog) {
			print "    " func
			done = 1
			return
		}
		sub(/\.so.*/, "", lib)
		print "    " func " (" lib ")"
		return
	}
	# "file.c:NN": a frame with debug information, in the program
	print "    " func
	done = 1
}

{
	sub(/^==[0-9]+== ?/, "")
}

/^(Invalid|Conditional|Use of|Syscall param|Mismatched|Source and)/ {
	errors += 1
	kind = $0
	sub(/ of size [0-9]+$/, "", kind)
	if (!(kind in count))
		kinds[++nkinds] = kind
	count[kind] += 1
	if (errors <= 3)
		print
	done = 0
	next
}
/^ *Address .* free'd$/ {
	if (errors <= 3)
		print "  freed in:"
	done = 0
	next
}
/^ *Block was alloc'd at$/ {
	if (errors <= 3)
		print "  allocated in:"
	done = 0
	next
}
/^ *Address / {
	if (errors <= 3)
		print "  (not in a freed block)"
	done = 1
	next
}
/^ *(at|by) 0x[0-9A-Fa-f]+: / {
	line = $0
	sub(/^ *(at|by) 0x[0-9A-Fa-f]+: /, "", line)
	func = line
	sub(/ \(.*$/, "", func)
	where = line
	sub(/^[^(]*\(/, "", where)
	sub(/\)$/, "", where)
	flush_frame(func, where)
	next
}

END {
	if (errors > 3)
		print "... and " (errors - 3) " more errors"
	line = "errors: " errors + 0
	for (i = 1; i <= nkinds; i++)
		line = line (i == 1 ? " (" : ", ") count[kinds[i]] " " kinds[i]
	print line (nkinds > 0 ? ")" : "")
}
