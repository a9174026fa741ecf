# archiver — build, test, demo and benchmarks. Run `make help` for the list.

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
GO      ?= go
BIN     ?= bin/archiver
LDFLAGS := -s -w -X main.version=$(VERSION)
export CGO_ENABLED := 0

.PHONY: help build test demo bench lint fmt accuracy cover clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

build: ## build bin/archiver (pure Go, CGO_ENABLED=0)
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/archiver

test: ## vet, then every test with the race detector
	$(GO) vet ./...
	CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 30m ./...

demo: build ## serve the demo portal, crawl it, check it, write the report
	$(BIN) demo

bench: ## Go benchmarks of every package
	$(GO) test -run '^$$' -bench . -benchmem -timeout 60m ./...

lint: ## gofmt and go vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

fmt: ## format the code
	gofmt -w $$(git ls-files '*.go')

cover: ## test coverage summary
	$(GO) test -coverprofile=cover.out ./... && $(GO) tool cover -func=cover.out | tail -1

clean: ## remove build output
	rm -rf bin cover.out
