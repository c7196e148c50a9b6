# Two commands for users: `make lab` and `make test`. Each sets up its venv on its own.
# Without make (Windows, or any shell): see "Without make" in README.md; `python -m pytest` runs
# the same suite as `make test`, because its options live in pyproject.toml.
#
# `make test PYTHON=python3.13` (or a path to any interpreter) builds and uses .venv-3.13 instead
# of .venv, so several Pythons can sit side by side.
PYTHON ?= python3
# The Python releases the course is tested on (keep in step with pyproject's requires-python,
# course_utils/tools/environment.py and README.md: tests/test_environment.py checks that they agree).
SUPPORTED_PYTHONS := 3.11 3.12 3.13
PYVER := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
ifeq ($(origin PYTHON),command line)
VENV ?= .venv-$(PYVER)
else
VENV ?= .venv
endif
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BSTAMP := $(VENV)/.installed-browser
# jupyter refuses to run as root without this flag (containers, CI)
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
PYTEST_ARGS ?=
MATRIX_ARGS ?=

.PHONY: lab test unit notebooks-test matrix figures bench site handouts execute lint check-python clean help

help:
	@echo "make lab      - set up .venv (first time) and open JupyterLab on the index notebook"
	@echo "make test     - set up .venv, then every test (unit, notebooks via nbval, figures, browser)"
	@echo "                (PYTHON=python3.12 to use another supported Python: $(SUPPORTED_PYTHONS))"
	@echo "make matrix   - unit tests + nbval on every supported Python found, and under two other OpenBLAS kernels"
	@echo "make figures  - regenerate figures/ from course_utils"
	@echo "make bench    - run every benchmark in benchmarks/ and print its tables"
	@echo "make site     - write build/site/: the course as an offline, accessible web site (sliders move without a kernel)"
	@echo "make handouts - the same as make site (print a page to PDF for a handout)"
	@echo "make execute  - build every notebooks/NN_*.ipynb from its .md in a fresh kernel (NOTEBOOK=notebooks/03_....md for one)"
	@echo "make lint     - ruff (rules in pyproject.toml), and the shared notebook lint where ../shared exists"

# Stops with the list of supported releases when $(PYTHON) is missing or another release.
check-python:
	@if [ -z "$(PYVER)" ]; then \
	  echo "error: '$(PYTHON)' does not run. Install Python $(SUPPORTED_PYTHONS) (any of them) and run e.g. 'make lab PYTHON=python3.12'." >&2; exit 1; fi
	@case " $(SUPPORTED_PYTHONS) " in *" $(PYVER) "*) ;; *) \
	  echo "error: '$(PYTHON)' is Python $(PYVER); the course is tested on Python $(SUPPORTED_PYTHONS) only." >&2; \
	  echo "       Install one of them and run e.g. 'make lab PYTHON=python3.12' (or a full path to that python)." >&2; exit 1;; esac

$(BIN)/python:
	@$(MAKE) --no-print-directory check-python PYTHON="$(PYTHON)"
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a requirements file or the package metadata changed.
$(STAMP): requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -r requirements.txt
	touch $@

$(BSTAMP): requirements-browser.txt $(STAMP)
	$(BIN)/python -m pip install -r requirements-browser.txt
	touch $@

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb

# The options (two processes, nbval on notebooks/, test paths) are in pyproject.toml.
test: $(STAMP) $(BSTAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

unit: $(STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/browser $(PYTEST_ARGS)

notebooks-test: $(STAMP)
	$(BIN)/python -m pytest notebooks $(PYTEST_ARGS)

# Reproducibility: unit tests + every notebook under nbval on each supported Python this machine
# has (each in its own .venv-3.X), and under two OpenBLAS kernels other than the default.
matrix:
	$(PYTHON) .ci/matrix.py $(MATRIX_ARGS)

figures: $(STAMP)
	$(BIN)/python -m course_utils.tools.figures

bench: $(STAMP) $(BSTAMP)
	@set -e; for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f; echo; done

# The course as a static site: every notebook executed once, each live figure's slider rendered at its positions.
site: $(STAMP)
	$(BIN)/python -m course_utils.tools.site

handouts: site

# Build notebooks/NN_*.ipynb from their MyST sources (notebooks/NN_*.md) in a fresh kernel, saved executed.
NOTEBOOK ?=
execute: $(STAMP)
	$(BIN)/python -m course_utils.tools.notebook_tools $(NOTEBOOK)

# ruff (rules in pyproject.toml); the shared notebook lint too where ../shared exists (maintainers, CI)
lint: $(STAMP)
	$(BIN)/python -m ruff check .
	@if [ -f ../shared/tools/notebook_lint.py ]; then python3 ../shared/tools/notebook_lint.py notebooks; fi

clean:
	rm -rf .venv .venv-3.* build
