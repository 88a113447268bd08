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


#: a `finally` that leaves the function or the loop drops the exception in flight (Python's rule)
FINALLY_LEAVES = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            rows = [fnp.ones(mlp.width)] * mlp.depth
            for w in mlp.weights:
                try:
                    x = fnp.linalg.solve({matrix}, fnp.ones(mlp.width))
                    rows = [x * 2.0] * mlp.depth
                finally:
                    {leave}
            return fnp.stack(rows)
    """


@pytest.mark.parametrize("leave", ["break", "return fnp.stack(rows)"])
def test_a_solve_under_a_finally_that_leaves_is_a_site_not_a_presumption(tmp_path, leave):
    """The singular solve raises, the `finally` leaves and drops the LinAlgError, and the run goes
    on past the line after the solve: presuming the solve does not raise counted that line (a
    false exact)."""
    path = write_program(tmp_path, FINALLY_LEAVES, matrix=SINGULAR, leave=leave)
    report = analyze(path, POINT)
    assert report.presumes_no_raise == []
    assert report.total.contains(measure(path, POINT).total), report.total


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


# --- assertions: an `assert` outside any `try` whose truth depends on the values ---------------

ASSERTING = """\
    import math
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            x = w @ w
            {statement}
            return fnp.zeros((mlp.depth, mlp.width)) + x[0]
    """
TWO_SIZES = [Point(8, 2, 10**6), Point(16, 3, 10**7)]


@pytest.mark.parametrize("point", TWO_SIZES, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("test", ["float(fnp.max(x)) < 1e6", "fnp.all(fnp.isfinite(x))"])
def test_an_assert_of_the_values_outside_a_try_is_a_named_presumption(tmp_path, point, test):
    path = write_program(tmp_path, ASSERTING, statement=f"assert {test}")
    report = analyze(path, point)
    assert_exact_match(report, measure(path, point))  # the count of the run past the assert, as before
    shown = "float(fnp.max(x)) < 1000000.0" if "max" in test else test
    assert _status(report) == f"exact, presuming no AssertionError: line 10 assert (`{shown}` is false)"


def test_a_run_whose_assert_fails_stops_where_the_presumed_count_goes_on(tmp_path):
    path = write_program(tmp_path, ASSERTING, statement="assert float(fnp.max(x)) < -1e6")
    report = analyze(path, POINT)
    with pytest.raises(AssertionError):
        measure(path, POINT)
    assert report.exact
    assert [(p.span.line, p.op, p.exception) for p in report.presumes_no_raise] == [(10, "assert", "AssertionError")]


@pytest.mark.parametrize("point", TWO_SIZES, ids=lambda p: f"{p.width}x{p.depth}")
def test_an_assert_the_analysis_decides_is_no_presumption(tmp_path, point):
    path = write_program(tmp_path, ASSERTING,
                         statement="assert x.shape == (mlp.width, mlp.width) and mlp.width > 0 and x.ndim == 2")
    report = analyze(path, point)
    assert_exact_match(report, measure(path, point))
    assert _status(report) == "exact"


def test_an_assert_inside_a_try_is_a_site_not_a_presumption(tmp_path):
    path = write_program(tmp_path, ASSERTING.replace(
        "            {statement}\n",
        "            try:\n"
        "                assert float(fnp.max(x)) < 1e6\n"
        "            except AssertionError:\n"
        "                x = x @ w\n"))
    report = analyze(path, POINT)
    assert report.presumes_no_raise == []
    assert [(u.span.line, u.kind) for u in report.uncertain] == [(11, "exception")]
    assert report.total.contains(measure(path, POINT).total)


@pytest.mark.parametrize("point", TWO_SIZES, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("caught", ["KeyError", "ArithmeticError", "(KeyError, ValueError)"])
def test_an_assert_under_a_handler_that_cannot_catch_it_is_a_named_presumption(tmp_path, point, caught):
    """AssertionError goes past these handlers and ends the run, as outside any try: the count
    is the run past the assert, named as a presumption (it was a site whose failing path ran the
    handler's matmul, which no run can do)."""
    path = write_program(tmp_path, ASSERTING.replace(
        "            {statement}\n",
        "            try:\n"
        "                assert float(fnp.max(x)) < 1e6\n"
        f"            except {caught}:\n"
        "                x = x @ w\n"))
    report = analyze(path, point)
    assert_exact_match(report, measure(path, point))
    assert _status(report) == \
        "exact, presuming no AssertionError: line 11 assert (`float(fnp.max(x)) < 1000000.0` is false)"


@pytest.mark.parametrize("point", TWO_SIZES, ids=lambda p: f"{p.width}x{p.depth}")
def test_a_finite_guard_that_raises_is_a_site_of_two_paths_not_a_presumption(tmp_path, point):
    """`if not fnp.all(fnp.isfinite(x)): raise ...` is a branch on values: both of its answers are
    analysed (the raise is on some paths) and the nominal count is the run's; nothing is presumed
    outside the interval."""
    path = write_program(tmp_path, ASSERTING, statement="if not fnp.all(fnp.isfinite(x)): raise ValueError('not finite')")
    report = analyze(path, point)
    run = measure(path, point).total
    assert report.presumes_no_raise == []
    assert (report.nominal, report.total.hi) == (run, run) and report.total.lo < run
    assert [(r.span.line, r.what, r.every_path) for r in report.raises] == [(10, "ValueError('not finite')", False)]
    assert "presuming" not in _status(report)


# --- math functions of numbers read from data ----------------------------------------------------
# (a sum of squares is never negative: signs.py; its difference with a number may be)

MATH_OF = """\
    import math
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            x = w @ w
            s = {expr}
            return fnp.zeros((mlp.depth, mlp.width)) + x[0] * s
    """


@pytest.mark.parametrize("point", TWO_SIZES, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("expr, presumed", [
    ("math.sqrt(float(fnp.sum(x * x) - 1e-30))", "no ValueError: line 10 math.sqrt() (the argument is negative)"),
    ("math.log(float(fnp.sum(x * x)))", "no ValueError: line 10 math.log() (the argument is zero or negative)"),
    ("math.log(float(fnp.sum(x * x)), 2)", "no ValueError: line 10 math.log() (the argument is zero or negative)"),
    ("math.exp(-float(fnp.max(x)))",
     "no OverflowError: line 10 math.exp() (the argument is above 709.78, the result past the largest float)"),
    ("math.cos(float(fnp.max(x)))", "no ValueError: line 10 math.cos() (the argument is infinite)"),
    ("math.log(int(fnp.sum(x > 1.0)))",  # a count, which may be 0
     "no ValueError: line 10 math.log() (the argument is zero or negative)"),
])
def test_a_math_function_of_data_that_may_raise_is_a_named_presumption(tmp_path, point, expr, presumed):
    path = write_program(tmp_path, MATH_OF, expr=expr)
    report = analyze(path, point)
    assert_exact_match(report, measure(path, point))
    assert _status(report) == f"exact, presuming {presumed}"


def test_a_math_function_of_data_outside_its_domain_raises_in_the_run_the_count_presumes_past(tmp_path):
    path = write_program(tmp_path, MATH_OF, expr="math.sqrt(float(fnp.min(w)))")  # weights are signed
    report = analyze(path, POINT)
    with pytest.raises(ValueError, match="math domain error"):
        measure(path, POINT)
    assert report.exact
    assert [(p.span.line, p.op, p.exception) for p in report.presumes_no_raise] == [(10, "math.sqrt()", "ValueError")]


@pytest.mark.parametrize("point", TWO_SIZES, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("expr", [
    "math.sqrt(2.0 * mlp.width)",  # a known number
    "math.tanh(float(fnp.max(x))) + math.atan(float(fnp.max(x)))",  # no value makes these raise
    "math.sqrt(int(fnp.sum(x > 1.0))) + math.log(1 + int(fnp.sum(x > 1.0)))",  # a count: 0 or more
])
def test_a_math_function_no_value_of_its_arguments_makes_raise_is_no_presumption(tmp_path, point, expr):
    path = write_program(tmp_path, MATH_OF, expr=expr)
    report = analyze(path, point)
    assert_exact_match(report, measure(path, point))
    assert _status(report) == "exact"


GUARDED = """\
    import math
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator

    HUGE = 1e30


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            x = mlp.weights[0] @ mlp.weights[0]
            s, peak, low = 1.0, float(fnp.max(x)), float(fnp.min(x))
            {guarded}
            return fnp.zeros((mlp.depth, mlp.width)) + x[0] * s
    """


@pytest.mark.parametrize("point", TWO_SIZES, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("guarded, presumed", [
    ("if peak > HUGE: s = s / math.sqrt(peak)", None),  # past 1e30: no negative reaches it
    ("if 0.5 < peak: s = s + math.log(peak)", None),
    ("if low <= 0.5: s = 0.0\n        else: s = math.sqrt(low) + math.log(low)", None),  # above 0.5, or a NaN
    ("if (big := float(fnp.sum(x))) >= 0: s = math.sqrt(big)", None),
    ("s = math.log(max(low, 1e-30)) + math.log(max(1e-30, low))", None),  # at least 1e-30, or a NaN
    ("assert peak > 0.0\n        s = math.log(peak)", "no AssertionError: line 12 assert (`peak > 0.0` is false)"),
    ("if peak > 2.0: s = s + math.exp(peak)",
     "no OverflowError: line 12 math.exp() (the argument is above 709.78, the result past the largest float)"),
    ("if peak < 1e300: s = s + math.sqrt(peak)", "no ValueError: line 12 math.sqrt() (the argument is negative)"),
    ("if peak >= 0: s = s + math.log(peak)", "no ValueError: line 12 math.log() (the argument is zero or negative)"),
    ("if peak > -1.0: s = s + math.sqrt(peak)", "no ValueError: line 12 math.sqrt() (the argument is negative)"),
    ("s = math.sqrt(max([peak]))", "no ValueError: line 12 math.sqrt() (the argument is negative)"),  # no bound
])
def test_a_float_an_if_put_past_a_bound_is_asked_only_past_it(tmp_path, point, guarded, presumed):
    """`math.sqrt(peak)` under `if peak > 1e30:` cannot raise: the branch holds it past the bound
    (at least 0), and CPython's function is asked only there (a NaN fails `>`, passes `not <=`);
    so does `max(low, 1e-30)`."""
    path = write_program(tmp_path, GUARDED, guarded=guarded)
    report = analyze(path, point)
    assert_exact_match(report, measure(path, point))
    assert _status(report) == ("exact" if presumed is None else f"exact, presuming {presumed}")


CAUGHT_MATH = """\
    import math
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            x = w @ w
            try:
                s = {expr}
            except {caught}:
                x = x @ w
                s = 1.0
            return fnp.zeros((mlp.depth, mlp.width)) + x[0] * s
    """


@pytest.mark.parametrize("point", TWO_SIZES, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("caught", ["ValueError", "Exception", "(KeyError, ValueError)", "BaseException"])
def test_a_math_function_of_data_under_a_handler_that_catches_its_error_is_a_site_of_two_paths(tmp_path, point, caught):
    """The weights are signed: the run's sqrt raises and the handler's matmul runs. It is inside
    the interval, not past an 'exact, presuming no ValueError' count of the path where the sqrt
    goes through (1,095 for a run of 2,055 at 8x2)."""
    path = write_program(tmp_path, CAUGHT_MATH, expr="math.sqrt(float(fnp.min(w)))", caught=caught)
    report = analyze(path, point)
    run = measure(path, point).total
    assert not report.exact and report.total.contains(run) and report.total.lo < run
    assert report.presumes_no_raise == []
    assert [(u.span.line, u.kind) for u in report.uncertain] == [(11, "exception")]


def test_a_bare_except_catches_the_math_error_too(tmp_path):
    path = write_program(tmp_path, CAUGHT_MATH.replace("except {caught}:", "except:"),
                         expr="math.log(float(fnp.min(w)))")
    report = analyze(path, POINT)
    run = measure(path, POINT).total
    assert not report.exact and report.total.contains(run) and report.total.lo < run


@pytest.mark.parametrize("point", TWO_SIZES, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("expr, caught, presumed", [
    # ArithmeticError is no base of ValueError: a domain error goes past it and ends the run
    ("math.sqrt(float(fnp.sum(x * x) - 1e-30))", "ArithmeticError", "no ValueError: line 11 math.sqrt() (the argument is negative)"),
    ("math.sqrt(float(fnp.sum(x * x) - 1e-30))", "FloatingPointError",
     "no ValueError: line 11 math.sqrt() (the argument is negative)"),
    ("math.exp(-float(fnp.max(x)))", "ValueError",
     "no OverflowError: line 11 math.exp() (the argument is above 709.78, the result past the largest float)"),
])
def test_a_math_function_of_data_under_a_handler_that_cannot_catch_its_error_is_a_presumption(
        tmp_path, point, expr, caught, presumed):
    """Session 35's choice stands outside such handlers: no raising path for every `sqrt(norm)`."""
    path = write_program(tmp_path, CAUGHT_MATH, expr=expr, caught=caught)
    report = analyze(path, point)
    assert_exact_match(report, measure(path, point))
    assert _status(report) == f"exact, presuming {presumed}"


@pytest.mark.parametrize("point", TWO_SIZES, ids=lambda p: f"{p.width}x{p.depth}")
def test_an_overflow_of_a_math_function_is_a_site_under_the_handler_that_catches_it(tmp_path, point):
    """math.exp raises OverflowError (an ArithmeticError) past 709.78, never ValueError."""
    path = write_program(tmp_path, CAUGHT_MATH, expr="math.exp(-float(fnp.max(x)))", caught="ArithmeticError")
    report = analyze(path, point)
    assert report.total.contains(measure(path, point).total) and not report.exact
    assert report.presumes_no_raise == []
    assert [(u.span.line, u.kind) for u in report.uncertain] == [(11, "exception")]


def test_every_output_names_the_assert_and_math_presumptions(tmp_path, capsys):
    """The text status, analyze's and check's JSON and the HTML page's header share the status."""
    from markupsafe import escape

    from flopcast.cli import main

    path = write_program(tmp_path, MATH_OF.replace("            s = {expr}\n",
                                                   "            assert fnp.all(fnp.isfinite(x))\n"
                                                   "            s = math.sqrt(float(fnp.sum(x * x) - 1e-30))\n"))
    status = ("exact, presuming no AssertionError: line 10 assert (`fnp.all(fnp.isfinite(x))` is false); "
              "no ValueError: line 11 math.sqrt() (the argument is negative)")
    listed = [(10, "assert", "AssertionError"), (11, "math.sqrt()", "ValueError")]
    assert _status(analyze(path, POINT)) == status
    main(["analyze", str(path), "--format", "json", "--width", "8", "--depth", "2"])
    total = json.loads(capsys.readouterr().out)["total"]
    assert [(p["line"], p["op"], p["exception"]) for p in total["presumes_no_raise"]] == listed
    main(["check", str(path), "--format", "json", "--width", "8", "--depth", "2"])
    prediction = json.loads(capsys.readouterr().out)["targets"][0]["prediction"]
    assert [(p["line"], p["op"], p["exception"]) for p in prediction["presumes_no_raise"]] == listed
    page = tmp_path / "page.html"
    assert main(["report", str(path), "-o", str(page), "--width", "8", "--depth", "2"]) == 0
    assert str(escape(status)) in page.read_text()


def test_two_calls_on_one_line_are_one_presumption_in_the_status(tmp_path):
    path = write_program(tmp_path, MATH_OF, expr="math.log(float(fnp.max(x))) - math.log(float(fnp.min(x)))")
    report = analyze(path, POINT)
    assert len(report.presumes_no_raise) == 2  # each call is listed in JSON, at its column
    assert _status(report) == "exact, presuming no ValueError: line 10 math.log() (the argument is zero or negative)"

#: An inverse made ahead of its consumer: by a generator expression kept in `gen`, or by a
#: generator function's body, run whole when its first item is taken (outside the `try`).
AHEAD = """\
    import flopscope.numpy as fnp
    import numpy as np
    from whestbench import BaseEstimator


    def items(a):
        yield a * 1.0
        yield fnp.linalg.inv(a)


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            a = {matrix}
            {made}
            out = w
            try:
                {taken}
            except np.linalg.LinAlgError:
                out = w * 3.0
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(out)
    """
MADE_AHEAD = {
    "kept_generator_expression_taken_by_next": ("gen = (fnp.linalg.inv(x) for x in [a, a])", "out = out + next(gen)"),
    "kept_generator_expression_looped_over": ("gen = (fnp.linalg.inv(x) for x in [a, a])",
                                              "for m in gen: out = out @ m"),
    "kept_generator_expression_zipped": ("gen = (fnp.linalg.inv(x) for x in [a, a])",
                                         "for k, m in zip(range(2), gen): out = out @ m"),
    "generator_function_after_a_first_next": ("gen = items(a); out = next(gen)", "out = out + next(gen)"),
}


@pytest.mark.parametrize("made, taken", MADE_AHEAD.values(), ids=MADE_AHEAD.keys())
def test_items_made_ahead_and_taken_inside_a_try_are_not_presumed_not_to_raise(tmp_path, made, taken):
    """flopcast makes the items where the generator is written (outside the `try`) and presumed
    the inverse does not raise; Python makes them as the `try` takes them, whose handler runs on
    a singular matrix: the count after it is not counted (a lower bound, below the run)."""
    path = write_program(tmp_path, AHEAD, matrix=SINGULAR, made=made, taken=taken)
    for point in (POINT, Point(16, 3, 10**7)):
        report = analyze(path, point)
        counted = measure(path, point).total
        assert report.lower_bound and report.total.lo <= counted, (report.total, counted)


def test_items_made_ahead_and_taken_outside_any_try_keep_the_presumed_count(tmp_path):
    path = write_program(tmp_path, AHEAD.replace("            try:\n                {taken}\n"
                                                 "            except np.linalg.LinAlgError:\n                out = w * 3.0\n",
                                                 "            {taken}\n"),
                         matrix=REGULAR, made=MADE_AHEAD["kept_generator_expression_taken_by_next"][0],
                         taken="out = out + next(gen)")
    for point in (POINT, Point(16, 3, 10**7)):
        report = analyze(path, point)
        assert_exact_match(report, measure(path, point))
        assert _status(report).startswith("exact, presuming no LinAlgError: line 15 fnp.linalg.inv")


def test_an_assert_made_ahead_and_taken_inside_a_try_is_not_presumed_to_hold(tmp_path):
    """The assert runs where Python makes the item, inside the consumer's `try`, whose handler runs
    when it fails (the weights are signed): not the count of a run past it ('exact, presuming no
    AssertionError' was 254 for a run of 1,150 at 8x2)."""
    path = write_program(tmp_path, AHEAD.replace("    def items(a):\n", "    def checked(a):\n"
                                                 "        assert float(fnp.min(a)) > 0.0\n        return a\n\n\n"
                                                 "    def items(a):\n").replace("np.linalg.LinAlgError", "AssertionError"),
                         matrix="w", made="gen = (checked(x) for x in [a, a])", taken="out = out @ next(gen)")
    for point in (POINT, Point(16, 3, 10**7)):
        report = analyze(path, point)
        counted = measure(path, point).total
        assert report.lower_bound and report.total.lo <= counted, (report.total, counted)



CAUGHT_INT = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            x = w @ w
            try:
                n = {conversion}(float(fnp.max(x)) * 0.0)
            except {caught}:
                x = x @ w
                n = 1
            return fnp.zeros((mlp.depth, mlp.width)) + x[0] * n
    """


@pytest.mark.parametrize("point", TWO_SIZES, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("conversion", ["int", "round"])
@pytest.mark.parametrize("caught, presumed", [
    ("KeyError", ["ValueError", "OverflowError"]),  # neither goes to the handler: as outside a try
    ("ValueError", ["OverflowError"]),
    ("(OverflowError, KeyError)", ["ValueError"]),
    ("ArithmeticError", ["ValueError"]),
    ("Exception", []),
])
def test_int_of_a_float_read_from_data_under_a_handler_is_a_site_only_for_what_it_catches(
        tmp_path, point, conversion, caught, presumed):
    """int() of a NaN raises ValueError, of an infinity OverflowError: each goes to the handler
    only when it catches that class (a site of the line); past it a raise ends the run, presumed
    away as outside a try (a site there made a raising path out of predict no handler runs on)."""
    path = write_program(tmp_path, CAUGHT_INT, conversion=conversion, caught=caught)
    report = analyze(path, point)
    run = measure(path, point).total
    assert [p.exception for p in report.presumes_no_raise] == presumed
    caught_some = len(presumed) < 2
    assert [(u.span.line, u.kind) for u in report.uncertain] == ([(10, "exception")] if caught_some else [])
    if caught_some:  # the handler's matmul on one path (the run, finite, takes the other)
        assert not report.exact and report.total.contains(run) and report.total.lo < report.total.hi
    else:
        assert_exact_match(report, measure(path, point))


def test_int_of_a_nan_read_from_data_runs_the_handler_that_catches_its_value_error(tmp_path):
    path = write_program(tmp_path, CAUGHT_INT.replace("* 0.0)", "* math.nan)").replace(
        "    import flopscope.numpy as fnp\n", "    import math\n    import flopscope.numpy as fnp\n"),
        conversion="int", caught="ValueError")
    report = analyze(path, POINT)
    run = measure(path, POINT).total
    assert report.total.contains(run) and report.total.lo < run == report.total.hi



SUPPRESSED = """\
    import contextlib
    import math
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            x = w @ w
            s = 1.0
            with contextlib.suppress({caught}):
                s = {expr}
                x = x @ w
            return fnp.zeros((mlp.depth, mlp.width)) + x[0] * s
    """


@pytest.mark.parametrize("point", TWO_SIZES, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("expr, caught, presumed", [
    ("int(float(fnp.max(x)) * 0.0)", "KeyError", ["ValueError", "OverflowError"]),
    ("int(float(fnp.max(x)) * 0.0)", "ValueError, KeyError", ["OverflowError"]),
    ("int(float(fnp.max(x)) * 0.0)", "ArithmeticError", ["ValueError"]),
    ("1.0 / (float(fnp.sum(x > 1e9)) + 1.0)", "ValueError", ["ZeroDivisionError"]),
    ("1.0 / float(fnp.sum(x > 1e9))", "ZeroDivisionError", []),  # the run divides by 0: the matmul is skipped
    ("math.sqrt(float(fnp.min(w)))", "ValueError", []),  # the weights are signed: skipped too
    ("math.sqrt(float(fnp.min(w)))", "Exception", []),
])
def test_a_suppress_with_catches_what_an_except_clause_of_its_classes_would(tmp_path, point, expr, caught, presumed):
    """`with contextlib.suppress(KeyError):` lets a ValueError through as `except KeyError:` does:
    a raise there ends the run, presumed away (it was a site, whatever the classes suppressed)."""
    path = write_program(tmp_path, SUPPRESSED, expr=expr, caught=caught)
    report = analyze(path, point)
    run = measure(path, point).total
    assert [p.exception for p in report.presumes_no_raise] == presumed
    caught_some = len(presumed) < (1 if expr.startswith("1.0") else 2)
    assert [(u.span.line, u.kind) for u in report.uncertain] == ([(13, "exception")] if caught_some else [])
    if caught_some:
        assert not report.exact and report.total.contains(run) and report.total.lo < report.total.hi
    else:
        assert_exact_match(report, measure(path, point))

# --- Python's operators on numbers read from data ------------------------------------------------

CAUGHT_OPERATOR = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            x = w @ w
            c = float(fnp.sum(x > 1e9))  # 0.0 in the run: no entry is that large
            try:
                s = {expr}
            except {caught}:
                x = x @ w
                s = 1.0
            return fnp.zeros((mlp.depth, mlp.width)) + x[0] * s
    """


@pytest.mark.parametrize("point", TWO_SIZES, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("caught", ["ZeroDivisionError", "ArithmeticError", "Exception", "(ValueError, ZeroDivisionError)"])
@pytest.mark.parametrize("expr", ["1.0 / c", "2.0 // c", "1.0 % c"])
def test_a_division_by_data_inside_a_try_that_catches_it_is_a_site_of_two_paths(tmp_path, point, caught, expr):
    """The handler's matmul runs when the count is 0: the run is inside the interval, not past an
    'exact' count of the path where the division goes through (1,222 for a run of 2,182 at 8x2)."""
    path = write_program(tmp_path, CAUGHT_OPERATOR, expr=expr, caught=caught)
    report = analyze(path, point)
    run = measure(path, point).total
    assert not report.exact and report.total.contains(run) and report.total.lo < run
    assert report.presumes_no_raise == []
    assert [(u.span.line, u.kind) for u in report.uncertain] == [(11, "exception")]


@pytest.mark.parametrize("point", TWO_SIZES, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("expr,operator", [("pow(c, -1)", "c ** -1"), ("divmod(1.0, c)[0]", "1.0 // c")])
def test_the_builtins_pow_and_divmod_of_data_raise_as_their_operators(tmp_path, point, expr, operator):
    """``pow(a, b)`` is ``a ** b`` and ``divmod(a, b)`` is ``(a // b, a % b)``: the same interval
    as the operator's, the run inside it (they were not priced: a lower bound)."""
    (tmp_path / "builtin").mkdir()
    (tmp_path / "operator").mkdir()
    path = write_program(tmp_path / "builtin", CAUGHT_OPERATOR, expr=expr, caught="ArithmeticError")
    report = analyze(path, point)
    twin = analyze(write_program(tmp_path / "operator", CAUGHT_OPERATOR, expr=operator, caught="ArithmeticError"), point)
    assert not report.lower_bound and report.total == twin.total
    assert report.total.contains(measure(path, point).total)


def test_a_power_of_data_raises_either_exception_into_the_handler_that_catches_both(tmp_path):
    """`c ** -1` raises ZeroDivisionError at 0 and OverflowError past 1/1e-308: two sites under
    `except ArithmeticError:`; under `except ZeroDivisionError:` the OverflowError is presumed away."""
    path = write_program(tmp_path, CAUGHT_OPERATOR, expr="c ** -1", caught="ArithmeticError")
    report = analyze(path, POINT)
    run = measure(path, POINT).total
    assert not report.exact and report.total.contains(run) and report.total.lo < run
    assert report.presumes_no_raise == []
    path = write_program(tmp_path, CAUGHT_OPERATOR, expr="c ** -1", caught="ZeroDivisionError")
    report = analyze(path, POINT)
    assert report.total.contains(run) and report.total.lo < run
    assert [(p.span.line, p.exception) for p in report.presumes_no_raise] == [(11, "OverflowError")]


def test_a_bare_except_catches_the_division_too(tmp_path):
    path = write_program(tmp_path, CAUGHT_OPERATOR.replace("except {caught}:", "except:"), expr="1.0 / c")
    report = analyze(path, POINT)
    run = measure(path, POINT).total
    assert not report.exact and report.total.contains(run) and report.total.lo < run


@pytest.mark.parametrize("point", TWO_SIZES, ids=lambda p: f"{p.width}x{p.depth}")
def test_a_division_by_data_inside_a_try_whose_handler_cannot_catch_it_is_a_presumption(tmp_path, point):
    """A ZeroDivisionError goes past `except ValueError:` and ends the run, as outside any try."""
    path = write_program(tmp_path, CAUGHT_OPERATOR, expr="1.0 / (c + 1.0)", caught="ValueError")
    report = analyze(path, point)
    assert_exact_match(report, measure(path, point))
    assert _status(report) == "exact, presuming no ZeroDivisionError: line 11 `/` (the divisor is zero)"


@pytest.mark.parametrize("point", TWO_SIZES, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("expr, presumed", [
    ("1.0 / float(fnp.sum(x * x))", "no ZeroDivisionError: line 10 `/` (the divisor is zero)"),
    ("mlp.width // int(fnp.sum(x > 1.0))", "no ZeroDivisionError: line 10 `//` (the divisor is zero)"),
    ("float(fnp.max(x)) ** 3", "no OverflowError: line 10 `**` (the result is past the largest float)"),
])
def test_a_python_operator_of_data_that_may_raise_outside_a_try_is_a_named_presumption(tmp_path, point, expr, presumed):
    path = write_program(tmp_path, MATH_OF, expr=expr)
    report = analyze(path, point)
    assert_exact_match(report, measure(path, point))
    assert _status(report) == f"exact, presuming {presumed}"


def test_a_division_by_zero_outside_a_try_stops_the_run_the_count_presumes_past(tmp_path):
    path = write_program(tmp_path, MATH_OF, expr="1.0 / float(fnp.sum(x > 1e9))")
    report = analyze(path, POINT)
    with pytest.raises(ZeroDivisionError):
        measure(path, POINT)
    assert report.exact
    assert [(p.span.line, p.op, p.exception) for p in report.presumes_no_raise] == [(10, "`/`", "ZeroDivisionError")]


@pytest.mark.parametrize("point", TWO_SIZES, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("expr", [
    "float(fnp.sum(x * x)) / 4.0 + float(fnp.max(x)) * 2.0 - 1.0",  # no divisor read from data
    "1.0 / max(float(fnp.sum(x * x)), 1e-12)",  # at least 1e-12, or a NaN (NaN / NaN is no raise)
    "int(fnp.sum(x > 1.0)) // 2 + 2.0 ** int(fnp.sum(x > 1.0))",  # a count is at most w*w
    "float(fnp.max(x)) / mlp.width",
])
def test_a_python_operator_no_value_of_its_operands_makes_raise_is_no_presumption(tmp_path, point, expr):
    path = write_program(tmp_path, MATH_OF, expr=expr)
    report = analyze(path, point)
    assert_exact_match(report, measure(path, point))
    assert _status(report) == "exact"


@pytest.mark.parametrize("point", TWO_SIZES, ids=lambda p: f"{p.width}x{p.depth}")
def test_a_division_an_if_put_past_zero_is_no_presumption(tmp_path, point):
    path = write_program(tmp_path, GUARDED, guarded="if peak > 0.0: s = 1.0 / peak")
    report = analyze(path, point)
    assert_exact_match(report, measure(path, point))
    assert _status(report) == "exact"


@pytest.mark.parametrize("point", TWO_SIZES, ids=lambda p: f"{p.width}x{p.depth}")
@pytest.mark.parametrize("expr", ["c / 0", "c % 0.0", "(c + 1.0) // 0"])
def test_a_number_read_from_data_divided_by_a_known_zero_always_raises(tmp_path, point, expr):
    """Whatever the number, the handler runs: exact (it was 'exact' without the handler's matmul)."""
    path = write_program(tmp_path, CAUGHT_OPERATOR, expr=expr, caught="ZeroDivisionError")
    report = analyze(path, point)
    assert_exact_match(report, measure(path, point))
    assert _status(report) == "exact"
