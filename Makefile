# Homeward: `make demo` and `make test` work on a fresh machine (they create .venv themselves).
# Installs are reproducible: every dependency comes from requirements/*.lock, pinned with hashes
# (pip --require-hashes), then the project itself with --no-deps. `make lock` re-resolves the
# locks from pyproject.toml (after adding or bumping a dependency).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements/dev.lock
BENCH_LOCK := requirements/bench.lock
LOCK_VENV := .venv-lock
UV_VERSION := 0.13.9
COMPILE := $(LOCK_VENV)/bin/uv pip compile pyproject.toml --quiet --generate-hashes --universal \
	--python-version 3.11 --custom-compile-command "make lock"
POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
SRC := hub connectors policies keys homeward

.PHONY: demo test check bench venv lock clean screenshots

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/homeward demo

test: $(STAMP)
	HOMEWARD_TEST_POSTGRES_URL=$${HOMEWARD_TEST_POSTGRES_URL:-$(POSTGRES_URL)} \
		$(BIN)/pytest -q -rs

screenshots: $(STAMP)
	HOMEWARD_SCREENSHOTS=1 $(BIN)/pytest -q tests/browser

check: $(STAMP)
	$(BIN)/ruff check $(SRC) tests bench
	$(BIN)/ruff format --check $(SRC)
	$(BIN)/mypy $(SRC)

bench: $(STAMP)
	$(BIN)/pip install --quiet --require-hashes -r $(BENCH_LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/python -m bench

# The bench lock is resolved within the dev lock, so both install the same versions.
lock:
	test -x $(LOCK_VENV)/bin/uv || ($(PYTHON) -m venv $(LOCK_VENV) \
		&& $(LOCK_VENV)/bin/pip install --quiet uv==$(UV_VERSION))
	$(COMPILE) --extra dev -o $(LOCK)
	$(COMPILE) --extra dev --extra bench -c $(LOCK) -o $(BENCH_LOCK)

clean:
	rm -rf $(VENV) $(LOCK_VENV) .pytest_cache .mypy_cache .ruff_cache
