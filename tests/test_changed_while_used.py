"""Lists changed while a loop runs over them, lists changed by library calls, and exceptions
raised through variables: each against flopscope at two sizes (found by corpusD's probes, s21).

Every program runs `h = fnp.tanh(h @ w)` a number of times the construct decides, so a wrong
model of it shows as a wrong FLOP count. Each was a false exact before.
"""

from __future__ import annotations

import pytest
from oracle import assert_first_call_below_run, assert_first_call_exact, measure
from test_interpreter_semantics import _program

from flopcast.analyzer import analyze
from flopcast.model import Point

EXACT = {
    # Python's list iterator reads the live list by index at every step
    "a_loop_over_a_list_it_appends_to_runs_the_new_items": ("", """
        work = [1, 2]
        for x in work:
            if len(work) < mlp.depth + 3:
                work.append(x)
            STEP
        """),
    "a_loop_over_a_list_it_pops_from_stops_early": ("", """
        xs = list(range(mlp.depth * 2))
        for x in xs:
            xs.pop()
            STEP
        """),
    "a_loop_over_a_list_it_removes_from_skips_the_next_item": ("", """
        xs = list(range(mlp.depth * 3))
        for x in xs:
            if x % 2 == 0:
                xs.remove(x)
            STEP
        """),
    "bisect_insort_inserts_in_order": ("import bisect\n", """
        xs = [1, 5]
        bisect.insort(xs, mlp.depth)
        bisect.insort_left(xs, 0)
        for _ in range(xs[2] + len(xs)):
            STEP
        """),
    "a_raise_of_a_class_held_in_a_variable_is_caught_by_that_class": ("", """
        n = 0
        for exc in (ValueError, KeyError, ZeroDivisionError):
            try:
                if exc is ZeroDivisionError:
                    1 / 0
                raise exc("x")
            except (KeyError, ZeroDivisionError):
                n += 2
            except ValueError:
                n += mlp.depth
        for _ in range(n):
            STEP
        """),
    "a_kept_builtin_exception_instance_is_raised_and_caught_with_its_args": ("", """
        errors = [KeyError("a"), ValueError(mlp.depth)]
        n = 0
        for e in errors:
            try:
                raise e
            except LookupError:
                n += 1
            except ValueError as v:
                n += v.args[0]
        for _ in range(n):
            STEP
        """),
    "an_except_clause_naming_a_tuple_variable_catches_its_classes": ("", """
        retry = (KeyError, ValueError)
        n = 0
        for i in range(mlp.depth):
            try:
                raise ValueError(i)
            except retry:
                n += 2
        for _ in range(n):
            STEP
        """),
    "the_arguments_of_a_raised_builtin_exception_are_charged": ("", """
        try:
            raise ValueError(fnp.sum(h @ mlp.weights[0]))
        except ValueError:
            STEP
        """),
}

#: the program changes a list in a way flopcast does not follow: a lower bound, never a false exact
LOWER = {
    "random_shuffle_forgets_the_order_of_the_list": ("import random\n", """
        xs = list(range(mlp.depth + 3))
        random.seed(0)
        random.shuffle(xs)
        for _ in range(xs[0]):
            STEP
        """),
    "numpys_generator_shuffle_of_a_list_forgets_its_order": ("import numpy as np\n", """
        xs = list(range(mlp.depth + 3))
        np.random.default_rng(0).shuffle(xs)
        for _ in range(xs[0]):
            STEP
        """),
    "operator_setitem_on_a_dict_is_not_followed": ("import operator\n", """
        d = {"n": 1}
        operator.setitem(d, "n", mlp.depth)
        for _ in range(d["n"]):
            STEP
        """),
}


@pytest.mark.parametrize("width,depth", [(6, 2), (9, 3)])
@pytest.mark.parametrize("name", sorted(EXACT))
def test_exact_and_equal_to_flopscope(name, width, depth, tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(_program(*EXACT[name]))
    assert_first_call_exact(path, Point(width, depth, 2**41))


@pytest.mark.parametrize("width,depth", [(6, 2), (9, 3)])
@pytest.mark.parametrize("name", sorted(LOWER))
def test_a_lower_bound_at_most_flopscopes_count(name, width, depth, tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(_program(*LOWER[name]))
    assert_first_call_below_run(path, Point(width, depth, 2**41))


PROTOCOL = """
from typing import Protocol, runtime_checkable


@runtime_checkable
class Runs(Protocol):
    def run(self) -> int: ...


class Plain:
    def run(self):
        return 2


class Other:
    pass
"""


@pytest.mark.parametrize("width,depth", [(6, 2), (9, 3)])
def test_isinstance_against_a_protocol_is_not_decided_by_the_classes(width, depth, tmp_path):
    # Plain matches Runs by its members (no base class in common), Other lacks run(): not a false False
    path = tmp_path / "estimator.py"
    path.write_text(_program(PROTOCOL, """
        n = sum(1 for o in [Plain(), Other(), Plain()] if isinstance(o, Runs))
        for _ in range(n):
            STEP
        """))
    assert_first_call_exact(path, Point(width, depth, 2**41))


PROTOCOLS = PROTOCOL + """

class Sized(Protocol):
    def size(self) -> int: ...


@runtime_checkable
class Shaped(Runs, Protocol):
    width: int


class Concrete(Runs):
    def run(self):
        return 1


class Layer:
    def __init__(self, width):
        self.width = width
        self.run = None if width > 7 else (lambda: width)
"""


@pytest.mark.parametrize("width,depth", [(6, 2), (9, 3)])
def test_isinstance_against_a_runtime_checkable_protocol_checks_the_members(width, depth, tmp_path):
    """A method member set to None on the instance does not match; an annotated member set in
    __init__ does; an earlier target of a tuple that matches answers first; a class deriving
    from a Protocol without listing Protocol is no Protocol (Plain is no Concrete)."""
    path = tmp_path / "estimator.py"
    path.write_text(_program(PROTOCOLS, """
        n = sum(1 for o in [Plain(), Layer(mlp.width), Other()] if isinstance(o, Shaped))
        n += isinstance(Other(), (Other, Sized)) + isinstance(Layer(mlp.width), Runs) + 2 * isinstance(Plain(), Concrete)
        for _ in range(n):
            STEP
        """))
    assert_first_call_exact(path, Point(width, depth, 2**41))


@pytest.mark.parametrize("point", [Point(6, 2, 2**41), Point(16, 3, 2**41)])
def test_isinstance_against_a_protocol_not_runtime_checkable_raises_type_error(tmp_path, point):
    """Python refuses the check (TypeError): the run stops there, it is no interval of answers."""
    path = tmp_path / "estimator.py"
    path.write_text(_program(PROTOCOLS, """
        n = 2 if isinstance(Plain(), (Other, Sized)) else 1
        for _ in range(n):
            STEP
        """))
    report = analyze(path, point)
    assert [(r.what, r.every_path) for r in report.raises] == [
        ("TypeError: Instance and class checks can only be used with @runtime_checkable protocols", True)]
    with pytest.raises(TypeError, match="runtime_checkable"):
        measure(path, point)


@pytest.mark.parametrize("point", [Point(6, 2, 2**41), Point(16, 3, 2**41)])
def test_a_class_pattern_of_a_protocol_follows_isinstance(tmp_path, point):
    """`case Runs():` matches Plain by its members; `case Sized():` (not runtime-checkable) raises
    TypeError as isinstance does (was: exact on the `case _:` arm, for a run that raises)."""
    path = tmp_path / "estimator.py"
    path.write_text(_program(PROTOCOLS, """
        match Plain():
            case Other():
                n = 0
            case Runs():
                n = 2
        for _ in range(n):
            STEP
        """))
    assert_first_call_exact(path, point)
    path.write_text(_program(PROTOCOLS, """
        match Other():
            case Runs():
                n = 2
            case Sized():
                n = 3
            case _:
                n = 1
        for _ in range(n):
            STEP
        """))
    report = analyze(path, point)
    assert [(r.what, r.every_path) for r in report.raises] == [
        ("TypeError: Instance and class checks can only be used with @runtime_checkable protocols", True)]
    with pytest.raises(TypeError, match="runtime_checkable"):
        measure(path, point)
