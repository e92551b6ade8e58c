# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
CONFIG ?= configs/default.yaml
CORES ?= all

.PHONY: run test test-fast lint docs bench clean help chromium

help:
	@echo "make run [CONFIG=configs/x.yaml]  set up .venv and run the workflow"
	@echo "make test                         set up .venv and run lint + every test tier"
	@echo "make test-fast                    lint + unit tests only (no Snakemake, real data, cluster, browser)"
	@echo "make docs                         build the MkDocs site into site/ (strict)"
	@echo "make bench                        run the benchmarks"
	@echo "make clean                        remove results/ and the MLflow store"

$(BIN)/signalrnn: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or pass PYTHON=..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@

# The workflow puts the venv's bin first on its jobs' PATH (workflow/rules/common.smk).
run: $(BIN)/signalrnn
	$(BIN)/snakemake --cores $(CORES) --configfile $(CONFIG)

# The browser tests need Debian's chromium: installed here when missing and we are root; otherwise
# they skip (under CI, with env CI set, they fail).
chromium:
	@if ! command -v chromium >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } || \
	  echo "chromium could not be installed: the browser tests will skip (fail under CI)"; fi

lint: $(BIN)/signalrnn
	$(BIN)/ruff check signalrnn tests benchmarks
	$(BIN)/lint-imports

# The docs: README.md for newcomers, docs/ (with the config reference generated from the schema)
# for the rest; --strict fails on broken links and pages missing from the nav.
docs: $(BIN)/signalrnn
	$(BIN)/mkdocs build --strict --site-dir site

test: lint docs chromium
	$(BIN)/pytest

test-fast: lint
	$(BIN)/pytest -m "not workflow and not real_data and not cluster and not browser"

bench: $(BIN)/signalrnn
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf results .snakemake mlflow.db mlartifacts mlruns site
