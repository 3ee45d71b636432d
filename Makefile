# Two commands: `make run` and `make test`. Both create .venv on first use. CI runs `make test` and then
# `make test-slow` (.ci/run), so every test runs before anything lands.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test test-slow test-all lint check build bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)  ## build the demo site and serve it (demo club data on a new database) on http://127.0.0.1:8000
	$(BIN)/club serve --demo --host $(HOST) --port $(PORT)

test: $(STAMP)  ## lint, then the default suite (6–11 min): everything but the tests marked slow or browser
	$(BIN)/ruff check .
	$(BIN)/pytest -m "not slow and not browser"

test-slow: $(STAMP)  ## the tests marked slow or browser (whole builds, servers, worker races, chromium; 7–11 min)
	$(BIN)/pytest -m "slow or browser"

test-all: $(STAMP)  ## lint, then every test in one run
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .

check: $(STAMP)
	$(BIN)/club check --strict

build: $(STAMP)
	$(BIN)/club build --strict

bench: $(STAMP)
	$(BIN)/python bench/build.py --pages 300,1000,3000 --skip-plain

clean:
	rm -rf site .cache $(VENV)
