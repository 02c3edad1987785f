# GAN4NLP: environment, tests and the bilingual book.
#
#   make book   install everything, build the book: open _build/html/index.html
#   make test   install everything, run the tests, build the book, test its search
#   make lab    JupyterLab on notebooks/
#   make clean  remove build outputs (keeps .venv and node_modules; see distclean)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := book

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
JB     := $(VENV)/bin/jupyter-book
STAMP  := $(VENV)/.stamp
# PyTorch is installed first, explicitly, so that no later dependency resolution pulls a
# (multi-GB) CUDA build: here pip takes the CPU wheel from the local wheel folder. Elsewhere,
# TORCH_PIP_ARGS='--extra-index-url https://download.pytorch.org/whl/cpu' keeps it CPU-only.
# GPU users: see README.
TORCH_VERSION := 2.13.0
TORCH_PIP_ARGS ?=

BUILD := _build
SITE  := $(BUILD)/html
# jupyter-book build . --config ... --toc ... -W (warnings are errors, no --keep-going)
JB_BUILD := $(JB) build . --builder html --warningiserror
EN_CONFIG := _config.yml
EN_TOC    := _toc.yml
TH_CONFIG := book/th/_config.yml
TH_TOC    := book/th/_toc.yml
CHECK_NOTEBOOKS := ../shared/tools/check_notebooks.py
# Sphinx rebuilds pages whose source or config changed, but not for a changed static file or
# extension; when one of these changes, the editions are rebuilt from scratch (executed
# notebooks still come from the cache in $(BUILD)/.jupyter_cache).
BOOK_INFRA := $(shell find book/_static book/_ext -type f -not -name '*.pyc' 2>/dev/null) package-lock.json

.PHONY: venv assets book test lab clean distclean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install "torch==$(TORCH_VERSION)" $(TORCH_PIP_ARGS)
	$(PY) -m pip install -e '.[book,test]'
	@$(PY) -c "import torch; print('torch', torch.__version__, '(CUDA ' + str(torch.version.cuda) + ')')"
	@touch $@

# MathJax, require.js, the widget manager (npm ci when needed) and the Sarabun font, copied
# into $(BUILD)/vendor/: one folder that both editions load from _build/html/vendor/.
assets: $(STAMP)
	@rm -rf book/_static/vendor   # the old per-edition location: Sphinx would copy it into both editions
	$(PY) book/tools/vendor_assets.py . $(BUILD)/vendor

$(BUILD)/.infra-stamp: $(BOOK_INFRA)
	rm -rf $(BUILD)/en $(BUILD)/th
	@mkdir -p $(BUILD) && touch $@

# Widgets precompute their figures for the static book (gan4nlp/widgets/base.py); test: its notebooks fill the book's cache
book test: export GAN4NLP_STATIC_WIDGETS = 1
book: $(STAMP) assets $(BUILD)/.infra-stamp
	rm -rf $(SITE)
	$(JB_BUILD) --config $(EN_CONFIG) --toc $(EN_TOC) --path-output $(BUILD)/en
	$(JB_BUILD) --config $(TH_CONFIG) --toc $(TH_TOC) --path-output $(BUILD)/th
	mkdir -p $(SITE)
	cp -a $(BUILD)/en/_build/html $(SITE)/en
	cp -a $(BUILD)/th/_build/html $(SITE)/th
	cp -a $(BUILD)/vendor $(SITE)/vendor
	cp book/landing/index.html $(SITE)/index.html
	$(PY) book/tools/check_offline.py $(SITE)
	@echo "Book: $(SITE)/index.html (English: $(SITE)/en/index.html, Thai: $(SITE)/th/index.html)"

# The book's own tests (search index, browser) run once, after the book is built; the browser
# test needs Debian's chromium and says so in one line when it is missing.
test: $(STAMP)
	$(PY) -m pytest -q --ignore=tests/test_book_search.py --ignore=tests/test_browser.py
	@if [ -f $(CHECK_NOTEBOOKS) ]; then $(PY) $(CHECK_NOTEBOOKS) .; \
	 else echo "Skipped the en/th notebook pairing check: $(CHECK_NOTEBOOKS) not found (it sits beside the repository in the project's workspace)."; fi
	$(MAKE) book
	$(PY) -m pytest -q tests/test_book_search.py
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null || [ -n "$${CHROMIUM:-}" ]; then \
	  $(PY) -m pytest -q tests/test_browser.py; \
	else \
	  echo "tests/test_browser.py NOT RUN: no chromium on PATH (install it: apt-get install chromium)"; \
	fi

lab: $(STAMP)
	mkdir -p notebooks/en notebooks/th
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=notebooks

clean:
	rm -rf $(BUILD) book/_static/vendor .pytest_cache

distclean: clean
	rm -rf $(VENV) node_modules *.egg-info
