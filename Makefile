# The two commands a newcomer types: `make demo` and `make test`. Both install missing Debian
# packages, configure and build first. BUILD_DIR and JOBS may be overridden.
BUILD_DIR ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
MAKEFLAGS += --no-print-directory
ifneq ($(CI),)
  CMAKE_FLAGS += -DEDGETWIN_WERROR=ON
endif

.PHONY: all demo test sanitize deps configure build bench clean

all: build

deps:
	@scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) > $(BUILD_DIR).configure.log 2>&1 \
	  || { cat $(BUILD_DIR).configure.log; exit 1; }

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	./$(BUILD_DIR)/cli/edgetwin run -o results.h5

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# Every test again under AddressSanitizer + UndefinedBehaviorSanitizer (run by CI after `test`).
sanitize: deps
	@cmake -S . -B $(BUILD_DIR)-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEDGETWIN_SANITIZE=ON \
	  -DEDGETWIN_BUILD_BENCH=OFF $(CMAKE_FLAGS) > $(BUILD_DIR)-asan.configure.log 2>&1 \
	  || { cat $(BUILD_DIR)-asan.configure.log; exit 1; }
	@cmake --build $(BUILD_DIR)-asan -j $(JOBS)
	cd $(BUILD_DIR)-asan && ctest --output-on-failure -j $(JOBS)

bench: build
	./$(BUILD_DIR)/bench/event_loop_bench --benchmark_counters_tabular=true
	./$(BUILD_DIR)/cli/edgetwin bench engine --pending 10000 --json
	./$(BUILD_DIR)/cli/edgetwin bench engine --pending 1000000 --json

clean:
	rm -rf $(BUILD_DIR) $(BUILD_DIR).configure.log $(BUILD_DIR)-asan $(BUILD_DIR)-asan.configure.log
