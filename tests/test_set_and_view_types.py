"""A set of the user's objects and a dict's view are lists inside flopcast (builtins.set_of,
builtins' views), but not to the program: `isinstance(s, list)` and `type(d.keys()) is list`
are False at run time. The real flopscope is the oracle."""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle import first_call, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

_HEAD = """
import collections.abc
import flopscope.numpy as fnp
from whestbench import BaseEstimator

class Unit:
    pass

"""
POINTS = (Point(8, 2, 10**9), Point(16, 3, 10**9))


def _written(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "estimator.py"
    path.write_text(_HEAD + body)
    return path


def _exact_at_every_point(path: Path) -> None:
    for point in POINTS:
        total = first_call(analyze(path, point))
        assert total.exact and total.lo == measure(path, point).total


def test_a_set_of_objects_and_a_dict_view_are_no_lists(tmp_path: Path) -> None:
    path = _written(tmp_path, """
class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        units = {Unit(), Unit()}
        d = {"a": 1, "b": 2}
        n = 1 + 3 * isinstance(units, list) + 5 * isinstance(d.keys(), (list, tuple))
        n += 11 * isinstance(units, collections.abc.Set)
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(fnp.ones(n))
""")
    _exact_at_every_point(path)


@pytest.mark.parametrize("test", ["isinstance(frozenset({Unit(), Unit()}), set)", "type({1: 2}.values()) is list"])
def test_what_flopcast_does_not_follow_of_their_type_is_not_claimed(tmp_path: Path, test: str) -> None:
    """Whether a set of objects is a set or a frozenset, and a view's own type, are not followed."""
    path = _written(tmp_path, f"""
class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        n = 1 + 3 * ({test})
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(fnp.ones(n))
""")
    for point in POINTS:
        report = analyze(path, point)
        total, counted = first_call(report), measure(path, point).total
        assert not total.exact and total.lo <= counted and (report.lower_bound or counted <= total.hi)


def test_a_call_given_a_set_of_objects_is_not_a_reuse_of_one_given_a_list(tmp_path: Path) -> None:
    """The call memo's key tells a set of objects from a list of the same objects."""
    path = _written(tmp_path, """
def rows(xs):
    return 3 if isinstance(xs, list) else 2

class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        a, b = Unit(), Unit()
        n = rows([a, b]) + rows([a, b]) + 5 * rows({a, b})
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(fnp.ones(n))
""")
    _exact_at_every_point(path)


def test_a_set_of_classes_grown_by_add_counts_each_class_once(tmp_path: Path) -> None:
    # `seen.add(type(stage))` of a class already there adds nothing: `len(seen)` sizes the work
    path = _written(tmp_path, """
class Other:
    pass

class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        seen = {Unit}
        for stage in (Unit(), Other(), Other()):
            if type(stage) in seen:
                continue
            seen.add(type(stage))
        seen.discard(Unit)
        seen.discard(Unit)
        x = fnp.ones((mlp.depth, mlp.width))
        for _ in range(len(seen) + 1):
            x = fnp.tanh(x)
        return x
""")
    _exact_at_every_point(path)


def test_removing_an_object_a_set_does_not_hold_raises_key_error(tmp_path: Path) -> None:
    path = _written(tmp_path, """
class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        held = {Unit}
        held.remove(Unit)
        x = fnp.ones((mlp.depth, mlp.width))
        try:
            held.remove(Unit)
        except KeyError:
            x = fnp.exp(x)
        return x
""")
    _exact_at_every_point(path)
