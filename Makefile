# Homeward: `make demo` and `make test` work on a fresh machine (they create .venv themselves).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
SRC := hub connectors policies keys homeward

.PHONY: demo test check bench venv clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/homeward demo

test: $(STAMP)
	HOMEWARD_TEST_POSTGRES_URL=$${HOMEWARD_TEST_POSTGRES_URL:-$(POSTGRES_URL)} \
		$(BIN)/pytest -q -rs

check: $(STAMP)
	$(BIN)/ruff check $(SRC) tests bench
	$(BIN)/ruff format --check $(SRC)
	$(BIN)/mypy $(SRC)

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
