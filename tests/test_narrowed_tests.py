"""A local holding a Python bool read from data (`shrunk = float(m) > 0.5`) is narrowed to the
answer its first `if` test got on the path (Interpreter.narrow_tested_name): a later test of the
same local follows that answer instead of opening a site of its own, whose other answer no run can
give; a later read of it as a number is priced as that number. Where the function reads the local
only in `if` tests, each test still consults the first test's site, so a site proven to add up per
execution stays proven (joins._NarrowedWalk)."""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "narrowed"
TEST = "float(fnp.max(fnp.abs(x))) > 0.5"
POINTS = [Point(8, 3, 2**41), Point(16, 5, 2**41)]


def _forced(tmp_path: Path, fixture: str, answer: str) -> Path:
    """The fixture with its data-dependent test evaluated as before but answered by ``answer``
    (an expression in the layer's index ``i``)."""
    path = tmp_path / f"{fixture}_{abs(hash(answer))}.py"
    source = (FIXTURES / f"{fixture}.py").read_text()
    assert TEST in source
    path.write_text(source.replace(TEST, f"[{TEST}, {answer}][1]"))
    return path


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_a_flag_tested_twice_in_a_helper_gives_an_interval_whose_ends_are_runs(tmp_path, point):
    report = analyze(FIXTURES / "flag_in_helper.py", point)
    always = measure(_forced(tmp_path, "flag_in_helper", "True"), point).total
    never = measure(_forced(tmp_path, "flag_in_helper", "False"), point).total
    assert (report.total.lo, report.total.hi) == (min(always, never), max(always, never))


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_a_flag_read_as_a_number_after_its_test_is_priced_as_the_answer(tmp_path, point):
    report = analyze(FIXTURES / "read_otherwise.py", point)
    assert report.total.exact is False and not report.lower_bound
    always = measure(_forced(tmp_path, "read_otherwise", "True"), point).total
    never = measure(_forced(tmp_path, "read_otherwise", "False"), point).total
    assert (report.total.lo, report.total.hi) == (min(always, never), max(always, never))
    # `range(1 + 2 * int(shrunk))` reads the answer outside an `if` test: the site is not proven
    # per execution, and says so
    assert [s.line for s in report.alike] == [12]


#: Three layers: at four and more, the layer loop's skipped iterations leave no joins to prove from.
PROVEN_POINTS = [Point(8, 3, 2**41), Point(16, 3, 2**41)]


@pytest.mark.parametrize("point", PROVEN_POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_a_flag_read_only_by_if_tests_stays_proven_for_runs_that_mix_answers(tmp_path, point):
    report = analyze(FIXTURES / "shrunk_twice.py", point)
    assert report.alike == []
    for answer in ("True", "False", "i % 2 == 0", "i % 2 == 1", "i == 0"):
        count = measure(_forced(tmp_path, "shrunk_twice", answer), point).total
        assert report.total.contains(count), (answer, count, report.total)
