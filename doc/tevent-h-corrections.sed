# Doxygen input filter for the installed /usr/include/tevent.h (0.14.1),
# applied after doc/tevent-h.sed. Where a sentence of the header says
# something libtevent does not do (checked on 0.14.1, 0.16.2 and 0.17.2,
# on every backend, by tests/test_header.c), this script adds a visible
# paragraph "Corrected by this site" to that comment, linking to the
# note on the page of upstream differences (doc/upstream_notes.dox,
# anchors hdr_*). It deletes and changes nothing: every rule inserts
# lines, and each matches exactly one place of the header.

# ---- The loop and the context ------------------------------------------

# tevent_loop_once(): "This will process any appropriate signal,
# immediate, fd and timer events" -- one call runs one step only.
/@brief Pass a single time through the mainloop/,/\*\//{
/^ \*\/$/i\
 *\
 * @par Corrected by this site\
 * One call runs one step, not every event that is ready: all pending\
 * signals, or else the first immediate, or else one due timer, or else\
 * it waits and runs one fd handler. A call can also return having run\
 * none of the caller's handlers (poll_mt wakes up for its own\
 * descriptor), so loop until what you wait for has happened.\
 * (@ref hdr_loop_once_one_step)
}

# tevent_loop_wait(): "will run until there are no events remaining" --
# before 0.17 an fd event with no flags is an event that never fires.
/@brief Run the mainloop/,/\*\//{
/^ \*\/$/i\
 *\
 * @par Corrected by this site\
 * On 0.14 and 0.16 an fd event whose flags are 0 still counts, so the\
 * loop never returns while one exists; 0.17 no longer counts it.\
 * (@ref hdr_loop_wait_no_flags)
}

# tevent_set_debug_stderr(): "For TEVENT_DEBUG_TRACE, please define a
# function for tevent_set_debug()" -- from 0.15 on that is not enough.
/Designate stderr for debug message output/,/\*\//{
/^ \*\/$/i\
 *\
 * @par Corrected by this site\
 * From 0.15 on, a function set with tevent_set_debug() gets no\
 * TEVENT_DEBUG_TRACE messages until tevent_set_max_debug_level() raises\
 * the level to TEVENT_DEBUG_TRACE; on 0.14 it gets every level.\
 * (@ref hdr_debug_trace_level)
}

# TEVENT_EVENT_TRACE_ATTACH: "just before the event is added" -- not so
# for queue entries.
/just before the event is added\.$/a\
\	 *\
\	 * @par Corrected by this site\
\	 * For timers, immediates and fd events it is reported inside the call\
\	 * that adds or schedules the event. A queue entry is reported after it\
\	 * was inserted: tevent_queue_length() already counts it.\
\	 * (@ref hdr_event_trace_attach)

# TEVENT_EVENT_TRACE_DETACH: "just before the event is removed" -- not so
# for a timer that fired or an immediate that ran.
/just before the event is removed\.$/a\
\	 *\
\	 * @par Corrected by this site\
\	 * For a timer that fires and an immediate that runs, it is reported\
\	 * after the handler has returned; the event left its list before the\
\	 * handler was called. For an event that is freed it is reported inside\
\	 * talloc_free(); for a queue entry, while the length still counts it.\
\	 * (@ref hdr_event_trace_detach)

# ---- Timers ------------------------------------------------------------

# tevent_add_timer(): "a timer set to run immediately will do so after any
# other pending timers fire, but before any further file descriptor or
# signal handling events fire".
/@brief Add a timed event/,/\*\//{
/^ \*\/$/i\
 *\
 * @par Corrected by this site\
 * A timer for the zero time, tevent_timeval_zero(), runs before the\
 * timers that are already due at a real time; one for the current time\
 * runs after them. Pending signals are handled before any timer.\
 * (@ref hdr_timer_run_at_once)
}

# tevent_update_timer(): "Set the time a tevent_timer fires" -- not from
# the timer's own handler.
/@brief Set the time a tevent_timer fires/,/\*\//{
/^ \*\/$/i\
 *\
 * @par Corrected by this site\
 * Called from the timer's own handler it does not keep the timer: tevent\
 * frees the timer when the handler returns, whatever time was set. Add a\
 * new timer there instead.\
 * (@ref hdr_update_timer_in_handler)
}

# tevent_timeval_until(): "the difference between the first and the
# second value" -- which way round, and never negative.
/@brief Get the difference between two timeval values\./,/\*\//{
/^ \*\/$/i\
 *\
 * @par Corrected by this site\
 * The result is tv2 minus tv1, the time from tv1 until tv2; when tv2 is\
 * not later than tv1 it is the zero timeval, never a negative one.\
 * (@ref hdr_timeval_until)
}

# ---- Immediates --------------------------------------------------------

# tevent_create_immediate(): "(before any other event occurs)" -- pending
# signals come first.
/Initialize an immediate event object/,/\*\//{
/^ \*\/$/i\
 *\
 * @par Corrected by this site\
 * Pending signals are handled first; then immediates run, one per loop\
 * turn in the order they were scheduled, before any timer or fd event.\
 * (@ref hdr_immediate_after_signals)
}

# tevent_schedule_immediate(): the same sentence.
/Schedule an event for immediate execution/,/\*\//{
/^ \*\/$/i\
 *\
 * @par Corrected by this site\
 * Pending signals are handled first; then immediates run, one per loop\
 * turn in the order they were scheduled, before any timer or fd event.\
 * (@ref hdr_immediate_after_signals)
}

# ---- File descriptor events --------------------------------------------

# tevent_fd_close_fn_t: "Called when tevent is ceasing the monitoring of a
# file descriptor" -- when the tevent_fd is freed.
/Called when tevent is ceasing the monitoring/,/\*\//{
/^ \*\/$/i\
 *\
 * @par Corrected by this site\
 * It is called when the tevent_fd is freed. If the event context is\
 * freed first, monitoring ends then, but the close function waits for\
 * the tevent_fd's own free, and is passed a NULL context.\
 * (@ref hdr_close_fn_when)
}

# tevent_fd_get_flags(): "Return the flags set on this file descriptor
# event" -- tevent may have cleared one itself.
/Return the flags set on this file descriptor event/,/\*\//{
/^ \*\/$/i\
 *\
 * @par Corrected by this site\
 * tevent may change them itself: when the descriptor of an event that\
 * asks for TEVENT_FD_WRITE alone reports an error, tevent clears\
 * TEVENT_FD_WRITE without calling the handler, and this returns 0.\
 * (@ref hdr_fd_write_error)
}

# TEVENT_FD_READ: "Monitor a file descriptor for data to be read" -- end
# of file counts too.
/Monitor a file descriptor for data to be read$/,/\*\//{
/^ \*\/$/i\
 *\
 * @par Corrected by this site\
 * The handler is also called with TEVENT_FD_READ at end of file, when\
 * the other end has closed: a read then returns 0.\
 * (@ref hdr_fd_read_eof)
}

# ---- Requests ----------------------------------------------------------

# The group's introduction names "tevent_add_timed", which does not exist.
/handlers called from tevent_add_fd\.$/a\
 *\
 * @par Corrected by this site\
 * There is no tevent_add_timed(): timer events are made with\
 * tevent_add_timer().\
 * (@ref hdr_add_timed)

# enum tevent_req_state: "An async request moves from TEVENT_REQ_INIT to
# TEVENT_REQ_IN_PROGRESS" -- no request is ever seen in TEVENT_REQ_INIT.
/An async request moves from TEVENT_REQ_INIT to/,/\*\//{
/^ \*\/$/i\
 *\
 * @par Corrected by this site\
 * No request is ever seen in TEVENT_REQ_INIT: tevent_req_create()\
 * returns it already in TEVENT_REQ_IN_PROGRESS.\
 * (@ref hdr_req_state_init)
}

# tevent_req_callback_data(): "@return The type casted private data set
# NULL if not set" -- it aborts instead.
/@brief Get the private data cast to the given type/,/\*\//{
/^ \*\/$/i\
 *\
 * @par Corrected by this site\
 * It never returns NULL: when no private data was set, it aborts the\
 * process (through talloc_get_type_abort()). Use\
 * tevent_req_callback_data_void() to get NULL.\
 * (@ref hdr_callback_data_abort)
}

# tevent_req_data(): "@return The private data or NULL if not set" -- it
# aborts once the state is gone.
/@brief Get the private data from a tevent request structure\./,/\*\//{
/^ \*\/$/i\
 *\
 * @par Corrected by this site\
 * It never returns NULL: after tevent_req_received() the state is gone,\
 * and it aborts the process.\
 * (@ref hdr_req_data_abort)
}

# tevent_req_set_cleanup_fn(): "@param fn A pointer to the cancel
# function", and "the cleanup function is only triggered the first time".
/@brief This function sets a cleanup function for the given tevent request\./,/\*\//{
/^ \*\/$/i\
 *\
 * @par Corrected by this site\
 * fn is the cleanup function, not a cancel function: tevent calls it\
 * with the request and the state the request has just entered.\
 * (@ref hdr_cleanup_fn_param)\
 *\
 * @par Corrected by this site\
 * When the cleanup function finishes the request again, the caller's\
 * callback runs twice, once per finish; and the cleanup function runs\
 * again when the new state comes later in enum tevent_req_state (an\
 * error after done).\
 * (@ref hdr_cleanup_again)
}

# tevent_req_create(): "@param type The name of the request" -- it is the
# type of the state.
/@brief Create an async tevent request\./,/\*\//{
/^ \*\/$/i\
 *\
 * @par Corrected by this site\
 * type is the type of the state structure, not a name: it gives the\
 * state its size, and its spelling (such as struct computation_state)\
 * becomes the talloc name of the state.\
 * (@ref hdr_req_create_type)
}

# tevent_req_is_error(): "True if the function could set error and state,
# false otherwise".
/@brief Get the tevent request state and the actual error set by/,/\*\//{
/^ \*\/$/i\
 *\
 * @par Corrected by this site\
 * It returns true for every state but TEVENT_REQ_DONE, a request still\
 * in progress included. It writes error only for TEVENT_REQ_USER_ERROR;\
 * when it returns false it writes neither.\
 * (@ref hdr_is_error_in_progress)
}

# tevent_req_set_profile(): "@return False if the profile could not be
# activated" -- and a second call fails the request.
/@brief Mark a tevent_req for profiling/,/\*\//{
/^ \*\/$/i\
 *\
 * @par Corrected by this site\
 * On a request that already has a profile it returns false and also\
 * finishes the request with the error EINVAL: its callback runs inside\
 * the call.\
 * (@ref hdr_set_profile_twice)
}

# tevent_wakeup_send(): the second listing calls tevent_set_callback(),
# which does not exist.
/tevent_set_callback(subreq, my_callback_wakeup_done, req);/,/@endcode/{
/@endcode/a\
 *\
 * @par Corrected by this site\
 * There is no tevent_set_callback(): the listing means\
 * tevent_req_set_callback(). (The handler's parameter also needs its\
 * struct keyword: struct tevent_req *subreq.)\
 * (@ref hdr_wakeup_listing)
}

# ---- Queues ------------------------------------------------------------

# The group's introduction: "every request must individually be completed
# before the next one begins" -- completing is not enough.
/even if multiple syscalls are required\.$/a\
 *\
 * @par Corrected by this site\
 * The next request is triggered only when the active request's queue\
 * entry is freed, normally by freeing the request: a request that has\
 * finished but is not freed still holds the queue.\
 * (@ref hdr_queue_next_after_free)

# tevent_queue_add_optimize_empty(): "may calls the trigger function
# directly" -- says not when.
/@brief Add a tevent request to the queue using a possible optimization\./,/\*\//{
/^ \*\/$/i\
 *\
 * @par Corrected by this site\
 * The direct call happens only when the queue is empty and running and\
 * the request has no callback yet; otherwise the trigger runs from the\
 * event loop. Either way the entry is inserted and counted.\
 * (@ref hdr_optimize_empty_when)
}

# tevent_queue_add_entry(): declared a function here (0.14); from 0.15 on
# the header makes it a macro whose text ends in a semicolon.
/is the only difference to tevent_queue_add()\.$/a\
 *\
 * @par Corrected by this site\
 * From tevent 0.15 on, tevent.h defines this as a macro that ends in a\
 * semicolon, so a call cannot stand inside an expression (an if\
 * condition, an assertion): assign the result to a variable first.\
 * (@ref hdr_add_entry_macro)

# ---- Threads -----------------------------------------------------------

# tevent_threaded_context_create(): "tevent will abort if ev is
# talloc_free'ed with an active tevent_threaded_context" -- it does not.
/@brief Create a context for threaded activation of immediates/,/\*\//{
/^ \*\/$/i\
 *\
 * @par Corrected by this site\
 * Freeing the event context first does not abort: later calls of\
 * tevent_threaded_schedule_immediate() through the threaded context do\
 * nothing. What aborts is freeing an immediate that was on its way.\
 * (@ref upstream_thread_header)
}

# tevent_thread_proxy_create(): the event context "must have been
# allocated on the NULL context", with talloc_disable_null_tracking() --
# the proxy works without either.
/@brief Create a tevent_thread_proxy for message passing between threads\./,/\*\//{
/^ \*\/$/i\
 *\
 * @par Corrected by this site\
 * Neither is needed: the proxy works on an event context that is a\
 * talloc child of another, with null tracking on. What matters is that\
 * one thread at a time uses a talloc tree.\
 * (@ref upstream_thread_header)
}
