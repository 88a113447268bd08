import sys
from pathlib import Path

# tests/oracle.py (the runtime oracle) is imported by test modules in every folder.
sys.path.insert(0, str(Path(__file__).resolve().parent))


def pytest_terminal_summary(terminalreporter):
    """Say loudly when the report's browser tests were skipped (no Chromium on this machine)."""
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if "BROWSER TESTS DID NOT RUN" in str(getattr(r, "longrepr", ""))]
    if skipped:
        terminalreporter.write_sep("!", f"BROWSER TESTS DID NOT RUN ({len(skipped)} skipped): "
                                        "no Chromium here; install Debian's chromium package to run them", red=True)
