# sealkit — the two commands every session needs:
#   make run    runs the sealkit command (for now: its self-test)
#   make test   runs every test (installs the npm interop peers first)

GO ?= go
NPM_STAMP := node_modules/.package-lock.json

.PHONY: run test vet fuzz bench build clean

run:
	$(GO) run ./cmd/sealkit selftest

test: $(NPM_STAMP) vet
	$(GO) test -count=1 ./...

vet:
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...

# The interop peers (libsodium.js, @noble/post-quantum), exactly as pinned
# in package-lock.json.
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund

# Every fuzz target for FUZZTIME (default 60s) each.
fuzz:
	scripts/fuzz.sh

# sealkit next to libsodium.js and noble; writes docs/BENCHMARKS.md.
bench: $(NPM_STAMP)
	$(GO) run ./internal/benchreport -o docs/BENCHMARKS.md

build:
	$(GO) build -trimpath -o bin/sealkit ./cmd/sealkit

clean:
	rm -rf bin node_modules
