# Two commands: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint check build bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)  ## build the demo site and serve it (demo club data on a new database) on http://127.0.0.1:8000
	$(BIN)/club serve --demo --host $(HOST) --port $(PORT)

test: $(STAMP)  ## lint, then the whole suite (slow and browser tests included)
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
