# The two commands (README): `make devnet` and `make test`. Everything else is
# a convenience over CMake/CTest. Binaries go to build/bin/.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
ifeq ($(CI),true)
CMAKE_FLAGS += -DIOST_WERROR=ON
endif

.PHONY: all deps configure build test test-unit test-functional devnet fuzz bench bench-quick bench-micro sim-sweep sim-traces sim-traces-generate layering clean format check-format restart-bench state-sync-bench prune-bench

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

layering:
	@scripts/check-layering.sh

# Fast tiers on every change: unit, sim (seed batch), integration, functional.
test: build layering
	@cd $(BUILD) && ctest -j $(JOBS) --output-on-failure --no-label-summary -LE 'fuzz|sweep|bench' --timeout 900

test-unit: build
	@cd $(BUILD) && ctest -j $(JOBS) --output-on-failure -L unit

test-functional: build
	@cd $(BUILD) && ctest -j $(JOBS) --output-on-failure -L functional

# A local PoB network of separate iserver processes (docs/devnet.md). ARGS passes options, e.g.
# make devnet ARGS="--believable 3 --normal 7 --sampling 0.1" or ARGS="--reset".
ARGS ?=
devnet: build
	@$(BUILD)/bin/iost-devnet run --dir devnet $(ARGS)

# The PoB-vs-PBFT benchmark (docs/benchmarks.md); bench-quick is the under-two-minutes variant.
bench: build
	@$(BUILD)/bin/iost-bench --out bench-results $(ARGS)

bench-quick: build
	@$(BUILD)/bin/iost-bench --quick --out bench-results $(ARGS)

# libFuzzer targets, clang + ASan/UBSan, separate build dir. FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 180
fuzz: deps
	@cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
	  -DIOST_FUZZ=ON -DIOST_SANITIZE=address,undefined -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build build-fuzz -j $(JOBS) --target fuzz_all
	@scripts/run-fuzz.sh build-fuzz $(FUZZ_SECONDS)

# The long simulator sweep (not in `make test`): 10,000 seeds over every fault mix, split over two
# processes. Each prints one JSON line per run and a replay command for any failing seed.
SWEEP_SEEDS ?= 10000
sim-sweep: build
	@mkdir -p $(BUILD)/sweep
	@half=$$(( $(SWEEP_SEEDS) / 2 )); \
	 $(BUILD)/bin/iost-sim --seeds 1:$$half --mix all --quiet > $(BUILD)/sweep/a.jsonl & a=$$!; \
	 $(BUILD)/bin/iost-sim --seeds $$((half+1)):$(SWEEP_SEEDS) --mix all --quiet > $(BUILD)/sweep/b.jsonl & b=$$!; \
	 ra=0; rb=0; wait $$a || ra=$$?; wait $$b || rb=$$?; \
	 cat $(BUILD)/sweep/a.jsonl $(BUILD)/sweep/b.jsonl | scripts/sweep-report.sh; \
	 test $$ra -eq 0 -a $$rb -eq 0

# The trace fixture (tests/sim/fixtures/traces.txt, scripts/sim-traces.sh): every run of the CI batch
# and of `iost-sim --seeds 1:1000 --mix all` must replay event for event (a behaviour-preserving change
# proves itself here). sim-traces-generate records the fixture anew (its own commit, saying why).
sim-traces: build
	@cd $(BUILD) && ctest --output-on-failure -R 'SeedBatch|sim_traces_sweep'

sim-traces-generate: build
	@scripts/sim-traces.sh generate $(BUILD)/bin/iost-sim tests/sim/fixtures/traces.txt

bench-micro: build
	@$(BUILD)/bin/iost-microbench --benchmark_min_time=0.5

# Restart time vs chain length (docs/state.md "Restart in constant time"): one validator with
# 100,000 genesis accounts builds 2,000 then 20,000 final blocks; copies of its data dir restart
# from the checkpoint and by full replay; then disk use of an archive vs a pruning node under load.
# Not in `make test` (several minutes).
restart-bench: build
	@IOST_RESTART_BENCH=1 $(BUILD)/bin/integration_node \
	  --gtest_filter='NodeRestart.CheckpointRestoreEqualsFullReplay*:NodeRestart.DiskUseUnderConstantLoadBench'

# Disk use over a long heavy run, archive vs `prune.keep_blocks: 1024` side by side, SST files,
# WAL and snapshot files sampled separately every 1,000 blocks (docs/state.md "Pruning").
# PRUNE_BLOCKS final blocks (default 40,000), PRUNE_TXS transfers per block (default 40); tens of
# minutes on a 2-core machine, so run it niced: nice make prune-bench.
PRUNE_BLOCKS ?= 40000
PRUNE_TXS ?= 40
prune-bench: build
	@IOST_RESTART_BENCH=1 IOST_PRUNE_BENCH_BLOCKS=$(PRUNE_BLOCKS) IOST_PRUNE_BENCH_TXS=$(PRUNE_TXS) \
	  $(BUILD)/bin/integration_node --gtest_filter='NodeRestart.DiskUseLongRunBench'

# Join time via a state snapshot vs full replay on the same chain
# (docs/state.md "State sync", numbers in docs/benchmarks.md).
state-sync-bench: build
	@IOST_STATE_SYNC_BENCH=1 $(BUILD)/bin/integration_node \
	  --gtest_filter='NodeStateSync.JoinsViaASnapshot*'

clean:
	rm -rf $(BUILD) build-fuzz

# clang-format 14 with .clang-format; `make test` runs scripts/check-format.sh (test format.tree).
format:
	@find src tests bench -path tests/vectors/node_modules -prune -o \( -name '*.h' -o -name '*.cpp' \) -print0 | xargs -0 clang-format -i

check-format:
	@scripts/check-format.sh
