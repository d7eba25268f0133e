# Podium: `make test` runs every test against the real PostgreSQL and Redis
# (started here if installed but not running); `make lint` checks style and bugs.

GO ?= go

.PHONY: test lint services run bench

test: services
	$(GO) test -race -count=1 -timeout 20m ./...

services:
	@./scripts/services.sh

lint:
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "not gofmt-formatted:"; echo "$$unformatted"; exit 1; fi
	$(GO) tool staticcheck ./...

run: services
	$(GO) run ./cmd/podium demo

bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./scoring/ ./contest/assign/
