"""A float read from data that a site compared with a number: a later test of the same value
against the same number follows that answer (compared_floats.py). The interval's ends are then
runs of the program with the float forced to lie above, at, below the bound, or to be a NaN (a
NaN compares False, so `x > c` False leaves `x <= c` open); a test of another number, or of an
equal-looking unknown that stands for another layer's number, stays a site of its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "compared_floats"
POINTS = [Point(8, 2, 2**41), Point(16, 3, 2**41)]
#: the float above, at and below 0.3, and a NaN
FORCED = ("1.0", "0.3", "0.1", "float('nan')")


def _forced(tmp_path: Path, fixture: str, values: dict, prelude: str = "") -> Path:
    """The fixture with each expression of ``values`` evaluated as before but worth its value;
    ``prelude``: lines put after the imports."""
    path = tmp_path / f"{fixture}_{abs(hash((tuple(values.items()), prelude)))}.py"
    source = (FIXTURES / f"{fixture}.py").read_text()
    for expr, value in values.items():
        assert expr in source
        source = source.replace(expr, f"[{expr}, {value}][1]")
    imports = "from whestbench import BaseEstimator\n"
    path.write_text(source.replace(imports, imports + prelude))
    return path


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_a_complementary_test_of_the_same_float_follows_the_first_answer(tmp_path, point):
    report = analyze(FIXTURES / "complement.py", point)
    runs = [measure(_forced(tmp_path, "complement", {"float(fnp.std(ws[0]))": v}), point).total for v in FORCED]
    # before: both tests were sites, and the path running both arms cost more than any run
    assert (report.total.lo, report.total.hi) == (min(runs), max(runs))


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_repeated_mirrored_and_negated_tests_follow_it_too(tmp_path, point):
    report = analyze(FIXTURES / "forms.py", point)
    # `spread > LIMIT` is the site; `spread == 0.3` (open where it was not above) and the
    # rebound number's test are sites of their own
    assert sorted(u.span.line for u in report.uncertain) == [14, 20, 23]
    runs = [measure(_forced(tmp_path, "forms", {"float(fnp.std(ws[0]))": first, "float(fnp.std(ws[-1]))": later}),
                    point).total
            for first in FORCED for later in ("1.0", "0.1")]
    assert (report.total.lo, report.total.hi) == (min(runs), max(runs))


@pytest.mark.parametrize("point", [Point(8, 3, 2**41)], ids=lambda p: f"{p.width}x{p.depth}")
def test_another_layers_number_from_the_same_helper_is_tested_on_its_own(tmp_path, point):
    report = analyze(FIXTURES / "layer_helper.py", point)
    for layers in ("1.0, 0.1, 0.1", "0.1, 1.0, 1.0", "1.0, 1.0, 1.0", "0.1, 0.1, 0.1"):
        program = _forced(tmp_path, "layer_helper", {"float(fnp.std(w))": "next(_LAYERS)"},
                          f"_LAYERS = iter([{layers}])\n")
        count = measure(program, point).total
        assert report.total.contains(count), (layers, count, report.total)


@pytest.mark.parametrize("point", POINTS, ids=lambda p: f"{p.width}x{p.depth}")
def test_an_operand_of_and_or_records_and_follows_the_answer(tmp_path, point):
    report = analyze(FIXTURES / "and_or.py", point)
    # `spread > 0.3 and n > 2` is the site; `n < 2 or spread <= 0.3` stays open only at a NaN,
    # and the lone `spread > 0.3` follows the first answer
    assert sorted(u.span.line for u in report.uncertain) == [12, 14]
    runs = [measure(_forced(tmp_path, "and_or", {"float(fnp.std(ws[0]))": v}), point).total for v in FORCED]
    # before: each operand was a site of its own, and a path ran both matmul arms
    assert (report.total.lo, report.total.hi) == (min(runs), max(runs))
