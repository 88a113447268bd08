import os
import sys
from pathlib import Path

# tests/oracle.py (the runtime oracle) is imported by test modules in every folder.
sys.path.insert(0, str(Path(__file__).resolve().parent))

# The suite's workers already take every core (`pytest -n 2`): helper processes running paths
# ahead (analyzer/ahead.py) would only add their forks and copied pages to the same cores (the
# suite took 15.3 min with them, over its 15). tests/test_paths_ahead.py sets its own value.
os.environ.setdefault("FLOPCAST_PATH_JOBS", "1")


def pytest_terminal_summary(terminalreporter):
    """Say loudly when the report's browser tests were skipped (no Chromium on this machine)."""
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if "BROWSER TESTS DID NOT RUN" in str(getattr(r, "longrepr", ""))]
    if skipped:
        terminalreporter.write_sep("!", f"BROWSER TESTS DID NOT RUN ({len(skipped)} skipped): "
                                        "no Chromium here; install Debian's chromium package to run them", red=True)
