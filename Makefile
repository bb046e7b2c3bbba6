# bidui — see README.md.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
BIN     := bin/bidui
# The test suite must stay under ten minutes on two cores; large tiers belong to `make bench`.
TESTFLAGS ?= -timeout 15m

.PHONY: build test demo bench bench-city bench-go fuzz lint clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/bidui

test:
	$(GO) vet ./...
	$(GO) test $(TESTFLAGS) ./...

demo: build
	$(BIN) demo bidui-demo

# The whole run against the floor (DuckDB read_csv, excelize streaming read) on the county fixtures, cached in
# .bench/; writes BENCH.md. Not part of `make test`. The targets it checks are in cmd/bidui-bench/targets.go;
# `go run ./cmd/bidui-bench -h` lists its flags.
bench: build
	$(GO) run ./cmd/bidui-bench --size county --reps 5 --out BENCH.md

bench-city: build
	$(GO) run ./cmd/bidui-bench --size city --reps 3 --csv-only --out BENCH-city.md

# The Go micro-benchmarks of the packages (importers, matching, rules).
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./... | tee bench.txt

# Every fuzz target of every package, FUZZTIME each (CI runs them briefly; seed corpora are in testdata/fuzz).
# Go 1.26's fuzzing engine may fail a target with a bare "context deadline exceeded" when -fuzztime ends while a
# worker is busy (go.dev/issue/75804, fixed in Go 1.27); such a target is fuzzed once more. A real finding writes
# its input to testdata/fuzz ("Failing input written") and fails at once.
FUZZTIME ?= 30s
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$f ($(FUZZTIME))"; \
	    if ! out=$$($(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg 2>&1); then \
	      echo "$$out"; \
	      case "$$out" in \
	        *"Failing input written"*) exit 1 ;; \
	        *"context deadline exceeded"*) echo "fuzz $$f: the engine's deadline race (go.dev/issue/75804); once more"; \
	          $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg ;; \
	        *) exit 1 ;; \
	      esac; \
	    else echo "$$out"; fi; \
	  done; \
	done

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

clean:
	rm -rf bin bidui-demo bench.txt .bench
