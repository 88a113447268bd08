"""Diagnostics kept on ``self`` (``self.history.append("tanh")``, ``self.rescaled = True``) that
nothing in the program reads do not stop a value-dependent site from rejoining (write_only.py,
joins.py): the interval past the path cap is the one every combination gives, and holds the
real flopscope count."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from exploring import both_ways
from oracle import measure

from flopcast.analyzer import analyze, write_only
from flopcast.analyzer.paths import MAX_PATHS
from flopcast.analyzer.program import load_program
from flopcast.model import Point

DIAGNOSTICS = Path(__file__).resolve().parent / "fixtures" / "write_only" / "diagnostics.py"


def _write_only(tmp_path, source: str) -> dict:
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(source))
    return write_only.attributes(load_program(path))


def test_sites_that_differ_only_in_unread_diagnostics_give_every_combination_s_interval():
    separate, every = both_ways(DIAGNOSTICS, Point(8, 2, 2**41))
    assert separate.combined is not None and not every.capped
    assert len(every.results) > MAX_PATHS > len(separate.results)
    totals = [r.total for r in every.results]
    assert separate.combined == (min(totals), max(totals))


def test_the_interval_is_closed_and_holds_the_real_count():
    for point in (Point(8, 2, 2**41), Point(16, 3, 2**41)):
        report = analyze(DIAGNOSTICS, point)
        assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
        assert report.total.lo < report.total.hi
        assert report.total.contains(measure(DIAGNOSTICS, point).total)


def test_appended_and_assigned_attributes_are_write_only_and_only_appends_keep_their_kind(tmp_path):
    found = _write_only(tmp_path, """
        class Estimator:
            def predict(self, mlp, budget):
                self.log.append(1)
                self.how = "chol"
                del self.stale
    """)
    assert found == {"log": True, "how": False, "stale": True}


def test_an_attribute_read_anywhere_is_not_write_only(tmp_path):
    found = _write_only(tmp_path, """
        class Estimator:
            def predict(self, mlp, budget):
                self.log.append(1)
                self.n += 1
                self.picked = 2
                return self.picked
    """)
    assert found == {"log": True}


def test_a_read_in_a_method_nothing_calls_does_not_count(tmp_path):
    found = _write_only(tmp_path, """
        class Estimator:
            def predict(self, mlp, budget):
                self.log.append(1)

            def summary(self):
                return len(self.log)
    """)
    assert found == {"log": True}


def test_a_method_named_anywhere_may_be_called_and_its_reads_count(tmp_path):
    found = _write_only(tmp_path, """
        class Estimator:
            def predict(self, mlp, budget):
                self.log.append(1)
                report = getattr(self, "summary")

            def summary(self):
                return len(self.log)
    """)
    assert found == {}


def test_class_level_names_properties_and_computed_lookups_are_never_write_only(tmp_path):
    assert _write_only(tmp_path, """
        class Config:
            ridge: float = 1.0

            @property
            def scale(self):
                return 2.0

        def f(c):
            c.ridge = 2.0
            c.scale = 3.0
    """) == {}
    assert _write_only(tmp_path, """
        def f(c, name):
            c.log = []
            return getattr(c, name)
    """) == {}
    assert _write_only(tmp_path, """
        def f(c):
            c.log = []
            return vars(c)
    """) == {}


def test_asdict_and_astuple_read_only_the_fields_a_class_body_declares(tmp_path):
    assert _write_only(tmp_path, """
        from dataclasses import asdict, astuple, dataclass

        @dataclass
        class Row:
            name: str

        class Estimator:
            def predict(self, mlp, budget):
                row = Row("a")
                row.name = "b"
                self.last = astuple(row)
                self.history = asdict(row)
    """) == {"last": False, "history": False}


def test_a_global_of_the_same_name_is_a_read(tmp_path):
    # `config.DEBUG = True` sets a global that config's own code reads as a name
    assert _write_only(tmp_path, """
        import config
        DEBUG = False

        def f():
            config.DEBUG = True
            return DEBUG
    """) == {}


def test_a_read_in_an_imported_helper_module_counts(tmp_path):
    (tmp_path / "helpers.py").write_text("def used(est):\n    return est.log\n")
    assert _write_only(tmp_path, """
        from helpers import used

        class Estimator:
            def predict(self, mlp, budget):
                self.log = [1]
                return used(self)
    """) == {}


def test_a_class_with_its_own_append_makes_no_attribute_write_only(tmp_path):
    # `self.log.append(x)` may be the user's append, whose cost depends on x
    assert _write_only(tmp_path, """
        class Log:
            def append(self, x):
                self.total = x @ x

        class Estimator:
            def predict(self, mlp, budget):
                self.log = Log()
                self.log.append(mlp.weights[0])
    """) == {}


def _unread(tmp_path, source: str) -> frozenset:
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(source))
    return write_only.unread(load_program(path))


def test_unread_instance_attributes_allow_computed_writes_and_plain_names(tmp_path):
    """A steady loop's walk (write_only.unread): `setattr` by a computed name writes, and a
    parameter named like the attribute reads no instance's attribute; the table of joins
    (``attributes``) gives up on both."""
    source = """
        '''A docstring naming index reads nothing.'''
        OPTIONS = {"scale": 0.5}

        class Layer:
            def __init__(self, weight, index):
                self.weight = weight
                self.index = index

        class Estimator:
            def __init__(self):
                for key, value in OPTIONS.items():
                    setattr(self, key, value)

            def predict(self, mlp, budget):
                return [Layer(w, i).weight * self.scale for i, w in enumerate(mlp.weights)]
    """
    assert _write_only(tmp_path, source) == {}
    assert _unread(tmp_path, source) == {"index"}


def test_an_attribute_named_in_a_text_or_read_by_a_computed_name_is_read(tmp_path):
    named = """
        from collections import namedtuple
        Rec = namedtuple("Rec", "index weight")

        class Layer:
            def __init__(self, index):
                self.index = index
                self.tag = index
    """
    assert _unread(tmp_path, named) == {"tag"}
    computed = """
        class Layer:
            def __init__(self, index, key):
                self.index = index
                self.other = getattr(self, key)
    """
    assert _unread(tmp_path, computed) == frozenset()


def test_an_attribute_only_stored_into_by_item_is_write_only_and_keeps_its_kind(tmp_path):
    found = _write_only(tmp_path, """
        class Estimator:
            def predict(self, mlp, budget):
                self.iters[0] = 3
                self.counts["a"] += 1
                self.seen[1] = self.peek[0]
    """)
    # `+=` on an item reads it; an item read is a read
    assert found == {"iters": write_only.ITEM, "seen": write_only.ITEM}


def test_a_class_with_its_own_setitem_makes_no_attribute_write_only(tmp_path):
    assert _write_only(tmp_path, """
        class Table(dict):
            def __setitem__(self, key, value):
                print(key)

        class Estimator:
            def predict(self, mlp, budget):
                self.iters[0] = 3
    """) == {}


ITEMS = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def __init__(self):
            self.iters = {{}}
            self.slots = [0, 0]

        def predict(self, mlp, budget):
            x = fnp.ones(mlp.width)
            for layer, w in enumerate(mlp.weights):
                x = fnp.tanh(x @ w)
                its = 0
                while its < 3 and float(fnp.max(x)) > 2.0:
                    x = x * 0.5
                    its += 1
                self.iters[layer] = its
                try:
                    self.slots[1] = layer
                except IndexError:
                    x = fnp.exp(x)
            self.slots = {slots}
            return fnp.zeros((mlp.depth, mlp.width)) + x
    """
ITEM_POINTS = (Point(8, 2, 2**41), Point(16, 3, 2**41))


def _second_calls(path: Path, point: Point, monkeypatch) -> tuple:
    """The report, and how many times its runs called predict a second time."""
    from flopcast.analyzer.interpreter import Interpreter

    made = []
    call_again = Interpreter._call_again

    def spy(interp, predict, instance):
        made.append(predict)
        return call_again(interp, predict, instance)

    monkeypatch.setattr(Interpreter, "_call_again", spy)
    return analyze(path, point), len(made)


@pytest.mark.parametrize("point", ITEM_POINTS, ids=lambda p: p.label())
def test_a_dict_stored_into_by_item_leaves_no_state_a_later_call_reads(tmp_path, monkeypatch, point):
    # the while loop's count lands in a dict nothing reads: every MLP costs what the first does,
    # known without calling predict a second time (the dicts differ only in what they hold)
    from oracle import measure_calls, write_program

    path = write_program(tmp_path, ITEMS, slots="[0, 0]")
    report, second_calls = _second_calls(path, point, monkeypatch)
    measured = [m.total for m in measure_calls(path, point, 3)]
    assert measured == [measured[0]] * 3 and not report.per_call and second_calls == 0
    assert not report.unpriced and report.total.contains(measured[0])


@pytest.mark.parametrize("point", ITEM_POINTS, ids=lambda p: p.label())
def test_a_list_stored_into_by_item_keeps_its_length_across_calls(tmp_path, monkeypatch, point):
    # the first call leaves a list too short for the item the next one stores: its IndexError
    # handler makes every later MLP cost more, which only the second call shows
    from oracle import measure_calls, write_program

    path = write_program(tmp_path, ITEMS, slots="[0]")
    report, second_calls = _second_calls(path, point, monkeypatch)
    measured = [m.total for m in measure_calls(path, point, 3)]
    assert measured[1] == measured[2] > measured[0] and second_calls
    first, later = report.per_call
    assert first.contains(measured[0]) and later.contains(measured[1])


def test_object_setattr_with_a_constant_name_reads_that_name_only(tmp_path):
    found = _write_only(tmp_path, """
        class Config:
            def __post_init__(self):
                object.__setattr__(self, "passes", 2)


        class Estimator:
            def predict(self, mlp, budget):
                self.passes = 1
                self.log.append(1)
    """)
    assert found == {"log": True}


def test_the_unread_table_walks_no_tree_once_the_write_only_one_is_made(tmp_path, monkeypatch):
    # Each fix's rewrite that `analyze`'s savings prices is a program of its own: its two tables
    # come from one walk of its trees, and say what each says made alone.
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""
        class Estimator:
            def setup(self, ctx):
                self.log = []
                self.seen = 0

            def predict(self, mlp, budget):
                self.log.append(budget)
                self.seen = len(mlp.weights)
                return None
    """))
    alone = write_only.unread(load_program(path))
    program = load_program(path)
    write_only.attributes(program)
    walks = []
    monkeypatch.setattr(write_only, "ast_walk", lambda node: walks.append(node) or [])
    assert write_only.unread(program) == alone == {"log", "seen"}
    assert walks == []


def test_a_number_only_counted_up_is_write_only_and_one_stored_otherwise_is_not(tmp_path):
    found = _write_only(tmp_path, """
        class Estimator:
            def __init__(self):
                self.calls = 0
                self.seen = 0.0
                self.total = 0
                self.born = 0

            def predict(self, mlp, budget):
                self.calls += 1
                self.seen -= 2.5
                self.total += mlp.width     # a number read from data: may be anything added
                self.born = mlp.width
                self.born += 1
                self.orphan += 1            # no number stored: may read a class's attribute
    """)
    assert found == {"calls": True, "seen": True}


LEVEL_AND_CALLS = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def __init__(self):
            self.level = 0
            self.calls = 0

        def predict(self, mlp, budget):
            self.calls += 1
            x = fnp.ones(mlp.width)
            rows = []
            for w in mlp.weights:
                x = fnp.maximum(x @ w, 0.0)
                for _ in range(self.level):
                    x = fnp.tanh(x)
                rows.append(x)
            self.level = min(self.level + 1, 3)
            return fnp.stack(rows)
    """


@pytest.mark.parametrize("point", ITEM_POINTS, ids=lambda p: p.label())
def test_a_call_counter_beside_a_level_settling_at_the_last_watched_call_leaves_later_calls_priced(tmp_path, point):
    # hunt50's level_and_counter_later_calls.py: the counter still changed after 4 calls, so the
    # calls after them were not priced (a lower bound)
    from oracle import measure_calls, write_program

    report = analyze(write_program(tmp_path, LEVEL_AND_CALLS), point)
    measured = [m.total for m in measure_calls(write_program(tmp_path, LEVEL_AND_CALLS), point, 5)]
    assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
    assert [(c.lo, c.hi) for c in report.per_call] == [(m, m) for m in measured[:4]]
    assert measured[4] == measured[3]
