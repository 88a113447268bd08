"""Weird-but-valid estimators never make flopcast fail, hang or run the user's code.

Every .py file of this folder (other than this one) is an estimator built around constructs
that have broken static analysers: values flopcast cannot compute used as indices and shapes,
0-d arrays, unbounded and deep recursion, deep nesting, huge known loops, overflow,
generators, star-args, nested classes, decorators, walrus and match, lambdas, global and
nonlocal, exceptions with computed messages, the program's own TypeErrors and ValueErrors,
a missing or odd predict, syntax corners and hostile calls (os.system, open, eval, exec).

Each is analysed in-process at a small point and at the round's size and rendered in every
format (tests/exercise.py): whatever the report says, no exception may escape, no entry may
be flopcast's own "internal error", and no file may run past the wall-time guard.
"""

from __future__ import annotations

import glob
import signal
from pathlib import Path

import pytest
from exercise import exercise

from flopcast.model import Point

HERE = Path(__file__).resolve().parent
FILES = sorted(p for p in HERE.glob("*.py") if not p.name.startswith("test_"))
SMALL = Point(8, 1, 2**20)
ROUND = Point(1024, 16, 2**41)
#: Generous: the files are small, but CI machines can be slow and loaded.
HANG_SECONDS = 120


class Hang(BaseException):
    """Past the guard (a BaseException: no handler inside flopcast can swallow it)."""


def _on_alarm(signum, frame):
    raise Hang()


@pytest.fixture
def guard():
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    except Hang:
        pytest.fail(f"no result after {HANG_SECONDS} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("point", [SMALL, ROUND], ids=["8x1", "1024x16"])
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_no_internal_error(path: Path, point: Point, guard):
    report = exercise(path, point)
    assert report is not None, f"{path.name} is a valid estimator file"


def test_hostile_code_never_runs():
    marker = "/tmp/flopcast-adversarial-marker"
    for leftover in glob.glob(marker + "*"):
        Path(leftover).unlink() if Path(leftover).is_file() else Path(leftover).rmdir()
    report = exercise(HERE / "hostile.py", SMALL)
    assert report is not None
    assert glob.glob(marker + "*") == []


def test_a_missing_predict_is_a_raise_about_the_class():
    report = exercise(HERE / "missing_predict.py", SMALL)
    assert [(r.span.line, r.every_path, r.in_setup) for r in report.raises] == [(6, True, True)]
    assert "defines no predict" in report.raises[0].what


def test_unbounded_recursion_with_new_arguments_is_unbounded_at_its_line():
    report = exercise(HERE / "deep_recursion.py", SMALL)
    unbounded = {(u.span.line, u.what) for u in report.unpriced}
    # forever() on every path; ping/pong on the path where the value-dependent branch is taken
    assert unbounded == {(7, "unbounded"), (11, "unbounded")} or unbounded == {(7, "unbounded"), (15, "unbounded")}
    assert report.lower_bound


def test_an_unknown_index_is_unpriced_at_its_line_not_taken_for_an_int():
    report = exercise(HERE / "unknown_index.py", SMALL)
    assert report.lower_bound
    assert any(u.span.line == 11 and u.what == "indexing" for u in report.unpriced)


def test_indexing_a_0d_array_past_its_dimensions_is_the_programs_index_error():
    report = exercise(HERE / "zero_d.py", SMALL)
    assert not report.raises  # the IndexError is caught by the program's own handler
    assert not any(u.what == "internal error" for u in report.unpriced)


def test_nesting_python_itself_cannot_compile_is_an_error_for_people():
    from flopcast.analyzer import analyze
    from flopcast.analyzer.source import SourceError

    source = (HERE / "deep_nesting.py").read_text().replace("mlp.depth + 1", "mlp.depth + " + "1 + " * 3000 + "1")
    with pytest.raises(SourceError, match="nested too deeply for Python to compile"):
        analyze(HERE / "deep_nesting.py", SMALL, source=source)


@pytest.mark.parametrize("name", ["zero_d", "syntax_edges", "module_level_oddities", "predict_lambda"])
def test_files_called_exact_equal_the_runtime_count(name):
    from oracle import assert_exact_match, measure

    report = exercise(HERE / f"{name}.py", SMALL)
    assert not report.unpriced and not report.raises
    assert_exact_match(report, measure(HERE / f"{name}.py", SMALL))


def test_a_bare_raise_without_an_active_exception_is_a_runtime_error_its_handler_catches():
    report = exercise(HERE / "exceptions.py", SMALL)
    assert not report.raises
    # except* is not modelled: the path ends at the try statement, a lower bound
    assert [(u.span.line, u.what) for u in report.unpriced if u.what == "analysis stopped"] == [(36, "analysis stopped")]


def test_a_predict_that_is_not_callable_is_a_raise():
    report = exercise(HERE / "predict_not_a_function.py", SMALL)
    assert [r.what for r in report.raises] == ["TypeError: 'int' object is not callable"]
