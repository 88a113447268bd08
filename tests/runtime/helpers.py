"""Shared helpers for the runtime tests: where the fixtures and samples are, and how to run one."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path


from flopcast.model import Span
from flopcast.runtime.counter import run_in_process
from flopcast.runtime.protocol import RunRequest, RunResult

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Every estimator under samples/: single files, and folder submissions' estimator.py
# (their sibling modules such as helpers.py are not estimators).
ALL_SAMPLES = sorted(p for p in (ROOT / "samples").rglob("*.py")
                     if p.name == "estimator.py" or not (p.parent / "estimator.py").exists())
#: Samples built to fail when run: their block is sized from the budget alone, so at any test
#: budget it is over whestbench's memory limit (tests/runtime/test_failing_samples.py runs them).
FAIL_WHEN_RUN = {ROOT / "samples" / "advice" / "memory_hog.py"}
#: The samples that run to the end: verified clean against the real count.
SAMPLES = [p for p in ALL_SAMPLES if p not in FAIL_WHEN_RUN]

#: Small enough to be fast, large enough that nothing sensible runs out.
BUDGET = 10**12


def fixture(name: str) -> Path:
    """The estimator.py of a test-only submission folder under tests/runtime/fixtures/."""
    return (FIXTURES / name / "estimator.py").resolve()


def run_here(path: Path, width: int = 32, depth: int = 2, budget: int = BUDGET, **kw) -> RunResult:
    """Run under the attributing meter in this process (no child: fast, for counter tests)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # flopscope's symmetry-loss warnings
        return run_in_process(RunRequest(str(path), width, depth, budget), **kw)


def ast_spans(path: Path, line: int, kind: type) -> list[Span]:
    """The spans ast gives every node of ``kind`` that starts on ``line``."""
    tree = ast.parse(path.read_text())
    return [
        Span(str(path), n.lineno, n.col_offset, n.end_lineno, n.end_col_offset)
        for n in ast.walk(tree)
        if isinstance(n, kind) and n.lineno == line
    ]


def line_of(path: Path, text: str) -> int:
    """1-based number of the first line of ``path`` containing ``text``."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not found in {path}")


def real_analyzer():
    """The real static analyzer."""
    from flopcast.analyzer import analyze

    return analyze


def assert_verified_exact(tmp_path: Path, program: str, points) -> None:
    """``program`` (an estimator's indented text) verified at each of ``points``: every
    expression's static count is the run's."""
    import textwrap

    from flopcast.runtime.diff import EXACT
    from flopcast.runtime.verify import verify_point

    real_analyzer()
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(program))
    for point in points:
        result = verify_point(path.resolve(), point, timeout=120)
        differing = [(str(r.span), r.op, r.static, r.dynamic) for r in result.expressions if not r.matches]
        assert result.verdict == EXACT, (point, differing)


def sample_id(path: Path) -> str:
    """A sample's name for test ids and messages: its path under samples/."""
    return path.relative_to(ROOT / "samples").with_suffix("").as_posix()
