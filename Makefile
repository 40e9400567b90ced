# The README's two commands are `make book` and `make test`; both create .venv if missing.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: book test execute exercises bench clean

$(STAMP): pyproject.toml constraints.txt share/jupyter/kernels/constructeur-sandbox/kernel.json
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --constraint constraints.txt --editable ".[dev]"
	# the grading kernelspec (an editable install does not copy data files)
	$(VENV)/bin/jupyter kernelspec install --sys-prefix --log-level=WARN share/jupyter/kernels/constructeur-sandbox
	touch $(STAMP)

MATHJAX_VERSION := 3.2.2
MATHJAX := vendor/mathjax/es5/tex-mml-chtml.js

book: $(STAMP) $(MATHJAX)
	jupyter-book build . --warningiserror --nitpick --keep-going

# MathJax is served by the book itself (no CDN), so the book reads offline.
$(MATHJAX):
	rm -rf vendor/mathjax && mkdir -p vendor/mathjax
	npm pack --silent --pack-destination vendor mathjax@$(MATHJAX_VERSION) >/dev/null
	tar -xzf vendor/mathjax-$(MATHJAX_VERSION).tgz -C vendor/mathjax --strip-components=1 package/es5 package/LICENSE
	rm vendor/mathjax-$(MATHJAX_VERSION).tgz

# Two runs: coverage is measured on tests/ alone (under pytest-cov, nbval's kernels
# timed out here), then nbval re-executes the book and compares every output.
test: book
	$(PY) -m pytest --cov --cov-report=term-missing:skip-covered --cov-fail-under=95 tests
	$(PY) -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg book

execute: $(STAMP)
	$(PY) -m jupyter nbconvert --to notebook --execute --inplace book/*.ipynb

ASSIGNMENTS := blocks init io devices

exercises: $(STAMP)
	for a in $(ASSIGNMENTS); do nbgrader generate_assignment $$a --force --no-db || exit 1; done

clean:
	rm -rf _build
