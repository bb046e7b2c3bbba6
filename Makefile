# bidui — see README.md.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
BIN     := bin/bidui
# The test suite must stay under ten minutes on two cores; large tiers belong to `make bench`.
TESTFLAGS ?= -timeout 15m

.PHONY: build test demo bench lint clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/bidui

test:
	$(GO) vet ./...
	$(GO) test $(TESTFLAGS) ./...

demo: build
	$(BIN) demo bidui-demo

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./... | tee bench.txt

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

clean:
	rm -rf bin bidui-demo bench.txt
