# Two commands for users: `make lab` and `make test`. Each sets up .venv on its own.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BSTAMP := $(VENV)/.installed-browser
# jupyter refuses to run as root without this flag (containers, CI)
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
PYTEST_ARGS ?=

.PHONY: lab test unit notebooks-test figures bench handouts execute lint clean help

help:
	@echo "make lab      - set up .venv (first time) and open JupyterLab on the index notebook"
	@echo "make test     - set up .venv, then run every test (unit, notebooks via nbval, figures, browser)"
	@echo "make figures  - regenerate figures/ from course_utils"
	@echo "make bench    - run every benchmark in benchmarks/ and print its tables"
	@echo "make handouts - write build/handouts/<lecture>.html: each lecture as offline HTML (text, figures; no sliders)"
	@echo "make execute  - re-execute every notebook in a fresh kernel and save it (maintainers)"

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed, found " + sys.version.split()[0]'
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

test: $(STAMP) $(BSTAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile tests notebooks --nbval-lax $(PYTEST_ARGS)

unit: $(STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/browser $(PYTEST_ARGS)

notebooks-test: $(STAMP)
	$(BIN)/python -m pytest --nbval-lax notebooks $(PYTEST_ARGS)

figures: $(STAMP)
	$(BIN)/python -m course_utils.figures

bench: $(STAMP) $(BSTAMP)
	@set -e; for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f; echo; done

handouts: $(STAMP)
	$(BIN)/python -m course_utils.handouts

execute: $(STAMP)
	$(BIN)/python -c 'import glob; from course_utils.notebook_tools import execute_notebook; [print("executed", execute_notebook(p).name) for p in sorted(glob.glob("notebooks/*.ipynb"))]'

lint:
	python3 ../shared/tools/notebook_lint.py notebooks

clean:
	rm -rf $(VENV) build
