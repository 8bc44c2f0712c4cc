# Doxygen input filter for the installed /usr/include/tevent.h (0.14.1).
# The system header is never edited: Doxygen reads it through this sed
# script (FILTER_PATTERNS in the Doxyfile). Each rule removes one warning
# that comes from a glitch in the upstream comments, not from our pages.
# No rule changes code, and none changes the text a reader sees except
# where the upstream text names the wrong thing.

# The header closes its groups with "/* @} */", a plain comment that
# Doxygen ignores, so every group stays open to the end of the file
# ("end of file while inside a group"). Make the closers doc comments.
s|^/\* @} \*/$|/** @} */|

# tevent_signal_set_tag() documents a parameter "fde"; it is called "se".
s|^ \* @param\[in\]  fde  The signal event\.$| * @param[in]  se   The signal event.|

# tevent_req_defer_callback() returns void but documents a return value
# (copied from tevent_req_post()). Drop that one @return line.
/@brief Finish multiple requests within one function/,/\*\//{
/@return  *The given request will be returned\./d
}

# tevent_req_profile_get_status() does not document its first parameter.
/@brief Get a profile's result data/,/\*\//{
/^ \* @param\[in\] pid  /i\
 * @param[in] profile    The profile to be queried
}

# tevent_queue_entry_untrigger() documents "queue_entry"; it is "entry".
s|^ \* @param\[in\]  queue_entry The queue entry to rearm\.$| * @param[in]  entry The queue entry to rearm.|

# The comments of tevent_threaded_context_create() and
# tevent_threaded_schedule_immediate() open with "/*", so Doxygen does
# not read them, and the entries of the thread functions would show no
# text. Make them doc comments.
/^\/\*$/{
N
s|^/\*\n\( \* @brief Create a context for threaded activation of immediates\)$|/**\n\1|
s|^/\*\n\( \* @brief Activate an immediate from a thread\)$|/**\n\1|
}

# The thread functions sit inside the queue group (its closer comes after
# them): give them a group of their own, closed by that closer.
/^typedef int (\*tevent_nesting_hook)(struct tevent_context \*ev,$/,/;$/{
/;$/a\
\
/** @} */\
\
/**\
 * @defgroup tevent_threads The tevent thread functions\
 * @ingroup tevent\
 *\
 * Passing work between threads: a thread proxy, and threaded contexts\
 * through which another thread schedules an immediate event on a\
 * context.\
 *\
 * @{\
 */
}
