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

test: ## vet; every test under the race detector (-short: without the whole-portal end-to-end runs); then every test, end-to-end included
	$(GO) vet ./...
	CGO_ENABLED=1 $(GO) test -race -short -count=1 -timeout 30m ./...
	$(GO) test -count=1 -timeout 45m ./...

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

.PHONY: bench-links
bench-links: ## archiver's link check beside linkinator 8 and LinkChecker on the demo portal (ARTICLES=300: about 2,135 pages of 31 links a page in the scope all three crawl)
	ARTICLES=$(or $(ARTICLES),300) bash internal/links/testdata/bench-links.sh

accuracy: build ## extraction accuracy on ../shared/evaldata against the issue's targets (skipped when absent)
	@if [ ! -d ../shared/evaldata ]; then echo "accuracy: ../shared/evaldata not found, skipping (put the development split of the benchmarks there)"; exit 0; fi; \
	out=$$(mktemp -d) && trap 'rm -rf "$$out"' EXIT && \
	for ds in naeb htmldate-eval scrapinghub-aeb trafilatura-eval; do \
	  (cd ../shared/evaldata/$$ds && $(CURDIR)/$(BIN) extract --format jsonl --urls ground_truth.jsonl html/*.html > $$out/$$ds.jsonl) || exit 1; \
	  (cd ../shared/evaldata/$$ds && $(CURDIR)/$(BIN) extract --format jsonl --high-precision --urls ground_truth.jsonl html/*.html > $$out/$$ds.high-precision.jsonl) || exit 1; \
	  python3 ../shared/tools/score.py ../shared/evaldata/$$ds $$out/$$ds.jsonl $$out/$$ds.high-precision.jsonl | sed "s/^/$$ds /" | tee -a $$out/scores.txt; \
	done; \
	python3 -c 'import json,sys; s={}; [s.__setitem__(l.split(" ",2)[0]+("/hp" if "high-precision" in l.split(" ",2)[1] else ""), json.loads(l.split(" ",2)[2])) for l in open(sys.argv[1])]; t=[("htmldate-eval","date_acc",">=",0.91),("htmldate-eval","date_prec",">=",0.93),("naeb","title_exact",">=",0.80),("naeb","author_exact",">=",0.78),("naeb","author_fp_empty","<=",0.30),("scrapinghub-aeb","body_F1",">=",0.96)]; bad=[(d,m,o,v,s[d][m]) for d,m,o,v in t if not (s[d][m]>=v if o==">=" else s[d][m]<=v)]; [print("target %-16s %-16s %s %.2f  measured %.3f  %s" % (d,m,o,v,s[d][m],"ok" if (s[d][m]>=v if o==">=" else s[d][m]<=v) else "MISSED")) for d,m,o,v in t]; sys.exit(1 if bad else 0)' $$out/scores.txt

clean: ## remove build output
	rm -rf bin cover.out
