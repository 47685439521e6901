# ohotfix — see README.md. `make demo` and `make test` are the two commands
# a newcomer runs; both install what they need (Debian packages, as root).
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/ohotfix/ohotfix/bootstrap.Version=$(VERSION)
FUZZTIME ?= 10s

.PHONY: all build build-windows test test-go deps demo bench fuzz vet clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/ohotfix ./cmd/ohotfix

build-windows:
	GOOS=windows GOARCH=amd64 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/ohotfix.exe ./cmd/ohotfix

deps:
	./scripts/deps.sh

# staticcheck pinned (this version accepts Go 1.26), run through `go run`
# so nothing needs installing; go.mod must be tidy (direct requires are not
# `// indirect`). Both for Linux and for the Windows build.
# It is installed for this machine (GOOS/GOARCH cleared) and then run with
# GOOS=windows to analyse the Windows build.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := bin/staticcheck-$(STATICCHECK_VERSION)

$(STATICCHECK):
	mkdir -p bin/.staticcheck
	GOBIN=$(CURDIR)/bin/.staticcheck GOOS= GOARCH= $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv bin/.staticcheck/staticcheck $@

vet: $(STATICCHECK)
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) mod tidy -diff
	$(GO) vet ./...
	GOOS=windows GOARCH=amd64 $(GO) vet ./...
	$(STATICCHECK) ./...
	GOOS=windows GOARCH=amd64 $(STATICCHECK) ./...

# The whole suite: unit, interop (cabextract, gcab, 7z, msitools, wixl),
# Wine oracle and end-to-end tests, then a short bounded fuzz run.
test: deps vet test-go fuzz

test-go: build
	$(GO) test -timeout 45m ./...

demo: build
	./scripts/demo.sh

bench: build
	./scripts/bench.sh

# Each fuzz target runs for FUZZTIME (seed corpora also run in `go test`).
fuzz:
	./scripts/fuzz.sh $(FUZZTIME)

clean:
	rm -rf bin
