"""An op whose raising depends on the values, outside any `try`, is presumed not to raise.

``fnp.linalg.solve`` raises LinAlgError on a singular matrix, an SVD on a NaN; inside a `try`
each is a value-dependent site, outside one flopcast counts the run on as if it did not raise
(README "Where flopcast is not exact yet"). The count stays what it was, but a total that rests
on such a presumption is not called plain "exact": the status names each presumed line, its op
and when it raises, and the JSON lists them (``total.presumes_no_raise``).
"""

from __future__ import annotations

import json

import pytest
from oracle import assert_exact_match, measure, write_program

from flopcast.analyzer import analyze
from flopcast.analyzer.render import render_text, to_json
from flopcast.model import Point

PROGRAM = """\
    import flopscope.numpy as fnp
    import numpy as np
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            a = {matrix}
            x = fnp.linalg.solve(a, fnp.ones(mlp.width))
            return fnp.zeros((mlp.depth, mlp.width)) + x[None, :]
    """
SINGULAR = "fnp.zeros((mlp.width, mlp.width)) + w[0, 0]"  # every entry equal
REGULAR = "fnp.eye(mlp.width) * 2.0"
POINT = Point(8, 2, 10**6)


def _status(report) -> str:
    return render_text(report).splitlines()[4].strip()


def test_an_uncaught_singular_solve_is_exact_only_presuming_it_does_not_raise(tmp_path):
    path = write_program(tmp_path, PROGRAM, matrix=SINGULAR)
    report = analyze(path, POINT)
    with pytest.raises(Exception, match="Singular matrix"):
        measure(path, POINT)
    assert report.exact  # the count of the run on, as before: no raise site
    assert _status(report) == "exact, presuming no LinAlgError: line 10 fnp.linalg.solve (the matrix is singular)"
    listed = to_json(report)["total"]["presumes_no_raise"]
    assert [(p["line"], p["op"], p["exception"]) for p in listed] == [(10, "fnp.linalg.solve", "LinAlgError")]


def test_the_presumed_count_is_the_run_where_the_solve_does_not_raise(tmp_path):
    path = write_program(tmp_path, PROGRAM, matrix=REGULAR)
    report = analyze(path, POINT)
    assert_exact_match(report, measure(path, POINT))
    assert _status(report).startswith("exact, presuming no LinAlgError: line 10 ")


def test_a_solve_inside_a_try_is_a_value_dependent_site_not_a_presumption(tmp_path):
    path = write_program(tmp_path, PROGRAM.replace(
        "            x = fnp.linalg.solve(a, fnp.ones(mlp.width))\n",
        "            try:\n"
        "                x = fnp.linalg.solve(a, fnp.ones(mlp.width))\n"
        "            except np.linalg.LinAlgError:\n"
        "                x = fnp.ones(mlp.width)\n"), matrix=SINGULAR)
    report = analyze(path, POINT)
    assert report.presumes_no_raise == []
    assert [(u.span.line, u.kind) for u in report.uncertain] == [(11, "exception")]
    assert "presuming" not in _status(report)
    assert report.total.contains(measure(path, POINT).total)


def test_a_program_with_no_such_op_is_plain_exact(tmp_path):
    path = write_program(tmp_path, PROGRAM.replace("fnp.linalg.solve(a, fnp.ones(mlp.width))",
                                                   "a @ fnp.ones(mlp.width)"), matrix=REGULAR)
    report = analyze(path, POINT)
    assert_exact_match(report, measure(path, POINT))
    assert report.presumes_no_raise == []
    assert _status(report) == "exact"


def test_check_json_and_the_html_header_name_the_presumption_too(tmp_path, capsys):
    from flopcast.cli import main
    from flopcast.report.page import _header

    path = write_program(tmp_path, PROGRAM, matrix=SINGULAR)
    main(["check", str(path), "--format", "json", "--width", "8", "--depth", "2"])
    prediction = json.loads(capsys.readouterr().out)["targets"][0]["prediction"]
    assert prediction["exact"] is True
    assert [(p["line"], p["op"]) for p in prediction["presumes_no_raise"]] == [(10, "fnp.linalg.solve")]
    header = _header(analyze(path, POINT), None)
    assert (header.kind, header.status) == (
        "exact", "exact, presuming no LinAlgError: line 10 fnp.linalg.solve (the matrix is singular)")


def test_int_of_a_float_read_from_data_outside_a_try_is_presumed_finite(tmp_path):
    path = write_program(tmp_path, PROGRAM.replace("fnp.linalg.solve(a, fnp.ones(mlp.width))",
                                                   "a[0] * int(float(fnp.max(w)) * 0.0)"), matrix=REGULAR)
    report = analyze(path, POINT)
    assert_exact_match(report, measure(path, POINT))
    assert _status(report) == ("exact, presuming no ValueError: line 10 int() (cannot convert float NaN to integer); "
                               "no OverflowError: line 10 int() (cannot convert float infinity to integer)")
