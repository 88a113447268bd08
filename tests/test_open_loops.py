"""While loops bounded only by a number flopcast does not know (analyzer/open_loops.py).

`while it < max_it and err > tol:` with `max_it` read from data (or unpriced) asks a site at
`it < max_it` in each iteration; on the path where every site answers "go on", nothing the
loop computes can end it. Such a loop used to run to MAX_LOOP_ITERATIONS (100,000 iterations)
on that path, half a minute or more (tests/fuzz/test_mutations.py's fft_head mutants). Now it
ends the path after a few iterations as unbounded: the total is a lower bound naming the
loop, and the real run's count is at least its low end. A loop whose counter is read any other
way (a known cap, an index, a closure) still runs as before, and keeps its exact interval.
"""

from __future__ import annotations

import textwrap

import pytest

from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

HEADER = "import flopscope.numpy as fnp\nfrom whestbench import BaseEstimator, MLP\n\n"


def _program(body: str, helpers: str = "") -> str:
    return (HEADER + textwrap.dedent(helpers) + "\n\nclass Estimator(BaseEstimator):\n"
            "    def predict(self, mlp: MLP, budget: int):\n"
            "        h = fnp.ones(mlp.width, dtype=fnp.float32)\n"
            "        w = mlp.weights[0]\n"
            + textwrap.indent(textwrap.dedent(body), "        ")
            + "\n        return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32)\n")


#: The step each loop runs: one matmul at the line marked `# step`.
OPEN = {
    # the counter against a number read from data with no bound
    "counter_and_a_tolerance": """
        max_it = int(fnp.max(h @ w) * 10.0)
        it, err = 0, 1.0
        while it < max_it and err > 1e-3:
            h = fnp.tanh(h @ w)  # step
            err = float(fnp.max(h))
            it += 1
        """,
    "counter_alone": """
        max_it = int(fnp.max(h @ w) * 10.0)
        it = 0
        while it < max_it:
            h = fnp.tanh(h @ w)  # step
            it = it + 1
        """,
    # the counter compared in an exit `if`, on the right
    "counter_in_an_exit_if": """
        max_it = int(fnp.max(h @ w) * 10.0)
        it = 0
        while True:
            if max_it <= it:
                break
            h = fnp.tanh(h @ w)  # step
            it += 1
        """,
    # a list only appended to, its length against the unknown
    "a_list_that_grows": """
        n = int(fnp.max(h @ w) * 10.0)
        cols = [h]
        while len(cols) < n:
            cols.append(fnp.tanh(h @ w))  # step
        """,
}

#: Loops whose counter steers something else: each must run as before (a bounded interval).
BOUNDED = {
    # a known cap beside the unknown one
    "a_known_cap_too": """
        max_it = int(fnp.max(h @ w) * 10.0)
        it = 0
        while it < max_it and it < 5:
            h = fnp.tanh(h @ w)  # step
            it += 1
        """,
    "a_known_cap_in_an_exit_if": """
        max_it = int(fnp.max(h @ w) * 10.0)
        it = 0
        while it < max_it:
            h = fnp.tanh(h @ w)  # step
            it += 1
            if it >= 5:
                break
        """,
    # the counter read as an index: the loop ends by IndexError... into a handler
    "an_index_ends_it": """
        max_it = int(fnp.max(h @ w) * 10.0)
        sizes = [4, 3, 2]
        it = 0
        try:
            while it < max_it:
                h = fnp.tanh(h[:sizes[it]] @ w[:sizes[it], :])  # step
                it += 1
        except IndexError:
            pass
        """,
    # a closure reads the counter and raises
    "a_closure_reads_it": """
        max_it = int(fnp.max(h @ w) * 10.0)
        it = 0

        def check():
            if it >= 4:
                raise ValueError(it)

        try:
            while it < max_it:
                h = fnp.tanh(h @ w)  # step
                it += 1
                check()
        except ValueError:
            pass
        """,
    # a list whose length picks an item: IndexError past the end
    "a_list_read_by_its_length": """
        n = int(fnp.max(h @ w) * 10.0)
        sizes = [8, 4, 2]
        cols = []
        try:
            while len(cols) < n:
                cols.append(fnp.tanh(h[:sizes[len(cols)]] @ w[:sizes[len(cols)], :]))  # step
        except IndexError:
            pass
        """,
    # a helper the counter is handed to raises
    "a_helper_reads_it": """
        max_it = int(fnp.max(h @ w) * 10.0)
        it = 0
        try:
            while it < max_it:
                h = fnp.tanh(h @ w)  # step
                it += 1
                limit(it)
        except ValueError:
            pass
        """,
    # a number read from data with bounds: the loop's test takes it at the ends of its range
    "a_bounded_count": """
        k = int(fnp.sum(h > 0.5))
        it = 0
        while it < k:
            h = fnp.tanh(h @ w)  # step
            it += 1
        """,
}


HELPERS = """
def limit(i):
    if i >= 3:
        raise ValueError(i)
"""


def _write(tmp_path, body: str, helpers: str = HELPERS):
    path = tmp_path / "estimator.py"
    path.write_text(_program(body, helpers))
    step = next(i + 1 for i, line in enumerate(path.read_text().splitlines()) if "# step" in line)
    return path, step


def _steps(report, line: int) -> int:
    return sum(1 for c in report.charges if c.span.line == line)


@pytest.mark.parametrize("name", sorted(OPEN))
def test_a_loop_bounded_only_by_an_unknown_number_ends_its_path_unbounded(name, tmp_path):
    path, step = _write(tmp_path, OPEN[name])
    point = Point(8, 2, 2**30)
    report = analyze(path, point, formula=False)
    assert not report.total.exact
    ends = [u for u in report.unpriced if u.what == "unbounded"]
    assert ends and all(u.span.line < step for u in ends), report.unpriced
    assert any("a number flopcast does not know" in u.reason for u in ends), ends
    # a few iterations were run, not the iteration cap's 100,000
    assert _steps(report, step) <= 5 * 2, _steps(report, step)
    # the run's count is within the lower bound
    assert measure(path, point).total >= report.total.lo


@pytest.mark.parametrize("name", sorted(BOUNDED))
def test_a_loop_whose_counter_steers_something_else_still_runs(name, tmp_path):
    path, step = _write(tmp_path, BOUNDED[name])
    point = Point(8, 2, 2**30)
    report = analyze(path, point, formula=False)
    assert not [u for u in report.unpriced if u.what == "unbounded"], report.unpriced
    runtime = measure(path, point).total
    assert report.total.lo <= runtime <= report.total.hi, (report.total, runtime)


def test_a_local_the_test_reads_through_a_call_keeps_the_loop_running(tmp_path):
    # `more()` is the program's: it may read what the loop changes, so the loop is not taken
    # for one bounded only by `max_it` and runs until the helper says stop
    path, step = _write(tmp_path, """
        max_it = int(fnp.max(h @ w) * 10.0)
        it = 0
        while it < max_it and more(it):
            h = fnp.tanh(h @ w)  # step
            it += 1
        """, helpers="def more(i):\n    return i < 3\n")
    point = Point(8, 2, 2**30)
    report = analyze(path, point, formula=False)
    assert not [u for u in report.unpriced if u.what == "unbounded"], report.unpriced
    runtime = measure(path, point).total
    assert report.total.lo <= runtime <= report.total.hi, (report.total, runtime)
