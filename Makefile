# The tevent tutorial: examples, tests and the Doxygen site.
#
#   make                 install missing Debian packages, build every
#                        example and the site (build/html/index.html)
#   make check           the whole test suite, on every core
#   make check T=PATTERN only the tests whose names match the shell
#                        pattern, e.g. T='golden:*' (tests/units.sh)
#   make check-quick     the edit loop: builds, goldens, claims, lint, site
#   make check-PART      one part: backends, versions, valgrind, asan,
#                        tsan, leaks, oom, repeat, args, site, perf,
#                        exercises (their checkers, proven)
#   make exercise        the exercises (exercises/), with your status
#   make exercise NAME=x check your exercises/x/start.c
#   make update-golden   rewrite tests/golden/*.out from the examples
#   make bench           the benchmarks of tests/bench: prints their tables
#                        and rewrites tests/bench/results.txt (minutes;
#                        not part of make check)
#   make clean
#
# V=1 shows the commands. CFLAGS may be overridden; the warning flags
# the examples must pass are kept apart in WARNFLAGS.

CC ?= cc
CFLAGS ?= -g -O2
WARNFLAGS = -Wall -Wextra -Werror
PKGS = tevent talloc
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))
CMOCKA = $(shell pkg-config --cflags --libs cmocka)
# For the tests (tests/matrix.sh): the version of the installed libtevent.
export TEVENT_VERSION := $(shell pkg-config --modversion tevent 2>/dev/null)

# Every core, for the build and for the tests, and one job more: the
# tests spend part of their time waiting on millisecond timers and on
# the network (measured on a 2-core machine: make check takes 8% less
# time with 3 jobs than with 2).
MAKEFLAGS += -j$(shell echo $$(($$(nproc) + 1)))

# Prerequisites may be computed from the target's stem ($$*): the claim
# tests' includes, the programs of each tevent version, the programs
# each test needs.
.SECONDEXPANSION:

# Debian packages the build and the tests need (tests/deps.sh).
DEB_PACKAGES = make gcc binutils pkg-config libtevent-dev libtalloc-dev \
	libcmocka-dev doxygen graphviz doxygen-awesome-css valgrind \
	chromium nodejs debian-archive-keyring util-linux \
	gnuplot-nox strace patch

B = build
EXAMPLES = $(patsubst examples/%.c,%,$(wildcard examples/*.c))
EXAMPLE_BINS = $(addprefix $(B)/examples/,$(EXAMPLES))
# The exercises; each one's reference solution is a program too, built
# and tested as an example is: build/examples/exercise_NAME.
EXERCISES = $(patsubst exercises/%/check.conf,%,$(wildcard exercises/*/check.conf))
SOLUTION_BINS = $(addprefix $(B)/examples/exercise_,$(EXERCISES))
# $(call src_of,NAME): the source of a program.
src_of = $(if $(filter exercise_%,$(1)),tests/exercises/$(patsubst \
	exercise_%,%,$(1))/solution.c,examples/$(1).c)
SITE_INPUTS = Doxyfile $(wildcard doc/*) $(wildcard examples/*.c) \
	$(wildcard exercises/*/README.md exercises/*/start.c exercises/*/check.conf \
	tests/exercises/*/solution.c) \
	$(wildcard tests/golden/*) $(wildcard tests/*.[ch] tests/gen-*.sh) tests/doxygen.sh \
	tests/bench/results.txt tests/bench/gen-perf.sh tests/bench/tables.awk

ifeq ($(V),1)
Q =
else
Q = @
endif

.PHONY: all deps examples solutions exercise site update-golden clean \
	FORCE check-start \
	check check-quick check-backends check-versions check-valgrind \
	check-asan check-tsan check-leaks check-oom check-repeat check-args \
	check-site check-perf check-exercises bench

all: examples solutions site
	@echo "site: $(abspath $(B)/html/index.html)"

deps:
	$(Q)$(if $(DEPS_DONE),:,sh tests/deps.sh $(DEB_PACKAGES))

# ---- building ------------------------------------------------------------

# $(call cc,FLAGS,SOURCES,LIBS): compile SOURCES into $@. In a test run
# (CHECK is set) a failure is left in $@.log for the tests to report,
# and make goes on with the rest; otherwise it stops make.
define cc
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)rm -f $@; $(CC) $(1) $(WARNFLAGS) -o $@ $(2) $(3) >$@.log 2>&1; \
	s=$$?; cat $@.log; [ $$s -eq 0 ] || [ -n "$(CHECK)" ]
endef

# For the valgrind goldens: fixed flags, so the frames valgrind names do
# not depend on the CFLAGS of the day.
VG_CFLAGS = -g -O0
# check-asan: AddressSanitizer and UBSan.
ASAN_CFLAGS = -g -O1 -fsanitize=address,undefined -fno-omit-frame-pointer
# check-tsan: ThreadSanitizer, for the examples that start threads.
TSAN_CFLAGS = -g -O1 -fsanitize=thread

examples: $(EXAMPLE_BINS)
solutions: $(SOLUTION_BINS)

$(B)/examples/%: $$(call src_of,$$*) | deps
	$(call cc,$(CFLAGS),$<,$(PKG_CFLAGS) $(PKG_LIBS))
$(B)/vg/%: $$(call src_of,$$*) | deps
	$(call cc,$(VG_CFLAGS),$<,$(PKG_CFLAGS) $(PKG_LIBS))
$(B)/asan/%: $$(call src_of,$$*) | deps
	$(call cc,$(ASAN_CFLAGS),$<,$(PKG_CFLAGS) $(PKG_LIBS))
$(B)/tsan/%: $$(call src_of,$$*) | deps
	$(call cc,$(TSAN_CFLAGS),$<,$(PKG_CFLAGS) $(PKG_LIBS))
# The claim tests, with their shared fixture. A test file may include an
# example (test_debug.c does): TEST_INCLUDES lists what each includes.
TEST_INCLUDES = $(shell sed -n 's|^\#include "\.\./\(examples/[a-z_]*\.c\)"|\1|p' tests/$(1).c)
$(B)/tests/%: tests/%.c tests/fixture.c tests/fixture.h \
		$$(call TEST_INCLUDES,$$*) | deps
	$(call cc,$(CFLAGS),$< tests/fixture.c,$(PKG_CFLAGS) $(CMOCKA) $(PKG_LIBS))
# Prints the backends of the libtevent it runs on, one a line.
$(B)/backends: tests/backends.c | deps
	$(call cc,$(CFLAGS),$<,$(PKG_CFLAGS) $(PKG_LIBS))
# The preloaded helpers of check-oom and check-leaks.
$(B)/failmalloc.so: tests/failmalloc.c | deps
	$(call cc,-shared -fPIC -O2,$<,-ldl)
$(B)/leakcheck.so: tests/leakcheck.c | deps
	$(call cc,-shared -fPIC -O2,$<,$(PKG_CFLAGS) $(PKG_LIBS))

# The other tevents (tests/versions.sh fetches each suite's packages into
# build/versions/SUITE): build/v/SUITE/KIND/NAME is built like
# build/KIND/NAME, against that suite's headers and libraries, and runs
# on them. The fetch runs on every test run that needs the suite, and
# changes build/versions/SUITE/version only when the suite serves a new
# version (or could not be fetched: then nothing is built, and the tests
# say SKIP with the reason).
w = $(word $(1),$(subst /, ,$(2)))
v_src = $(if $(filter tests,$(1)),tests/$(2).c tests/fixture.c tests/fixture.h \
	$(call TEST_INCLUDES,$(2)),$(if \
	$(filter backends,$(1)),tests/backends.c,$(call src_of,$(2))))
# (The programs of the other versions are built without optimization:
# they are there to run, and the installed version's build, with
# CFLAGS, is the one whose warnings count; -O0 compiles a quarter
# faster, and the suite builds a few hundred of them.)
V_CFLAGS = -O0
v_flags = $(if $(filter vg,$(1)),$(VG_CFLAGS),$(if $(filter asan,$(1)),$(ASAN_CFLAGS),$(V_CFLAGS)))
# Both suites in one job (the fetch waits on the network, and a job slot
# of make's is a core).
$(B)/versions/fetched: FORCE
	$(Q)bash tests/versions.sh
$(B)/versions/%/version: $(B)/versions/fetched ;
$(B)/v/%: $$(call v_src,$$(call w,2,$$*),$$(call w,3,$$*)) \
		$(B)/versions/$$(call w,1,$$*)/version | deps
	@d=$(B)/versions/$(call w,1,$*); [ -f $$d/libs ] || exit 0; \
	mkdir -p $(@D); $(if $(Q),echo "  CC      $@";) \
	rm -f $@; $(CC) $(call v_flags,$(call w,2,$*)) $$(cat $$d/cflags) \
		$(WARNFLAGS) -o $@ $(if $(filter tests,$(call w,2,$*)),$(filter \
		tests/%.c,$^),$(filter %.c,$^)) \
		$(if $(filter tests,$(call w,2,$*)),$(CMOCKA)) $$(cat $$d/libs) \
		>$@.log 2>&1; \
	s=$$?; cat $@.log; [ $$s -eq 0 ] || [ -n "$(CHECK)" ]

# The exercises (exercises/check.sh): the probe the checker preloads into
# the learner's program, to count the calls it makes.
$(B)/exercises/probe.so: exercises/probe.c | deps
	$(call cc,-shared -fPIC -O2,$<,$(PKG_CFLAGS) -ldl)

exercise: deps $(B)/exercises/probe.so $(B)/failmalloc.so
	$(Q)bash exercises/check.sh $(NAME)

# The benchmarks (tests/bench): each bench_*.c a program, and ir_queue.c
# the one that callgrind counts, all with the request paths of
# tests/bench/requests.c. Fixed flags: the Ir baseline of the guard
# (perf:ir-queue) holds for these only.
BENCH_CFLAGS = -g -O2 -pthread
BENCH_BINS = $(patsubst tests/bench/%.c,$(B)/bench/%,$(wildcard \
	tests/bench/bench_*.c tests/bench/ir_queue.c))
$(B)/bench/%: tests/bench/%.c tests/bench/requests.c tests/bench/requests.h \
		tests/bench/bench.h | deps
	$(call cc,$(BENCH_CFLAGS),$< tests/bench/requests.c,$(PKG_CFLAGS) $(PKG_LIBS))

bench: $(BENCH_BINS)
	$(Q)bash tests/bench/run.sh $(B)

site: $(B)/html/index.html

# The page on testing shows numbers measured on these binaries. In a test
# run (CHECK) a failed build is reported by the test site:doxygen.
$(B)/html/index.html: $(SITE_INPUTS) $(EXAMPLE_BINS) $(B)/backends \
		$(B)/failmalloc.so tests/units.sh tests/gen-numbers.sh | deps
	$(Q)sh tests/doxygen.sh $(B) || [ -n "$(CHECK)" ]


# ---- the tests -------------------------------------------------------------
#
# Each test is one target, build/check/PART/.../NAME.res, made by
# tests/unit.sh (tests/units.sh lists them all): make's job server runs
# them on every core, each after the programs it needs are built. Each
# prints a line of progress; the goal's own recipe then prints the report
# of every failure, in order, and the count (tests/summary.sh).

R = $(B)/check
CHECK_GOALS = check check-quick check-backends check-versions \
	check-valgrind check-asan check-tsan check-leaks check-oom \
	check-repeat check-args check-site check-perf check-exercises
pattern_check = $(or $(T),*)
pattern_check-quick = build:* golden:* claims:* lint:* site:doxygen
pattern_check-backends = backend:* backends:*
pattern_check-versions = versions:*
pattern_check-valgrind = valgrind:*
pattern_check-asan = asan:*
pattern_check-tsan = tsan:*
pattern_check-leaks = leaks:*
pattern_check-oom = oom:*
pattern_check-repeat = repeat:*
pattern_check-args = args:*
pattern_check-site = site:* browser:*
pattern_check-perf = perf:*
pattern_check-exercises = exercise:*

GOAL := $(firstword $(filter $(CHECK_GOALS),$(MAKECMDGOALS)))
ifneq ($(GOAL),)
# A test run installs what is missing first, as it reads this file. As
# a target running beside the tests, deps would hold back what waits for
# it behind all of them: make leaves a target whose prerequisite is
# still being made for its next pass over the goal's list.
DEPS_DONE := $(shell sh tests/deps.sh $(DEB_PACKAGES) >&2 && echo done)
ifeq ($(DEPS_DONE),)
$(error tests/deps.sh could not install the packages the tests need)
endif
UNITS := $(shell bash tests/units.sh $(foreach p,$(pattern_$(GOAL)),'$(p)'))
RESULTS := $(addprefix $(R)/,$(addsuffix .res,$(subst :,/,$(UNITS))))
endif

$(CHECK_GOALS): CHECK = 1
# The other tevents come first: their fetch waits on the network.
# (A test whose prerequisite is still being made when make first comes
# to it waits for make's next pass over the list, after every other test
# has started: so the browser check, the longest test, depends on the
# built site only, a file, and installs playwright-core itself.)
EARLY = $(if $(filter versions:%,$(UNITS)),$(B)/versions/fetched)
$(CHECK_GOALS): deps $(EARLY) $(RESULTS)
	$(Q)bash tests/summary.sh $(R) $(R)/units

# Before a run: forget the results of the tests about to run (those of
# the others stay: the compatibility page reads the latest of each).
check-start:
	@mkdir -p $(R)
	@rm -f $(R)/.count
	@printf '%s\n' $(UNITS) >$(R)/units
	@sed 's|:|/|g; s|^|$(R)/|; s|$$|.res|' $(R)/units | xargs rm -f
	@sed 's|:|/|g; s|^|$(R)/|; s|/[^/]*$$||' $(R)/units | sort -u | xargs mkdir -p
	@echo "$(words $(UNITS)) tests on $(shell nproc) cores"

# What each test needs built, by its name (tests/units.sh).
bin_of = $(if $(filter test_%,$(2)),$(1)/tests/$(2),$(1)/examples/$(2))
needs = $(call needs_$(call w,1,$(1)),$(1))
needs_site = $(if $(filter compat,$(call w,2,$(1))),$(COMPAT_RESULTS),$(B)/html/index.html)
# site:compat puts the results into the built compatibility page, after
# the tests it counts, once the site is built.
COMPAT_RESULTS = $(R)/site/doxygen.res $(filter $(addprefix $(R)/,$(addsuffix \
	/%,versions build golden backends args valgrind asan)),$(RESULTS))
needs_browser = $(B)/html/index.html
# perf:ir-queue, the Ir guard of the queue path (tests/bench/ir-check.sh)
needs_perf = $(B)/bench/ir_queue
needs_build = $(call bin_of,$(B),$(call w,2,$(1)))
# (the valgrind build only where a valgrind golden is)
vg_of = $(if $(wildcard tests/golden/$(2).valgrind tests/golden/$(2)@*.valgrind),$(1)/vg/$(2))
needs_golden = $(B)/examples/$(call w,2,$(1)) $(call vg_of,$(B),$(call w,2,$(1)))
needs_args = $(B)/examples/$(call w,2,$(1))
needs_exercise = $(B)/exercises/probe.so $(B)/failmalloc.so
needs_claims = $(B)/tests/$(call w,2,$(1))
needs_backend = $(B)/backends
needs_backends = $(call bin_of,$(B),$(call w,2,$(1)))
needs_valgrind = $(B)/examples/$(call w,2,$(1))
needs_asan = $(B)/asan/$(call w,2,$(1))
needs_tsan = $(B)/tsan/$(call w,2,$(1))
needs_leaks = $(B)/examples/$(call w,2,$(1)) $(B)/leakcheck.so
needs_oom = $(B)/examples/$(call w,2,$(1)) $(B)/asan/$(call w,2,$(1)) \
	$(B)/failmalloc.so
needs_repeat = $(B)/examples/$(call w,2,$(1))
needs_versions = $(call vneeds_$(call w,3,$(1)),$(B)/v/$(call w,2,$(1)),$(1))
vneeds_backends = $(1)/backends
vneeds_claims = $(1)/tests/$(call w,4,$(2))
vneeds_example = $(1)/examples/$(call w,4,$(2)) \
	$(call vg_of,$(1),$(call w,4,$(2)))

$(R)/%.res: $$(call needs,$$*) FORCE | check-start
	@bash tests/unit.sh $(subst /,:,$*)
# (exported, so that make runs the test without a shell in between)
export CHECK_DIR = $(if $(GOAL),$(R))
export CHECK_TOTAL = $(words $(UNITS))

FORCE:
# Keep the programs the tests needed: they are not intermediate files.
.SECONDARY:

update-golden: examples
	$(Q)for e in $(EXAMPLES); do bash tests/golden.sh update $$e; done

clean:
	rm -rf $(B)
