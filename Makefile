# Two commands do all set-up on a machine with only python3:
#   make demo   create .venv, install flopcast, predict a bundled sample at the current round
#   make test   the same set-up, then the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

# uv (from PyPI, into the venv by the venv's own pip) installs flopcast and its ~70 dependencies:
# it fetches and unpacks them in parallel and byte-compiles nothing unless asked. pip (even with
# --no-compile and upgraded first) spent 13-15 user CPU s and 24-51 s of wall here; uv, its own
# install included, 8-10 and 12-28 s (12.5 s less wall, paired), the same versions (docs/testing.md,
# Session 54). Byte-compiling every module of the ~770 MB installed (whestbench brings pandas,
# matplotlib, pyarrow, ...) would cost 24 CPU s, most of it for modules no test imports. What the
# suite imports is compiled on its first import (`make test` clears PYTHONDONTWRITEBYTECODE), except
# what a run imports with sys.dont_write_bytecode set (the verify child, tests/oracle.py): numpy's and
# flopscope's lazily imported modules (fft, linalg, polynomial, stats), compiled here on both cores (4
# CPU s) so no run compiles them again (docs/testing.md, Session 52).
RUN_PACKAGES := numpy flopscope whestbench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e ".[test]"
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
