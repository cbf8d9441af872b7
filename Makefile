# The two commands a newcomer needs: `make demo` and `make test`. Each creates .venv with
# python3 -m venv when it is missing and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
SAMPLE := data/sample
OUT ?= out/sample-plan
JOBS ?= 2

.PHONY: demo test docs lint format lab bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/pmo-analytics validate $(SAMPLE)
	$(BIN)/pmo-analytics plan $(SAMPLE) --out $(OUT)

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) -m pytest -n $(JOBS) --dist worksteal -q --doctest-modules tests pmo_analytics

# The API reference from the docstrings (Sphinx + numpydoc), warnings as errors: docs/_build/html
docs: $(VENV)/.installed-dev
	$(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lab: $(VENV)/.installed-dev
	$(BIN)/jupyter lab notebooks/

bench: $(VENV)/.installed-dev
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache .hypothesis docs/_build docs/generated
