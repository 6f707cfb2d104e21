# sealkit — the two commands every session needs:
#   make run    builds the browser module and serves the reference app on
#               http://localhost:8080 (embedded SQLite in ./sealkit-data)
#   make test   runs every test (installs the npm interop peers first)

GO ?= go
# crypto/mldsa (the identity signatures) is in the standard library from Go
# 1.27; machines here start on Go 1.26 with GOTOOLCHAIN=local, so every
# go command names the toolchain, which the go command fetches once from the
# module proxy (go.mod says go 1.27.3).
export GOTOOLCHAIN ?= go1.27.3
NPM_STAMP := node_modules/.package-lock.json

.PHONY: run test test-native test-wasm test-js test-lib lib test-python test-jvm jvm test-elixir test-matrix vet fuzz bench bench-app bench-targets build wasm clean

# A development run asks for the development mailbox (mail shown at
# /dev/mailbox, on loopback addresses only); `serve` alone never turns it on.
run: wasm
	$(GO) run ./cmd/sealkit serve --dev-mailbox $(ARGS)

test: test-native test-wasm test-js test-lib test-python test-jvm test-elixir test-matrix

# The app's tests serve the embedded js/dist (package js), so the wasm is
# built first; they use a fresh SQLite file and a fresh database on the
# local PostgreSQL (127.0.0.1:5432) each.
test-native: wasm $(NPM_STAMP) vet
	$(GO) test -count=1 ./...

# The core's own tests (vectors, round trips, malformed input, fuzz seeds)
# again, compiled to WebAssembly and run in Node: the same bytes on every
# target. The interop tests are native-only (a wasm binary cannot start the
# Node peer).
WASM_EXEC = $(shell GOTOOLCHAIN=$(GOTOOLCHAIN) $(GO) env GOROOT)/lib/wasm/go_js_wasm_exec
# Only the crypto packages: the app's server packages (database drivers)
# are native-only.
WASM_PKGS = . ./sealtext ./atrest ./internal/argon2 ./internal/b64 ./internal/errs ./internal/hybrid ./internal/mlkem ./internal/sign \
	./internal/ed25519 ./internal/nacl ./internal/poly1305 ./internal/recovery ./internal/salsa20 ./internal/x25519
test-wasm:
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec "$(WASM_EXEC)" $(WASM_PKGS)

# The JS SDK and the compatible module in Node (node:test), against the
# freshly built js/dist, and its TypeScript declarations type-checked
# against a consumer file (tsc --strict). The Chromium tests are Go tests (internal/jstest)
# and run in test-native.
test-js: wasm $(NPM_STAMP)
	node --test js/test/
	npx --no-install tsc -p js/test/types/tsconfig.json

# The cross-target matrix (internal/jstest TestMatrix, docs/TARGETS.md):
# native Go, wasm in Node, wasm in Chromium and every binding's peer, each
# producing every format for every other; runs after the bindings' own
# tests (last on the test: line) and needs the C library (make lib, once
# libsealkit/ is in the tree). Rewrites the matrix table of docs/TARGETS.md.
MATRIX_DEPS := wasm $(NPM_STAMP) $(if $(wildcard libsealkit/*.go),lib)
test-matrix: $(MATRIX_DEPS)
	SEALKIT_MATRIX=1 SEALKIT_MATRIX_DOC=$(CURDIR)/docs/TARGETS.md $(GO) test -count=1 -run '^TestMatrix$$' -v ./internal/jstest

# libsealkit: the core as a C library (libsealkit/, header
# libsealkit/sealkit.h). cgo writes its own header next to each output;
# the hand-written one, with the constants and documentation, is the one
# installed (libsealkit/test/abi.c checks that the two agree).
LIB_SRC = $(wildcard *.go internal/*/*.go libsealkit/*.go libsealkit/*.c) libsealkit/sealkit.h go.mod go.sum
lib: build/lib/libsealkit.so build/lib/libsealkit.a build/include/sealkit.h

build/lib/libsealkit.so: $(LIB_SRC)
	@mkdir -p build/lib
	$(GO) build -trimpath -buildmode=c-shared -o $@ ./libsealkit
	mv build/lib/libsealkit.h build/lib/libsealkit-cgo.h

build/lib/libsealkit.a: $(LIB_SRC)
	@mkdir -p build/lib
	$(GO) build -trimpath -buildmode=c-archive -o build/lib/libsealkit-archive.a ./libsealkit
	mv build/lib/libsealkit-archive.a $@
	rm -f build/lib/libsealkit-archive.h

build/include/sealkit.h: libsealkit/sealkit.h
	@mkdir -p build/include
	cp $< $@

# The C tests (libsealkit/test): vectors, round trips, every bad input,
# ownership and wiping, threads; against the shared library under
# valgrind (leaks and invalid accesses in C code are errors) and against
# the static archive built with AddressSanitizer.
test-lib: lib build/valgrind/libsealkit.so
	$(MAKE) -C libsealkit/test test

build/valgrind/libsealkit.so: $(LIB_SRC)
	@mkdir -p build/valgrind
	CGO_CFLAGS="-g -O2 -gdwarf-4" $(GO) build -tags valgrind,sealkit_testhooks -trimpath -buildmode=c-shared -o $@ ./libsealkit
	rm -f build/valgrind/libsealkit.h

# The Python binding (bindings/python, ctypes, standard library only): its
# unittest suites against the freshly built build/lib/libsealkit.so.
test-python: lib
	cd bindings/python && SEALKIT_LIB=$(CURDIR)/build/lib/libsealkit.so python3 -m unittest discover -s tests

# The JVM binding (bindings/jvm, Java over JNA: Debian's libjna-java)
# against build/lib/libsealkit.so: compiled with plain javac, no build
# tool or downloads; the tests are a plain runner (SealkitTest.main) that
# exits nonzero on the first failing check of any test.
JNA_JAR ?= /usr/share/java/jna.jar
JVM_SRC = $(wildcard bindings/jvm/src/dev/sealkit/*.java)
jvm: build/lib/libsealkit.so
	@rm -rf build/jvm/classes && mkdir -p build/jvm/classes
	javac -Xlint:all -Werror -d build/jvm/classes -cp $(JNA_JAR) $(JVM_SRC)
	jar cf build/jvm/sealkit.jar -C build/jvm/classes .

test-jvm: jvm
	@rm -rf build/jvm/test-classes && mkdir -p build/jvm/test-classes
	javac -Xlint:all -Werror -d build/jvm/test-classes -cp build/jvm/classes:$(JNA_JAR) bindings/jvm/test/dev/sealkit/*.java
	java -cp build/jvm/test-classes:build/jvm/classes:$(JNA_JAR) -Dsealkit.lib=$(CURDIR)/build/lib/libsealkit.so \
		-Dsealkit.vectors=testdata/vectors dev.sealkit.SealkitTest

# The Elixir binding (bindings/elixir): the NIF over build/lib/libsealkit.so
# and the crate's Elixir modules, built with gcc and elixirc (no Mix, no
# Hex), then its ExUnit tests: the shared vectors, round trips, bad input,
# dirty schedulers, the matrix peer, and interop with libsodium.js and noble
# (interop/peer.mjs, hence the npm packages).
test-elixir: lib $(NPM_STAMP)
	bindings/elixir/run_tests.sh

# staticcheck, pinned, natively and for the wasm build's packages (it
# finds deprecated imports and dead code that vet does not).
STATICCHECK = bin/staticcheck

vet:
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	GOBIN=$(CURDIR)/bin $(GO) install honnef.co/go/tools/cmd/staticcheck@v0.8.2
	$(STATICCHECK) ./...
	GOOS=js GOARCH=wasm $(STATICCHECK) $(WASM_PKGS) ./cmd/sealkit-wasm ./js

# The interop peers (libsodium.js, @noble/post-quantum) and tsc, exactly as
# pinned in package-lock.json.
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund

# Every fuzz target for FUZZTIME (default 60s) each.
fuzz:
	scripts/fuzz.sh

# sealkit next to libsodium.js and noble; writes docs/BENCHMARKS.md.
# The core against libsodium.js and noble (docs/BENCHMARKS.md), then every
# target's speed: libsealkit from C, Python, the JVM and Elixir next to
# native Go, libsodium and PyNaCl (docs/TARGETS.md; needs Debian's
# libsodium-dev and python3-nacl besides what make test installs).
bench: $(NPM_STAMP) lib
	$(GO) run ./internal/benchreport -o docs/BENCHMARKS.md
	$(GO) run ./internal/benchtargets -o docs/TARGETS.md

# Speed per target: libsealkit from C and from Python (ctypes) next to
# libsodium and PyNaCl, and native Go; rewrites the speed section of
# docs/TARGETS.md. A measurement, not a test (about a minute); needs
# libsodium-dev and python3-nacl.
bench-targets: lib
	$(GO) run ./internal/benchtargets -o docs/TARGETS.md

# The app's server paths on SQLite and PostgreSQL; writes docs/APP-BENCHMARKS.md.
bench-app:
	GO=$(GO) scripts/bench-app.sh

# 1,000 habits on SQLite and PostgreSQL: GET /api/habits on the server and
# the dashboard decrypting them in headless Chromium; writes the
# load-habits section of docs/BENCHMARKS.md (which `make bench` keeps).
.PHONY: load-habits
load-habits: wasm
	GO=$(GO) scripts/load-habits.sh

build: wasm
	$(GO) build -trimpath -o bin/sealkit ./cmd/sealkit

# The browser build: js/dist/sealkit.wasm next to the wasm_exec.js of the
# Go that built it, plus precompressed copies for the server. Reproducible:
# the same source and Go version give the same bytes (scripts/wasm.sh; it
# prints the sizes).
wasm:
	GO=$(GO) scripts/wasm.sh

clean:
	rm -rf bin node_modules js/dist
