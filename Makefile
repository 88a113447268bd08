# Two commands do all set-up on a machine with only python3:
#   make demo   create .venv, install flopcast, predict a bundled sample at the current round
#   make test   the same set-up, then the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

# --no-compile: pip would byte-compile, one file after another, every module of the ~770 MB it
# installs (whestbench brings pandas, matplotlib, pyarrow, ...), most of which no test imports:
# 42 -> 18 CPU s, all of it before the first test. What the suite imports is compiled on its first
# import (`make test` clears PYTHONDONTWRITEBYTECODE), except what a run imports with
# sys.dont_write_bytecode set (the verify child, tests/oracle.py): numpy's and flopscope's lazily
# imported modules (fft, linalg, polynomial, stats), compiled here on both cores (4 CPU s) so no
# run compiles them again (docs/testing.md, Session 52). The pip upgrade stays: the venv's own
# pip 23.2 spends 33 CPU s on the same install.
RUN_PACKAGES := numpy flopscope whestbench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-compile -e ".[test]"
	$(BIN)/python -m compileall -q -j 0 $$($(BIN)/python -c "import importlib.util as u, sys; \
		print(*(u.find_spec(n).submodule_search_locations[0] for n in sys.argv[1:]))" $(RUN_PACKAGES))
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/flopcast analyze samples/covariance_propagation.py

# PYTHONDONTWRITEBYTECODE= : a shell that sets it (these sessions' shells do) makes every Python process
# of the suite compile flopcast's ~230 modules again (0.75 s CPU a process: the workers, their
# zygotes, each `python -m flopcast` and LSP server a test starts), and each worker rewrite every
# test module's asserts again. The oracle's runs (tests/oracle.py) and the verify child import
# estimators with sys.dont_write_bytecode set: a file rewritten within a second runs as written.
test: $(STAMP)
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n 2 --dist loadgroup -q

bench: $(STAMP)
	for b in bench/*.py; do case $$b in */run_estimator.py) ;; *) echo "== $$b"; $(BIN)/python $$b || exit 1;; esac; done

clean:
	rm -rf $(VENV) build *.egg-info
