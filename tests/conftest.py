import gc
import os
import sys
from pathlib import Path

import pytest

# tests/oracle.py (the runtime oracle) is imported by test modules in every folder.
sys.path.insert(0, str(Path(__file__).resolve().parent))

# The suite's workers already take every core (`pytest -n 2`): helper processes running paths
# ahead (analyzer/ahead.py) would only add their forks and copied pages to the same cores (the
# suite took 15.3 min with them, over its 15). tests/test_paths_ahead.py sets its own value.
os.environ.setdefault("FLOPCAST_PATH_JOBS", "1")


def pytest_collection_finish(session):
    """The worker's cyclic collector set as the command line sets it while it runs
    (cli._one_shot_gc): what collection loaded (the modules, pytest's thousands of items) is
    frozen out of every later walk, and a young collection waits for a million new objects.
    Analyses build millions of objects that live to their end, which the default thresholds
    walk again and again (about a tenth of the CPU of the analysing tests); only when cyclic
    garbage is freed changes, never what a test computes. A test that measures memory sets
    the collector back as a grader's process has it (advice/test_memory.py)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(1_000_000, 50, 100)


def pytest_terminal_summary(terminalreporter):
    """Say loudly when the report's browser tests were skipped (no Chromium on this machine)."""
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if "BROWSER TESTS DID NOT RUN" in str(getattr(r, "longrepr", ""))]
    if skipped:
        terminalreporter.write_sep("!", f"BROWSER TESTS DID NOT RUN ({len(skipped)} skipped): "
                                        "no Chromium here; install Debian's chromium package to run them", red=True)


@pytest.hookimpl(trylast=True)  # after pytest-xdist's own hook, which appends the group where it still can
def pytest_collection_modifyitems(config, items):
    """Make ``--dist loadgroup`` group again (tests/corpus_runs.same_worker). pytest-xdist marks a
    test's group by appending ``@group`` to ``item._nodeid``; pytest 9 keeps the id elsewhere
    (``item._id``), so the suffix was lost and every group was split over both workers: each
    corpus point was analysed and run once per worker, not once (over 40% of test_corpus's
    and test_calibrate's CPU). Where xdist's suffix did not take, it is set here, on the worker
    that collected the test, before the ids are sent to the scheduler."""
    if not getattr(config.option, "loadgroup", False):
        return  # not an xdist worker under --dist loadgroup
    for item in items:
        groups = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                         for m in item.iter_markers("xdist_group")})
        if not groups or item.nodeid.endswith("@" + "_".join(groups)):
            continue
        if not hasattr(item, "_id"):
            raise pytest.UsageError(f"{item.nodeid}: cannot append its xdist_group; this pytest keeps node ids "
                                    "neither where pytest-xdist nor where tests/conftest.py looks")
        from _pytest.nodeid import NodeId  # pytest >= 9 (the only version reaching here)

        item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(groups)}")
