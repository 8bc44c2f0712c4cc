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
