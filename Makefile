# The README's two commands are `make book` and `make test`; both create .venv if missing.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: book test execute exercises bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --constraint constraints.txt --editable ".[dev]"
	touch $(STAMP)

book: $(STAMP)
	jupyter-book build . --warningiserror --nitpick --keep-going

test: book
	$(PY) -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg \
		--cov --cov-report=term-missing:skip-covered --cov-fail-under=95 tests book

execute: $(STAMP)
	$(PY) -m jupyter nbconvert --to notebook --execute --inplace book/*.ipynb

exercises: $(STAMP)
	$(PY) -m nbgrader generate_assignment --all --force --no-db

clean:
	rm -rf _build
