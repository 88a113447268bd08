"""A layer loop that reads the next layer's weights through its counter (`ws[i + 1]` in
`for i, w in enumerate(ws)`), keeps a field per layer in a dict keyed by the counter (`if key not
in self.fields:` ... `return self.fields[key]`), and runs a `while` loop inside each iteration
repeats once its state settles (repeats.SteadyLoop.items_apart_from_state, counters.CounterWatch's
keyed-log membership and read-back), with the locals it assigns before reading them left out of
the state compared (loop_syntax.written_first). A layer filling an array with its depth fraction
(`fnp.full(n, (i + 1) / depth)`) repeats too. Counted against flopscope."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from flopcast.analyzer.loop_syntax import written_first
from flopcast.model import Point
from test_paths import assert_counted_exactly, runs_of_line

STEADY = Path(__file__).resolve().parent / "fixtures" / "steady"
NEXT_LAYER = STEADY / "next_layer_fields.py"
STALE = STEADY / "stale_locals.py"


@pytest.mark.parametrize("width,depth", [(8, 5), (16, 9), (8, 12)])
def test_a_loop_reading_the_next_layer_and_a_keyed_field_is_counted_exactly(width, depth):
    assert_counted_exactly(NEXT_LAYER, Point(width, depth, 2**41))


def test_a_loop_reading_the_next_layer_and_a_keyed_field_is_skipped_once_it_settles():
    assert runs_of_line(NEXT_LAYER, "x = damped(field, fnp.maximum(mu, 0.0), 6)") == {8: 5, 400: 5}


@pytest.mark.parametrize("width,depth", [(8, 7), (16, 11)])
def test_a_loop_reading_ahead_and_a_reversed_list_at_its_counter_is_counted_exactly(width, depth):
    # only the list read ahead is walked without its items: `rev[i]` meets a later item once
    assert_counted_exactly(STEADY / "next_and_reversed.py", Point(width, depth, 2**41))


@pytest.mark.parametrize("width,depth", [(8, 5), (16, 9)])
def test_locals_a_helper_or_a_handler_may_read_stale_are_counted_exactly(width, depth):
    assert_counted_exactly(STALE, Point(width, depth, 2**41))


def _written_first(source: str) -> frozenset:
    function = ast.parse(source).body[0]
    loop = next(n for n in ast.walk(function) if isinstance(n, ast.For))
    return written_first(loop, function)


def test_a_local_assigned_before_any_read_is_written_first():
    assert _written_first("def f(ws, x):\n for w in ws:\n  y = x @ w\n  x = y + y\n") == {"y"}


def test_a_local_read_before_its_assignment_is_not_written_first():
    assert _written_first("def f(ws, x):\n for w in ws:\n  z = x\n  x = z @ w\n") == {"z"}


def test_a_local_a_nested_function_reads_is_not_written_first():
    assert _written_first("def f(ws, x):\n g = lambda: y\n for w in ws:\n  g()\n  y = x @ w\n") == frozenset()


def test_no_local_is_written_first_after_a_continue():
    assert _written_first("def f(ws, x):\n for w in ws:\n  if w is None:\n   continue\n  y = x @ w\n") == frozenset()


def test_no_local_is_written_first_in_a_loop_inside_a_try():
    assert _written_first("def f(ws, x):\n try:\n  for w in ws:\n   y = x @ w\n except ValueError:\n  pass\n") \
        == frozenset()


def test_each_loop_of_a_function_is_answered_from_one_walk_of_it(monkeypatch):
    # A rewrite priced by `analyze`'s savings is new syntax: every loop of every function was
    # asked about again, and each walked its whole function and each `try` of it.
    from flopcast.analyzer import loop_syntax

    function = ast.parse("def f(ws, x):\n for w in ws:\n  y = x @ w\n try:\n  for w in ws:\n   z = x @ w\n"
                         " except ValueError:\n  pass\n for w in ws:\n  v = x @ w\n").body[0]
    loops = [n for n in ast.walk(function) if isinstance(n, ast.For)]
    walked = []
    walk = loop_syntax.ast_walk
    monkeypatch.setattr(loop_syntax, "ast_walk", lambda node: walked.append(node) or walk(node))
    assert [written_first(loop, function) for loop in loops] == [{"y"}, {"v"}, frozenset()]
    assert walked.count(function) == 1


FILLED = STEADY / "filled_by_counter.py"


@pytest.mark.parametrize("width,depth", [(8, 5), (16, 9)])
def test_a_layer_loop_filling_an_array_with_its_depth_fraction_is_counted_exactly(width, depth):
    assert_counted_exactly(FILLED, Point(width, depth, 2**41))


def test_a_float_fill_made_from_the_counter_lets_the_layer_loop_repeat():
    # a float array's fill value is not read (only an integer fill is kept, as the array's range)
    assert runs_of_line(FILLED, "mu = mu * (1.0 + 0.1 * frac)") == {8: 3, 400: 3}
