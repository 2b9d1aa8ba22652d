# `make run` and `make test` set everything up themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test chromium bench screenshot clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall whenever the build inputs change (setup.py compiles the optional C aligner).
BUILD_INPUTS := pyproject.toml setup.py server/claimnotes/_aligner.c server/claimnotes/_retrieval.c \
                server/claimnotes/_units.c server/claimnotes/_sentences.c

$(VENV)/.installed: $(BUILD_INPUTS) | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BUILD_INPUTS) | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,semantic]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Debian's Chromium for the extension tests (Playwright's own browser download
# is not used). Needs root, as in CI; otherwise install it once by hand.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; fi; \
	fi

run: install
	$(BIN)/claimnotes serve --host $(HOST) --port $(PORT)

# The tests must exercise the compiled aligner, not only its pure-Python fallback:
# tests/test_aligner_speedups.py fails if it was not built.
test: install-test chromium
	CLAIMNOTES_REQUIRE_SPEEDUPS=1 $(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/speed.py
	$(BIN)/python bench/quality.py

screenshot: install-test chromium
	$(BIN)/python bench/screenshot.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
