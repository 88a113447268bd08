"""whestbench's memory limit in the pricing (flopcast/analyzer/memory_limit.py).

whestbench grades predict under RLIMIT_AS = memory_limit_mb: an array past it raises MemoryError.
An except clause that catches it then runs instead of what follows, so pricing the path as if the
allocation succeeded claimed an exact count of work the run never does (the worst bug flopcast
can have). Each behaviour is checked against the real flopscope run in a child process under
that limit (oracle.measure_capped). The big arrays are sized from the budget, terabytes at
2**41: numpy's refusal is immediate, nothing that large is ever allocated.
"""

from __future__ import annotations

import textwrap

from oracle import assert_exact_match, measure_capped

from flopcast.analyzer import analyze
from flopcast.analyzer.render import render_text
from flopcast.model import Point

POINT = Point(16, 2, 2**41)


def _write(tmp_path, body: str, helpers: str = ""):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""\
        import contextlib
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator
        {helpers}

        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                w = mlp.width
                x = fnp.ones(w)
        {body}
                return fnp.zeros((mlp.depth, w)) + s
        """).format(helpers=textwrap.dedent(helpers), body=textwrap.indent(textwrap.dedent(body), " " * 8)))
    return path


def _assert_lower_bound_below_run(path, line: int) -> None:
    """The path ends, not priced, at the allocation on ``line``; the count before it is at most
    the run's, which took the handler (predict returned)."""
    report = analyze(path, POINT)
    run = measure_capped(path, POINT)
    assert run.error == "", run
    memory = [u for u in report.unpriced if u.what == "memory"]
    assert memory and memory[0].span.line == line, report.unpriced
    assert "8.0 GiB" in memory[0].reason and ",0" in memory[0].reason, memory[0].reason
    assert not report.exact or report.unpriced
    assert report.total.lo <= run.total, (report.total, run.total)
    assert report.total.lo < run.total  # the handler's work is not in the count


def test_except_memory_error_ends_the_path(tmp_path):
    """The brief's case: `except MemoryError:` around a 2 TiB array. The run takes the handler;
    the report was an exact count of the work after the allocation."""
    path = _write(tmp_path, """\
        try:
            big = fnp.zeros(budget // 8)
            s = fnp.sum(big)
        except MemoryError:
            s = fnp.sum(x)
        """)
    _assert_lower_bound_below_run(path, 11)


def test_except_exception_catches_it_too(tmp_path):
    """MemoryError is an Exception: `except Exception:` catches it."""
    path = _write(tmp_path, """\
        try:
            s = fnp.sum(x) + fnp.sum(fnp.ones(budget // 8))
        except Exception:
            s = fnp.sum(x * x)
        """)
    _assert_lower_bound_below_run(path, 11)


def test_a_bare_except_catches_it_too(tmp_path):
    """A bare `except:` catches everything, MemoryError included."""
    path = _write(tmp_path, """\
        try:
            s = fnp.sum(x @ fnp.zeros((w, budget // 64)))
        except:
            s = fnp.sum(x * x)
        """)
    _assert_lower_bound_below_run(path, 11)


def test_a_try_in_a_caller_catches_it(tmp_path):
    """The allocation is in a function the try calls: the handler is on the call stack, not in
    the function that allocates."""
    path = _write(tmp_path, """\
        try:
            s = draw(budget, w)
        except (ValueError, MemoryError):
            s = fnp.sum(x * x)
        """, helpers="""
        def draw(budget, w):
            block = fnp.random.default_rng(0).standard_normal((budget // (8 * w), w))
            return fnp.sum(block)
        """)
    _assert_lower_bound_below_run(path, 6)


def test_contextlib_suppress_catches_it(tmp_path):
    """`with contextlib.suppress(MemoryError):` swallows it as an except clause would."""
    path = _write(tmp_path, """\
        s = fnp.sum(x)
        with contextlib.suppress(MemoryError):
            s = fnp.sum(fnp.zeros(budget // 8) + 1.0)
        """)
    _assert_lower_bound_below_run(path, 12)


def test_an_array_below_the_margin_is_priced_as_before(tmp_path):
    """An array far below the limit inside `except MemoryError:` fits: the count stays exact and
    is the run's, op by op, under the limit too."""
    path = _write(tmp_path, """\
        try:
            s = fnp.sum(fnp.ones((w, budget // 2**36)))
        except MemoryError:
            s = fnp.sum(x)
        """)
    report = analyze(path, POINT)
    run = measure_capped(path, POINT)
    assert run.error == ""
    assert not report.unpriced and not report.raises, (report.unpriced, report.raises)
    assert_exact_match(report, run)


def test_an_array_past_the_limit_outside_any_try_is_a_raise(tmp_path):
    """No handler can catch it: the run dies of MemoryError at the allocation. The report names
    that raise (its count goes on as if memory were unlimited, as past a budget overrun), and
    its headline no longer reads "exact"; the charges up to the raise are the run's."""
    path = _write(tmp_path, """\
        s = fnp.sum(x)
        big = fnp.ones(budget // 8)
        s = s + fnp.sum(big)
        """)
    report = analyze(path, POINT)
    run = measure_capped(path, POINT)
    assert (run.error, run.line) == ("MemoryError", 11), run
    raised = [r for r in report.raises if r.memory]
    assert len(raised) == 1 and raised[0].every_path and raised[0].span.line == 11, report.raises
    assert raised[0].exc_type == "MemoryError"
    # flopscope bills ones before numpy refuses the allocation: the run's count is the charges
    # before the raise and the raising op's own
    before = report.charges[:raised[0].charges_before]
    own = [c for c in report.charges[len(before):] if c.span == raised[0].span]
    assert sum(c.flops for c in before) + sum(c.flops for c in own) == run.total
    text = render_text(report)
    assert "not the run's count: predict() raises MemoryError at line 11" in text, text


def test_an_array_as_large_as_the_limit_outside_any_try_is_a_raise(tmp_path):
    """8 GiB exactly: with it the process's address space, never empty, passes the limit. Only
    arrays past the limit were raises, so the report said nothing of the run's MemoryError there
    (ritz_deflation 14x2 at 2**41, line 416's draw of 8 GiB; the verify child died there)."""
    path = _write(tmp_path, """\
        s = fnp.sum(x)
        big = fnp.zeros(budget // 2**11)
        s = s + fnp.sum(x)
        """)
    report = analyze(path, POINT)
    run = measure_capped(path, POINT)
    assert (run.error, run.line) == ("MemoryError", 11), run
    assert [(r.span.line, r.every_path) for r in report.raises if r.memory] == [(11, True)], report.raises


def test_an_array_within_the_margin_outside_any_try_is_a_named_presumption(tmp_path):
    """7.9 GiB fits only in a process holding less than 128 MiB besides (none with flopscope
    imported does): whether it fits on the grader is not known here, so the count presumes it
    does and the report names the allocation; this run dies there."""
    path = _write(tmp_path, """\
        s = fnp.sum(x)
        big = fnp.zeros(budget // 2**11 - 2**24)
        s = s + fnp.sum(x)
        """)
    report = analyze(path, POINT)
    run = measure_capped(path, POINT)
    assert (run.error, run.line) == ("MemoryError", 11), run
    assert not [r for r in report.raises if r.memory], report.raises
    assert [(p.span.line, p.exception) for p in report.presumes_no_raise] == [(11, "MemoryError")]
    assert "presuming no MemoryError: line 11 fnp.zeros" in render_text(report)


def test_a_handler_that_cannot_catch_it_leaves_the_raise(tmp_path):
    """`except ValueError:` does not catch MemoryError: the allocation is outside any handler of
    it, so the path is not cut short; the run dies there."""
    path = _write(tmp_path, """\
        try:
            s = fnp.sum(fnp.zeros(budget // 8))
        except ValueError:
            s = fnp.sum(x)
        """)
    report = analyze(path, POINT)
    run = measure_capped(path, POINT)
    assert (run.error, run.line) == ("MemoryError", 11), run
    assert not [u for u in report.unpriced if u.what == "memory"], report.unpriced
    assert [r.span.line for r in report.raises if r.memory] == [11], report.raises


def test_arrays_alive_together_past_the_limit_are_a_raise(tmp_path):
    """Three arrays of 3 GiB, each below the margin, alive at once pass the 8 GiB limit at the
    third: the memory tracker (analyze(memory=True)) reports the run's MemoryError there. (numpy's
    zeros only reserves the address space: nothing is written.)"""
    path = _write(tmp_path, """\
        n = 3 * 2**30 // 8
        a = fnp.zeros(n)
        b = fnp.zeros(n)
        c = fnp.zeros(n)
        s = fnp.sum(x)
        """)
    report = analyze(path, POINT, memory=True)
    run = measure_capped(path, POINT)
    assert (run.error, run.line) == ("MemoryError", 13), run
    assert [r.span.line for r in report.raises if r.memory] == [13], report.raises


def test_arrays_alive_together_inside_a_try_end_the_path(tmp_path):
    """Three arrays of 3 GiB inside `except MemoryError:`, each below the margin, pass the limit
    together at the third: the run takes the handler. The memory tracker (analyze(memory=True),
    the reported path) ends the count at the charges before the allocation, a lower bound."""
    path = _write(tmp_path, """\
        n = 3 * 2**30 // 8
        s = fnp.sum(x)
        try:
            a = fnp.zeros(n)
            b = fnp.zeros(n)
            c = fnp.zeros(n)
            s = s + fnp.sum(x * x)
        except MemoryError:
            s = s + fnp.sum(x + x)
        """)
    report = analyze(path, POINT, memory=True)
    run = measure_capped(path, POINT)
    assert run.error == "", run
    memory = [u for u in report.unpriced if u.what == "memory"]
    assert [u.span.line for u in memory] == [14], report.unpriced
    assert report.total.lo <= run.total, (report.total, run.total)


def test_a_generator_made_outside_the_try_and_consumed_inside_it(tmp_path):
    """flopcast makes a generator expression's items where it is written, but the run makes them
    where they are taken: inside the try, whose handler catches the MemoryError. Made ahead of
    its consumer, the array is taken as inside a handler of it."""
    path = _write(tmp_path, """\
        blocks = (fnp.zeros(budget // 8) for _ in range(1))
        try:
            s = fnp.sum(next(blocks))
        except MemoryError:
            s = fnp.sum(x)
        """)
    _assert_lower_bound_below_run(path, 10)


def test_a_with_whose_exit_returns_true_catches_it(tmp_path):
    """A user context manager whose __exit__ returns True swallows the MemoryError, as an except
    clause would."""
    path = _write(tmp_path, """\
        s = fnp.sum(x)
        with Quiet():
            s = fnp.sum(fnp.zeros(budget // 8))
        """, helpers="""
        class Quiet:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return True
        """)
    _assert_lower_bound_below_run(path, 19)


def test_except_star_catches_it_too(tmp_path):
    """`except* MemoryError:` catches a MemoryError raised in its body (wrapped in a group)."""
    path = _write(tmp_path, """\
        s = fnp.sum(x)
        try:
            s = fnp.sum(fnp.zeros(budget // 8))
        except* MemoryError:
            s = fnp.sum(x * x)
        """)
    _assert_lower_bound_below_run(path, 12)
