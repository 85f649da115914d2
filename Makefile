# FedState - scheduler and ops controller for stateful middleware on Karmada.
#
#   make            build the fedstate binary, every plugin and the tests
#   make run        the real control loop: the daemons against the test API
#                   server as an embedded control plane, on the demo fleet
#   make simulate   the same demo offline (fedstate simulate)
#   make test       build and run every test suite
#   make asan       the same suites under ASan + UBSan (in build-asan/)
#   make valgrind   the unit suites under valgrind
#   make fuzz       every libFuzzer target for a bounded time (clang)
#   make bench      benchmarks (optimised build in build-bench/)
#   make install PREFIX=/usr/local
#
# Sources are found by convention, so adding a file needs no Makefile edit:
#   core/<part>/*.c        -> build/lib/libfedstate-core.a (core/cmd is the CLI)
#   plugins/<name>/*.c     -> build/plugins/<name>.so (extra link flags in
#                             plugins/<name>/plugin.mk as LIBS_<name>)
#   tests/unit/test_*.c    -> build/tests/test_* (one cmocka suite each;
#                             tests/unit/lib/*.c are shared helpers)
#   tests/plugins/*.c      -> build/tests/plugins/*.so (loader fixtures)
#   tests/testapi/*.c      -> build/bin/fedstate-testapi
#   tests/fuzz/fuzz_*.c    -> build-fuzz/fuzz_* (make fuzz)

BUILD    ?= build
PREFIX   ?= /usr/local
CC       ?= cc
SANITIZE ?=
OPT      ?= -O2 -g

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-missing-field-initializers
CSTD     := -std=c11 -D_GNU_SOURCE
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) -Iapi -Icore -MMD -MP $(SANFLAGS) $(EXTRA_CFLAGS)
LIBS     := -lcurl -lcjson -lyaml -lev -ldl -lpthread -lm
TESTLIBS := -lcmocka

ifneq ($(SANITIZE),)
SANFLAGS := -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
PLUGIN_DEFS :=
else
SANFLAGS :=
PLUGIN_DEFS := -Wl,-z,defs
endif
PLUGIN_CFLAGS = $(CFLAGS_ALL) -fPIC -fvisibility=hidden
PLUGIN_LDFLAGS = -shared $(PLUGIN_DEFS) -Wl,-z,now -Wl,-z,relro -Wl,--as-needed $(SANFLAGS)

# ---------------------------------------------------------------- sources
CORE_SRCS   := $(filter-out core/cmd/%,$(wildcard core/*/*.c))
CMD_SRCS    := $(wildcard core/cmd/*.c)
PLUGIN_DIRS := $(patsubst plugins/%/,%,$(dir $(wildcard plugins/*/*.c)))
PLUGIN_NAMES := $(sort $(PLUGIN_DIRS))
TEST_SRCS   := $(wildcard tests/unit/test_*.c)
TESTLIB_SRCS := $(wildcard tests/unit/lib/*.c)
TPLUG_SRCS  := $(wildcard tests/plugins/*.c)
TESTAPI_SRCS := $(wildcard tests/testapi/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
CORE_LIB    := $(BUILD)/lib/libfedstate-core.a
FEDSTATE    := $(BUILD)/bin/fedstate
TESTAPI     := $(BUILD)/bin/fedstate-testapi
PLUGINS     := $(patsubst %,$(BUILD)/plugins/%.so,$(PLUGIN_NAMES))
TESTS       := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(TEST_SRCS))
TPLUGINS    := $(patsubst tests/plugins/%.c,$(BUILD)/tests/plugins/%.so,$(TPLUG_SRCS))
DEPS_STAMP  := $(BUILD)/.deps-ok

.PHONY: all run simulate test check asan valgrind fuzz chaos bench install clean deps
# objects are intermediates of pattern rules: keep them between runs
.SECONDARY:
all: $(FEDSTATE) $(PLUGINS) $(if $(TESTAPI_SRCS),$(TESTAPI)) $(TESTS) $(TPLUGINS)

# ---------------------------------------------------------------- deps
# Installs missing Debian packages when run as root; otherwise prints the
# exact apt-get line and stops.
deps: $(DEPS_STAMP)
$(DEPS_STAMP): .ci/ensure-deps
	@sh .ci/ensure-deps
	@mkdir -p $(@D) && touch $@

# ---------------------------------------------------------------- rules
$(BUILD)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/pobj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(PLUGIN_CFLAGS) -c $< -o $@

$(CORE_LIB): $(call obj,$(CORE_SRCS))
	@mkdir -p $(@D)
	@rm -f $@
	ar rcs $@ $^

$(FEDSTATE): $(call obj,$(CMD_SRCS)) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(SANFLAGS) -o $@ $(call obj,$(CMD_SRCS)) $(CORE_LIB) $(LIBS)

$(TESTAPI): $(call obj,$(TESTAPI_SRCS)) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(SANFLAGS) -o $@ $(call obj,$(TESTAPI_SRCS)) $(CORE_LIB) $(LIBS)

# one .so per plugins/<name>/ folder
-include $(wildcard plugins/*/plugin.mk)
define plugin_rule
$(BUILD)/plugins/$(1).so: $(patsubst %.c,$(BUILD)/pobj/%.o,$(wildcard plugins/$(1)/*.c))
	@mkdir -p $$(@D)
	$$(CC) $$(PLUGIN_LDFLAGS) -o $$@ $$^ $$(LIBS_$(1))
endef
$(foreach p,$(PLUGIN_NAMES),$(eval $(call plugin_rule,$(p))))

# loader fixtures: one .so per file; tests/plugins/<name>.mk may override
$(BUILD)/tests/plugins/%.so: $(BUILD)/pobj/tests/plugins/%.o
	@mkdir -p $(@D)
	$(CC) $(PLUGIN_LDFLAGS) -o $@ $< $(TPLUG_LDFLAGS_$*)
-include tests/plugins/fixtures.mk

$(BUILD)/tests/test_%: $(BUILD)/obj/tests/unit/test_%.o $(call obj,$(TESTLIB_SRCS)) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(SANFLAGS) -o $@ $< $(call obj,$(TESTLIB_SRCS)) $(CORE_LIB) $(LIBS) $(TESTLIBS)

# test_abi_host10 runs the loader as a 1.0 host: core/plugin/check.c built
# again with FS_ABI_MINOR_OVERRIDE=0, linked ahead of the core library so
# its fs_plugin_check_desc is the one used (the archive's check.o, which
# defines nothing else, is then never pulled in)
HOST10_OBJ := $(BUILD)/obj-host10/core/plugin/check.o
$(HOST10_OBJ): core/plugin/check.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -DFS_ABI_MINOR_OVERRIDE=0 -c $< -o $@
$(BUILD)/tests/test_abi_host10: $(BUILD)/obj/tests/unit/test_abi_host10.o $(HOST10_OBJ) \
		$(call obj,$(TESTLIB_SRCS)) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) $(SANFLAGS) -o $@ $< $(HOST10_OBJ) $(call obj,$(TESTLIB_SRCS)) $(CORE_LIB) \
	    $(LIBS) $(TESTLIBS)

# ---------------------------------------------------------------- run/test
run: all
	@sh tests/demo/run.sh $(BUILD)

simulate: all
	$(FEDSTATE) simulate --config config/scheduler.yaml --plugin-dir $(abspath $(BUILD)/plugins) \
	    --clusters config/samples/clusters.yaml --bindings config/samples/workloads.yaml

export FEDSTATE_BUILD := $(abspath $(BUILD))
export FEDSTATE_SRC := $(abspath .)
test check: all
	@sh tests/run-tests.sh $(TESTS)

asan:
	$(MAKE) BUILD=build-asan SANITIZE=address,undefined,float-cast-overflow OPT="-O1 -g" test

valgrind: all
	@VALGRIND=1 sh tests/run-tests.sh $(TESTS)

fuzz:
	@sh tests/fuzz/run-fuzz.sh

, := ,
# SAN=1: the daemons from the build `make asan` makes (the same flags, so
# the two share build-asan), with Karmada's 15 s leases unless CHAOS_LEASE
# says otherwise: sanitized daemons are several times slower
chaos:
	$(MAKE) $(if $(SAN),BUILD=build-asan SANITIZE=address$(,)undefined$(,)float-cast-overflow OPT="-O1 -g") all
	@$(if $(SAN),CHAOS_LEASE=$${CHAOS_LEASE:-15}) sh tests/chaos/run-chaos.sh $(if $(SAN),build-asan,$(BUILD))

bench:
	$(MAKE) BUILD=build-bench OPT="-O2 -g -DNDEBUG" all
	@sh tests/bench/run-bench.sh build-bench

# ---------------------------------------------------------------- install
# share/doc/fedstate: the guides (docs/*.md, docs/plugins/*.md), README;
# share/fedstate/examples: configs, CRDs, sample objects and the two
# plugin skeletons (plugins/example, plugins/example-middleware)
DOCDIR   = $(DESTDIR)$(PREFIX)/share/doc/fedstate
EXDIR    = $(DESTDIR)$(PREFIX)/share/fedstate/examples
EX_OPS   := mcmongo-sample.yaml mcredis-sample.yaml clusters.yaml rb-healthy.yaml \
            rb-degraded.yaml rb-redis.yaml rendered-sample.yaml
install: $(FEDSTATE) $(PLUGINS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/fedstate/plugins \
	    $(DESTDIR)$(PREFIX)/include/fedstate $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	    $(DOCDIR)/plugins $(EXDIR)/config $(EXDIR)/crd $(EXDIR)/samples $(EXDIR)/ops \
	    $(EXDIR)/plugins/example $(EXDIR)/plugins/example-middleware
	install -m 755 $(FEDSTATE) $(DESTDIR)$(PREFIX)/bin/
	install -m 755 $(PLUGINS) $(DESTDIR)$(PREFIX)/lib/fedstate/plugins/
	install -m 644 api/fedstate/*.h $(DESTDIR)$(PREFIX)/include/fedstate/
	install -m 644 README.md docs/*.md $(DOCDIR)/
	install -m 644 docs/plugins/*.md $(DOCDIR)/plugins/
	install -m 644 config/scheduler.yaml config/ops.yaml $(EXDIR)/config/
	install -m 644 config/crd/*.yaml $(EXDIR)/crd/
	install -m 644 config/samples/*.yaml $(EXDIR)/samples/
	install -m 644 $(addprefix tests/data/ops/,$(EX_OPS)) $(EXDIR)/ops/
	install -m 644 plugins/example/*.c $(EXDIR)/plugins/example/
	install -m 644 plugins/example-middleware/* $(EXDIR)/plugins/example-middleware/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@ABI@|$(shell sed -n 's/^#define FS_ABI_MAJOR //p' api/fedstate/version.h).$(shell sed -n 's/^#define FS_ABI_MINOR //p' api/fedstate/version.h)|g' \
	    -e 's|@VERSION@|$(shell sed -n 's/^#define FS_VERSION_STRING "\(.*\)"/\1/p' api/fedstate/version.h)|g' \
	    api/fedstate-plugin.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/fedstate-plugin.pc

clean:
	rm -rf build build-asan build-bench build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
