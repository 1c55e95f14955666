# The two set-up commands: `make demo` and `make test`. Each creates .venv and installs what it needs.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_STAMP := $(VENV)/.apt-installed
DEB_PACKAGES := tesseract-ocr tesseract-ocr-eng poppler-utils chromium

.PHONY: demo test lint golden bench samples clean deps

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

# Debian packages (OCR for scanned bills, PDF rendering for tests). Skipped when already present.
$(APT_STAMP): | $(BIN)/python
	@if ! command -v tesseract >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1 \
	    || ! command -v chromium >/dev/null 2>&1; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    $$SUDO apt-get update -q && $$SUDO apt-get install -y -q $(DEB_PACKAGES); \
	  else echo "warning: install $(DEB_PACKAGES) by hand (no apt-get)"; fi; \
	fi
	touch $(APT_STAMP)

deps: $(STAMP) $(APT_STAMP)

demo: deps
	$(BIN)/recon run samples --out out/demo --as-of 2026-11-23
	@echo
	@echo "Outputs are in out/demo/: report.json, report.html (open it in a browser), findings.csv,"
	@echo "ledger.csv, matches.csv. Try also: $(BIN)/recon proof samples --account 712345678 --out out/demo"

test: deps
	$(BIN)/python -m pytest

lint: deps
	$(BIN)/ruff check recon tests scripts

golden: deps
	$(BIN)/python -m pytest tests --update-golden

samples: deps
	$(BIN)/python scripts/make_samples.py samples

bench: deps
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) out .pytest_cache
