# Two entry points for a new machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run demo-cli test lint typecheck install clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/yibao warm
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/yibao serve --demo --host $${HOST:-127.0.0.1} --port $${PORT:-8000}

demo-cli: $(STAMP)
	$(BIN)/yibao compare --region 拉萨
	$(BIN)/yibao policy show --region 拉萨 --group inpatient

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
