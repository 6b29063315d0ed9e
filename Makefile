# GradPhoto — see README "Quick start". Every target installs missing system
# packages first (scripts/deps.sh, apt-get; sudo when not root).
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)
export LANG := zh_CN.UTF-8
export CGO_ENABLED := 1

GO      ?= go
TAGS    := migrated_fynedo
BIN     := bin/gradphoto
GOFILES  = $(shell git ls-files -co --exclude-standard '*.go')
# Tests and screenshots need a display: use Xvfb when there is none.
XVFB    := $(if $(DISPLAY),,xvfb-run -a -s "-screen 0 1280x1024x24")
FUZZTIME ?= 30s

.PHONY: deps build build-server run server server-pg test test-pg walk package loadtest bench fuzz screenshots acceptance clean

deps:
	@bash scripts/deps.sh

build: deps
	$(GO) build -tags $(TAGS) -o $(BIN) .

# The reference server: no Fyne, no OpenCV.
build-server:
	$(GO) build -o bin/gradphoto-server ./cmd/gradphoto-server

# make server: a reference server on 127.0.0.1:8080 with its data in
# SERVER_DATA; prints an enrolment code for a kiosk and the reviewer page
# with a first reviewer's password.
SERVER_DATA ?= server-data
server: build-server
	@bash scripts/server.sh bin/gradphoto-server $(SERVER_DATA)

# make server-pg: the same on a throw-away PostgreSQL (scripts/pg.sh) in
# SERVER_PG, stopped and removed when the server stops.
SERVER_PG ?= /tmp/gradphoto-server-pg
server-pg: build-server
	@url=$$(bash scripts/pg.sh start $(SERVER_PG)) || exit 1; \
	trap 'bash scripts/pg.sh stop $(SERVER_PG)' EXIT; \
	DB="$$url" bash scripts/server.sh bin/gradphoto-server $(SERVER_PG)/server

# make loadtest: the load test's figures (scripts/loadtest.sh): flat out on
# SQLite and on a throw-away PostgreSQL (one and two instances), paced at
# RATE submissions/s, and with each instance held to INSTANCE_CPU of a
# core; KIOSKS, SUBMISSIONS and FAULTS as the environment gives them.
loadtest: deps build-server
	bash scripts/loadtest.sh bin/gradphoto-server

# make run ARGS="--fullscreen" for a real kiosk; ARGS="--screen identity --lang en" for one screen.
run: build
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
	  echo "no display: running under Xvfb (nothing visible; set DISPLAY to see the window)"; \
	  xvfb-run -a -s "-screen 0 1280x1024x24" ./$(BIN) $(ARGS); \
	else ./$(BIN) $(ARGS); fi

# Packages that use gocv: run once more with gocv's matprofile tag, which
# fails the run when a Mat is left open (internal/matleak).
GOCV_PKGS = ./imaging/... ./internal/fixture ./camera ./capture/... ./cli ./ui

test: deps
	@bad=$$(gofmt -l $(GOFILES)); if [ -n "$$bad" ]; then echo "gofmt needed:"; echo "$$bad"; exit 1; fi
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum are not tidy: run go mod tidy"; exit 1; }
	$(GO) vet -tags $(TAGS) ./...
	$(XVFB) $(GO) test -race -tags $(TAGS) ./...
	$(XVFB) $(GO) test -tags $(TAGS),matprofile $(GOCV_PKGS)
	$(MAKE) test-pg
	$(MAKE) walk
	$(MAKE) package
	bash scripts/package-check.sh $(DIST)

# The server's and the sync's tests once more, on a throw-away PostgreSQL
# (scripts/pg.sh: initdb and pg_ctl in a temporary folder, fsync off),
# each test on a database of its own.
PG_PKGS = ./server/... ./remote ./loadtest
test-pg: deps
	@dir=$$(mktemp -d /tmp/gradphoto-pg.XXXXXX); \
	url=$$(PG_FSYNC=off bash scripts/pg.sh start $$dir) || exit 1; \
	echo "PostgreSQL in $$dir"; \
	GRADPHOTO_TEST_PG="$$url" $(GO) test -race -tags $(TAGS) $(PG_PKGS); rc=$$?; \
	bash scripts/pg.sh stop $$dir; exit $$rc

# The kiosk's real window walked through, zh-CN and en, by clicks on the
# words on screen (scripts/walk.sh); screenshots in WALK_OUT.
WALK_OUT ?= /tmp/gradphoto-walk
walk: build
	bash scripts/walk.sh $(BIN) $(WALK_OUT)

# The kiosk PC's install: a .deb and a tar.xz in DIST (scripts/package.sh);
# scripts/package-check.sh installs the .deb and checks it opens full screen.
DIST ?= dist
package: build
	bash scripts/package.sh $(BIN) $(DIST)

# Budgets are for one core: GOMAXPROCS 1 and one OpenCV thread.
bench: deps
	OPENCV_FOR_THREADS_NUM=1 $(GO) test -tags $(TAGS) -run '^$$' -bench . -benchmem -cpu 1 ./store ./roster ./imaging/... ./camera ./capture/...

# Every fuzz target (found from the func Fuzz declarations), FUZZTIME each.
fuzz: deps
	FUZZTIME=$(FUZZTIME) TAGS=$(TAGS) bash scripts/fuzz.sh

screenshots: build
	bash scripts/screenshots.sh $(BIN) docs/screenshots
	GRADPHOTO_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run TestReviewInABrowser ./server

# The photo engine on its acceptance set (testdata/acceptance): rewrites the
# table in README.md and leaves the photos in ACCEPTANCE_OUT.
ACCEPTANCE_OUT ?= /tmp/gradphoto-acceptance
acceptance: deps
	mkdir -p $(ACCEPTANCE_OUT)
	$(GO) run -tags $(TAGS) ./tools/acceptance -readme README.md -out $(ACCEPTANCE_OUT)

clean:
	rm -rf bin dist
