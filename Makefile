# Two commands for a newcomer: `make demo` and `make test`. Both build .venv/ first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# torch first and pinned: it is served as a CPU build from local disk here, whereas a bare
# `torch` requirement would pull a multi-GB CUDA build.
TORCH := torch==2.13.0

.PHONY: demo test test-slow lint install clean browser

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q $(TORCH)
	$(BIN)/python -m pip install -q -e ".[dev,ray]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/quotestance analyze eval/fixtures/example.txt

test: $(STAMP) browser
	$(BIN)/python -m pytest -q
	$(BIN)/ruff check .

# In CI (CI set), install Debian's chromium for the test that screenshots a rendered article;
# elsewhere, and if the install fails, that one test skips and says why.
browser:
	@if [ -n "$$CI" ] && ! command -v chromium >/dev/null 2>&1; then \
		echo "CI: installing chromium for the render screenshot test"; \
		{ DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || \
		  { apt-get update -qq >/dev/null 2>&1 && \
		    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; }; } || \
		echo "CI: could not install chromium; the screenshot test will skip"; \
	fi

test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -m slow

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) build *.egg-info
