# The tevent_queue tutorial: examples, tests and the Doxygen site.
#
#   make                 install missing Debian packages, build every
#                        example and the site (build/html/index.html)
#   make check           the whole test suite
#   make update-golden   rewrite tests/golden/*.out from the examples
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

# Debian packages the build and the tests need (tests/deps.sh).
DEB_PACKAGES = make gcc binutils pkg-config libtevent-dev libtalloc-dev \
	libcmocka-dev doxygen graphviz doxygen-awesome-css valgrind \
	chromium nodejs

B = build
EXAMPLES = $(patsubst examples/%.c,%,$(wildcard examples/*.c))
EXAMPLE_BINS = $(addprefix $(B)/examples/,$(EXAMPLES))
SITE_INPUTS = Doxyfile $(wildcard doc/*) $(wildcard examples/*.c) \
	$(wildcard tests/golden/*) $(wildcard tests/*.[ch])

ifeq ($(V),1)
Q =
else
Q = @
endif

.PHONY: all deps examples site check update-golden clean \
	check-backends check-valgrind check-asan check-leaks check-oom \
	check-repeat check-args check-site

all: examples site
	@echo "site: $(abspath $(B)/html/index.html)"

deps:
	$(Q)sh tests/deps.sh $(DEB_PACKAGES)

examples: $(EXAMPLE_BINS)

$(B)/examples/%: examples/%.c | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS) $(WARNFLAGS) -o $@ $< $(PKG_CFLAGS) $(PKG_LIBS)

# For the valgrind goldens: fixed flags, so the frames valgrind names do
# not depend on the CFLAGS of the day.
VG_CFLAGS = -g -O0
$(B)/vg/%: examples/%.c | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(VG_CFLAGS) $(WARNFLAGS) -o $@ $< $(PKG_CFLAGS) $(PKG_LIBS)

# check-asan: AddressSanitizer and UBSan.
ASAN_CFLAGS = -g -O1 -fsanitize=address,undefined -fno-omit-frame-pointer
$(B)/asan/%: examples/%.c | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(ASAN_CFLAGS) $(WARNFLAGS) -o $@ $< $(PKG_CFLAGS) $(PKG_LIBS)

# Prints the backends of the installed libtevent, one a line.
$(B)/backends: tests/backends.c | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS) $(WARNFLAGS) -o $@ $< $(PKG_CFLAGS) $(PKG_LIBS)

# The preloaded helpers of check-oom and check-leaks.
$(B)/failmalloc.so: tests/failmalloc.c | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) -shared -fPIC -O2 $(WARNFLAGS) -o $@ $< -ldl
$(B)/leakcheck.so: tests/leakcheck.c | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) -shared -fPIC -O2 $(WARNFLAGS) -o $@ $< $(PKG_CFLAGS) $(PKG_LIBS)

$(B)/tests/%: tests/%.c tests/fixture.c tests/fixture.h | deps
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS) $(WARNFLAGS) -o $@ $< tests/fixture.c \
		$(PKG_CFLAGS) $(shell pkg-config --cflags --libs cmocka) \
		$(PKG_LIBS)

site: $(B)/html/index.html

# The page on testing shows numbers measured on these binaries.
$(B)/html/index.html: $(SITE_INPUTS) $(EXAMPLE_BINS) $(B)/backends \
		$(B)/failmalloc.so tests/run-tests.sh tests/gen-numbers.sh | deps
	$(Q)sh tests/doxygen.sh $(B)

check: deps
	$(Q)bash tests/run-tests.sh

# The parts of `make check` that take longer, each runnable alone.
check-backends: deps
	$(Q)bash tests/run-tests.sh 'backend:*'
check-valgrind: deps
	$(Q)bash tests/run-tests.sh 'valgrind:*'
check-asan: deps
	$(Q)bash tests/run-tests.sh 'asan:*'
check-leaks: deps
	$(Q)bash tests/run-tests.sh 'leaks:*'
check-oom: deps
	$(Q)bash tests/run-tests.sh 'oom:*'
check-repeat: deps
	$(Q)bash tests/run-tests.sh 'repeat:*'
check-args: deps
	$(Q)bash tests/run-tests.sh 'args:*'
check-site: deps
	$(Q)bash tests/run-tests.sh 'browser:*'

# check-site drives Debian's Chromium with playwright-core, installed from
# the npm registry at the version that tests/site/package-lock.json pins.
$(B)/.site-deps: tests/site/package.json tests/site/package-lock.json | deps
	@mkdir -p $(@D)
	$(Q)cd tests/site && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

update-golden: examples
	$(Q)for e in $(EXAMPLES); do bash tests/golden.sh update $$e; done

clean:
	rm -rf $(B)
