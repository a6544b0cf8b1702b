# grist: build, test, benchmark, demo. `make help` lists the targets.
#
# Every .c/.cpp file in the stage folders and lib/ is part of the one binary; a new stage needs
# no Makefile change beyond its packages in DEBS/PKGS. Two build flavours share the rules:
# BUILD=release (-O2) and BUILD=asan (AddressSanitizer + UndefinedBehaviorSanitizer).

# Debian packages needed by the build, the tests, the benchmarks and the demo. Node.js and npm
# (for the tokenizer parity oracles) come from Debian only when the machine has no npm: a
# machine's own Node.js build (nodesource) bundles npm and conflicts with Debian's npm package.
DEBS := build-essential pkg-config git ca-certificates \
	libsimdjson-dev libutf8proc-dev libpcre2-dev libxxhash-dev libarchive-dev \
	libzstd-dev zlib1g-dev liblz4-dev liblzma-dev libbz2-dev libxml2-dev libjansson-dev \
	libjsmn-dev libjson-c-dev libcjson-dev libyajl-dev libcld2-dev \
	libarchive-tools zstd xz-utils bzip2 lz4 python3 python3-numpy \
	unicode-data fortunes fortunes-de fortunes-es fortunes-it fortunes-ru fortunes-zh \
	hyperfine bc time sentencepiece clang libclang-rt-14-dev xxhash python3-xxhash \
	libicu-dev libyaml-dev libsnappy-dev libbrotli-dev slurm-wlm munge chromium tmux wget \
	fortunes-pl fortunes-cs manpages-de manpages-fr manpages-es manpages-pl manpages-ru manpages-ja manpages-zh manpages-it manpages-pt-br manpages-nl
# pkg-config names of the libraries linked into grist.
PKGS := simdjson jansson libxxhash libpcre2-8 libutf8proc libarchive libzstd zlib liblzma libxml-2.0 \
	icu-uc icu-i18n yaml-0.1 snappy libbrotlidec libbrotlienc liblz4
# CLD2 (clean's language identification) and libbz2 (lib/decode.c) ship no pkg-config file.
EXTRA_LIBS := -lcld2 -lbz2

SRC_DIRS := lib ingest clean dedup tokenize shard parquet run report
BUILD ?= release
B := build/$(BUILD)
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1.0)
PREFIX ?= /usr/local

# Parallel compile jobs for `make test` (the CLI tests run CLI_JOBS scripts at once, default 2).
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wundef -Wno-unused-parameter
ifeq ($(WERROR),1)
WARN += -Werror
endif
ifneq ($(CI),)
WARN += -Werror
endif
ifeq ($(BUILD),asan)
OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
else ifeq ($(BUILD),fuzz)
CC := clang
CXX := clang++
OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined
else
OPT := -O2 -g
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CPPFLAGS += -I. -MMD -MP -DGRIST_VERSION='"$(VERSION)"' -D_GNU_SOURCE
CFLAGS ?=
CFLAGS += -std=c11 $(OPT) $(WARN) $(PKG_CFLAGS) -pthread
CXXFLAGS += -std=c++17 $(OPT) -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) $(PKG_CFLAGS) -pthread
LDLIBS += $(PKG_LIBS) $(EXTRA_LIBS) -pthread -lm

C_SRCS := $(wildcard $(addsuffix /*.c,$(SRC_DIRS)))
CXX_SRCS := $(wildcard $(addsuffix /*.cpp,$(SRC_DIRS)))
LIB_OBJS := $(C_SRCS:%.c=$(B)/%.o) $(CXX_SRCS:%.cpp=$(B)/%.o)
BIN := $(B)/grist
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:%.c=$(B)/%)
# Fuzz targets tests/fuzz/fuzz_NAME.c with saved inputs in tests/fuzz/corpus/NAME/: `make test`
# replays them (plus deterministic mutations) through tests/fuzz/replay.c; `make fuzz` runs
# libFuzzer on them.
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_REPLAY := $(FUZZ_SRCS:%.c=$(B)/%)
FUZZ_SECONDS ?= 60

.SECONDARY:
.PHONY: all deps build test check asan fuzz bench demo install help clean vocabs slurm-up slurm-down

all: grist ## build ./grist (optimized; WERROR=1 makes warnings errors)

grist: $(B)/grist
	cp $< $@

# LD_PRELOAD shim for the CLI fault-injection test (tests/faultinject/faultinject.c); plain -O2
# in every build: it only wraps system calls.
FAULTINJECT := $(B)/tests/faultinject/faultinject.so

build: $(BIN) $(UNIT_BINS) $(FUZZ_REPLAY) $(FAULTINJECT)

$(FAULTINJECT): tests/faultinject/faultinject.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -fPIC -shared $(WARN) -o $@ $< -ldl

$(BIN): $(B)/grist.o $(LIB_OBJS)
	$(CXX) $(OPT) -o $@ $^ $(LDLIBS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(CPPFLAGS) $(CXXFLAGS) -c -o $@ $<

$(B)/tests/unit/%: tests/unit/%.c $(LIB_OBJS) tests/unit/harness.h
	@mkdir -p $(dir $@)
	$(CXX) $(OPT) -x c $(CPPFLAGS) $(CFLAGS) -o $@ $< -x none $(LIB_OBJS) $(LDLIBS)

$(B)/tests/fuzz/%: $(B)/tests/fuzz/%.o $(B)/tests/fuzz/replay.o $(LIB_OBJS)
	$(CXX) $(OPT) -o $@ $^ $(LDLIBS)

$(B)/fuzzer/%: $(B)/tests/fuzz/%.o $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CXX) $(OPT) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

-include $(shell find build -name '*.d' 2>/dev/null)

deps: ## install every Debian package (and npm test package) the build, tests and demo need
	@missing=$$(for p in $(DEBS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	command -v npm > /dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing" $$missing; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@if [ -f tests/npm/package.json ] && { [ ! -d tests/npm/node_modules ] || \
		[ tests/npm/package-lock.json -nt tests/npm/node_modules/.package-lock.json ]; }; then \
		echo "make deps: npm packages for the parity tests"; \
		cd tests/npm && npm ci --no-audit --no-fund --loglevel=error; \
	fi

check: build ## run all tests against the current BUILD (no deps step)
	tests/run-unit.sh $(UNIT_BINS)
	@for f in $(FUZZ_REPLAY); do n=$$(basename $$f); $$f tests/fuzz/corpus/$${n#fuzz_} || exit 1; done
	GRIST=$(abspath $(BIN)) BUILD=$(BUILD) tests/run-cli.sh

test: deps vocabs ## install deps, build, run every test, then again under ASan+UBSan
	$(MAKE) --no-print-directory -j$(JOBS) WERROR=1 BUILD=release check
	$(MAKE) --no-print-directory -j$(JOBS) WERROR=1 BUILD=asan check
	cp build/release/grist grist
	@echo "make test: all tests passed (release and asan+ubsan builds)"

VOCAB_NAMES := gpt2 cl100k_base o200k_base
vocabs: $(VOCAB_NAMES:%=vocabs/%.tiktoken) ## convert gpt2, cl100k_base, o200k_base from npm tiktoken into vocabs/

# Also writes vocabs/NAME.tiktoken.json (pattern and special tokens).
vocabs/%.tiktoken: tests/npm/make-vocabs.js | tests/npm/node_modules/tiktoken
	node tests/npm/make-vocabs.js vocabs $*

tests/npm/node_modules/tiktoken:
	cd tests/npm && npm ci --no-audit --no-fund --loglevel=error

asan: ## build build/asan/grist with AddressSanitizer + UndefinedBehaviorSanitizer
	$(MAKE) --no-print-directory BUILD=asan build

fuzz: deps ## run each libFuzzer target for FUZZ_SECONDS (default 60), growing its corpus
	$(MAKE) --no-print-directory BUILD=fuzz $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/fuzzer/%)
	@for f in $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/fuzzer/%); do n=$$(basename $$f); \
		mkdir -p build/fuzz/new-$${n#fuzz_}; \
		$$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 build/fuzz/new-$${n#fuzz_} tests/fuzz/corpus/$${n#fuzz_} || exit 1; \
	done; echo "make fuzz: new inputs are in build/fuzz/new-*; copy interesting ones to tests/fuzz/corpus/"

bench: deps grist vocabs ## benchmark suite, peers side by side (large inputs; BENCH_SIZE=small, BENCH_ONLY=...): bench.json, BENCHMARKS.md
	bench/run.sh

demo: deps grist vocabs ## build the demo corpora from Debian packages and run the pipelines (pretraining shards, and a fine-tuning set)
	corpora/build-demo.sh corpora/demo
	corpora/run-demo.sh ./grist corpora/demo out/demo
	/usr/bin/python3 corpora/build-chat-demo.py corpora/chat-demo 2000
	corpora/run-chat-demo.sh ./grist corpora/chat-demo out/chat-demo

install: grist vocabs ## install grist into $(PREFIX)/bin, its vocabularies into $(PREFIX)/share/grist/vocabs
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/grist/vocabs
	install -m 755 grist $(DESTDIR)$(PREFIX)/bin/grist
	install -m 644 $(VOCAB_NAMES:%=vocabs/%.tiktoken) $(VOCAB_NAMES:%=vocabs/%.tiktoken.json) \
		$(DESTDIR)$(PREFIX)/share/grist/vocabs/

SLURM_DIR ?= /tmp/grist-slurm
slurm-up: ## start a one-node Slurm cluster on this machine (root; SLURM_DIR, default /tmp/grist-slurm)
	tests/slurm/cluster.sh up $(SLURM_DIR)

slurm-down: ## stop the cluster slurm-up started
	tests/slurm/cluster.sh down $(SLURM_DIR)

clean: ## remove build outputs
	rm -rf build grist out tests/tmp

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(firstword $(MAKEFILE_LIST)) | sed 's/:.*## /\t/' | \
		awk -F'\t' '{ printf "  %-10s %s\n", $$1, $$2 }'
