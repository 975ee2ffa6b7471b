# erpgo-monctl — every target does its own set-up on a fresh machine.
#   make render   render specs/erpgo.yaml into out/
#   make test     lint, drift check and the whole test suite (what CI runs)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
SOURCES := $(shell find src templates -type f -name '*.py' -o -type f -name '*.j2' -o -type f -name '*.json' 2>/dev/null)
SPEC ?= specs/erpgo.yaml
OUT ?= out

.PHONY: render check test pytest lint drift e2e bench tools clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Non-editable install: the tests exercise the package exactly as `pip install .` ships it.
$(STAMP): $(BIN)/python pyproject.toml $(SOURCES)
	$(BIN)/pip install -q --no-warn-script-location '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

render: $(STAMP)
	$(BIN)/monctl render $(SPEC) --out $(OUT)

check: render tools
	$(BIN)/monctl check $(OUT)

drift: $(STAMP)
	$(BIN)/monctl render $(SPEC) --out $(OUT) --check
	$(BIN)/monctl render $(SPEC) --target kubernetes --out out-kubernetes --check

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

pytest: $(STAMP) tools
	$(BIN)/pytest

test: lint drift pytest

e2e: $(STAMP) tools
	$(BIN)/pytest tests/e2e

bench: $(STAMP) tools
	$(BIN)/python bench/run.py

# promtool, amtool and the exporters from Debian's packages (the real checkers and servers the tests run;
# the blackbox exporter checks configs/blackbox.yml and probes in `make e2e`)
tools:
	@command -v promtool >/dev/null && command -v amtool >/dev/null \
	  && command -v prometheus-blackbox-exporter >/dev/null && command -v prometheus-node-exporter >/dev/null || { \
	  echo "installing (apt: prometheus prometheus-alertmanager prometheus-blackbox-exporter prometheus-node-exporter)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus prometheus-alertmanager \
	    prometheus-blackbox-exporter prometheus-node-exporter; }

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
