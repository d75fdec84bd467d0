# selloff: make run (dashboard on the embedded snapshot), make test (all tests).
GO       ?= go
BIN      := bin/selloff
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
# Fuzz budget per target as an execution count (Nx), not a duration: with a
# duration, Go 1.26's fuzz coordinator can fail a clean run with "context
# deadline exceeded" when the clock runs out mid-exec (golang/go#75804, fixed
# in Go 1.27). A count has no deadline to race. FUZZTIME=60s still works for
# a longer local run.
FUZZTIME ?= 30000x
# Minimization budget per new input, also a count. Without it Go minimizes
# each new interesting input for up to 60 s, or with FUZZTIME=Nx up to
# N/workers executions (15,000 of the 30,000), and the exec counter stands
# still meanwhile: the FuzzReader "stall" of about 30 s in CI. 3000x keeps
# a minimization under a tenth of the budget.
FUZZMINTIME ?= 3000x

.PHONY: all build run test unit fuzz bench lint golden snapshot loadtest loadtest-nodes docs clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/selloff

run: build
	./$(BIN)

test: unit fuzz

unit:
	$(GO) test -race -count=1 ./...

# A short seed run of every fuzz target (go test takes one -fuzz pattern per package).
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$f ($(FUZZTIME), minimize $(FUZZMINTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) $$pkg; \
	  done; \
	done

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# Regenerates golden files in every package whose tests use x/exp/golden
# (its -update flag). Look at the diff before committing.
golden:
	$(GO) test -count=1 $$($(GO) list -f '{{.ImportPath}} {{join .TestImports " "}}' ./... | grep 'x/exp/golden' | cut -d' ' -f1) -update

# 100 concurrent SSH sessions on loopback for 60 s; prints CPU, memory and bytes/s.
LOAD_SESSIONS ?= 100
LOAD_SECONDS  ?= 60
LOAD_NODES    ?= 3
LOAD_FEED     ?= replay
loadtest:
	SELLOFF_LOADTEST=1 SELLOFF_LOAD_SESSIONS=$(LOAD_SESSIONS) SELLOFF_LOAD_SECONDS=$(LOAD_SECONDS) \
	  $(GO) test -run '^TestLoad$$' -v -count=1 -timeout 15m ./cmd/selloff/internal/server/

# The same across LOAD_NODES serve nodes fed by one relay over NATS (every
# node, the relay and the NATS server in their own process; LOAD_SESSIONS
# viewers per node). LOAD_FEED=live relays a Yahoo live source on a local
# fake Yahoo instead of the replay.
loadtest-nodes:
	SELLOFF_LOADTEST=1 SELLOFF_LOAD_NODES=$(LOAD_NODES) SELLOFF_LOAD_FEED=$(LOAD_FEED) \
	  SELLOFF_LOAD_SESSIONS=$(LOAD_SESSIONS) SELLOFF_LOAD_SECONDS=$(LOAD_SECONDS) \
	  $(GO) test -run '^TestLoad$$' -v -count=1 -timeout 15m ./cmd/selloff/internal/server/

# The README's pictures: the dashboard at 14:50 ET on 27 Jan 2025, and
# `selloff tour` at its step 18 (the day's low, with its caption), drawn as
# SVG by selloff itself (no config: --events '' and explicit glyphs).
docs: build
	./$(BIN) render deepseek-week --at 14:50 --width 160 --height 45 --glyphs block --events '' --format svg > docs/dashboard.svg
	./$(BIN) render deepseek-week --tour deepseek --tour-step 18 --width 160 --height 45 --glyphs block --events '' --format svg > docs/tour.svg

snapshot:
	$(GO) test ./snapshots/deepseek -run TestEmbeddedSnapshotUpToDate -count=1 -update-snapshot

clean:
	rm -rf bin
