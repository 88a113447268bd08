"""A dict kept on ``self`` as a diagnostic, keyed by a value read at run time
(``self.seen[mlp.name] = plan``) and never read, does not end the path: nothing the run can read
depends on the key (write_only.keyless_dicts). A dict some other code can reach still does."""

from __future__ import annotations

import textwrap

import pytest
from oracle import measure_calls

from flopcast.analyzer import analyze, write_only
from flopcast.analyzer.program import load_program
from flopcast.model import Point

KEYED_BY_NAME = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def __init__(self):
            self.seen = {}

        def predict(self, mlp, budget):
            self.seen[{key}] = budget          # which MLP got which budget: never read back
            mu = fnp.ones(mlp.width)
            rows = []
            for w in mlp.weights:
                mu = fnp.maximum(w.T @ mu, 0.0)
                rows.append(mu)
            return fnp.stack(rows)
"""


def _write(tmp_path, source: str):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(source))
    return path


def assert_exact_over_calls(path, point: Point, calls: int) -> None:
    """Nothing unpriced, and the exact total is the count of each of ``calls`` MLPs' runs on one instance."""
    report = analyze(path, point)
    runs = [m.total for m in measure_calls(path, point, calls)]
    assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
    assert report.total.exact and [report.total.lo] * calls == runs


@pytest.mark.parametrize("key", ["mlp.name", "(mlp.name, mlp.seed)"])
@pytest.mark.parametrize("point", [Point(8, 2, 10**6), Point(32, 3, 10**6)], ids=lambda p: p.label())
def test_a_diagnostic_keyed_by_the_mlp_name_is_priced_exactly(tmp_path, point, key):
    path = _write(tmp_path, KEYED_BY_NAME.replace("{key}", key))
    assert_exact_over_calls(path, point, 2)


@pytest.mark.parametrize("point", [Point(8, 2, 10**6), Point(32, 3, 10**6)], ids=lambda p: p.label())
def test_a_list_per_mlp_filled_through_setdefault_is_priced_exactly(tmp_path, point):
    source = KEYED_BY_NAME.replace("self.seen[{key}] = budget", "self.seen.setdefault(mlp.name, []).append(budget)")
    path = _write(tmp_path, source)
    assert_exact_over_calls(path, point, 2)


KNOBS_PROXY = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Knobs:
        def __init__(self):
            self._table = {"damp": 0.5}

        def __getattr__(self, name):
            # a proxy reads its own state through __dict__, or it would recurse
            try:
                return self.__dict__["_table"][name]
            except KeyError:
                raise AttributeError(name) from None


    class Estimator(BaseEstimator):
        def __init__(self):
            self.knobs = Knobs()
            self.seen = {}

        def predict(self, mlp, budget):
            self.seen[mlp.name] = budget          # never read back
            mu = fnp.ones(mlp.width)
            rows = []
            for w in mlp.weights:
                mu = fnp.maximum(w.T @ mu, 0.0) * self.knobs.damp
                rows.append(mu)
            return fnp.stack(rows)
"""


@pytest.mark.parametrize("point", [Point(8, 2, 10**6), Point(32, 3, 10**6)], ids=lambda p: p.label())
def test_a_proxy_reading_its_own_state_through_dunder_dict_leaves_the_diagnostic_priced(tmp_path, point):
    # `self.__dict__["_table"]` reads one name the text spells out, as getattr(self, "_table")
    # does: it no longer hides every other attribute's reads (the path ended at the store)
    path = _write(tmp_path, KNOBS_PROXY)
    assert_exact_over_calls(path, point, 2)


def test_a_dunder_dict_read_reads_the_one_name_it_spells_out(tmp_path):
    spelt_other = _keyless(tmp_path, KNOBS_PROXY)
    computed = _keyless(tmp_path, KNOBS_PROXY.replace('self.__dict__["_table"][name]', 'self.__dict__[name]'))
    spelt_same = _keyless(tmp_path, KNOBS_PROXY.replace('self.__dict__["_table"][name]', 'self.__dict__["seen"][name]'))
    assert (spelt_other, computed, spelt_same) == ({"seen"}, frozenset(), frozenset())


def _keyless(tmp_path, source: str) -> frozenset:
    return write_only.keyless_dicts(load_program(_write(tmp_path, source)))


def test_only_dicts_made_where_they_are_stored_are_keyless(tmp_path):
    found = _keyless(tmp_path, """
        import collections
        from collections import defaultdict


        class Estimator:
            def __init__(self, shared):
                self.a = {}
                self.b = dict()
                self.c = defaultdict(list)
                self.d = collections.OrderedDict()
                self.e = shared                    # reachable through the caller's name too
                self.f = self.g = {}               # and through another attribute
                self.h = {}

            def predict(self, mlp, budget):
                self.a[mlp.name] = self.b[mlp.name] = self.c[mlp.name] = 1
                self.d[mlp.name] = self.e[mlp.name] = self.f[mlp.name] = 1
                self.h[mlp.name] = 1
                return len(self.g)
    """)
    assert found == {"a", "b", "c", "d", "h"}


def test_a_dict_maker_the_program_rebinds_makes_no_keyless_dict(tmp_path):
    found = _keyless(tmp_path, """
        SHARED = {}


        def dict():
            return SHARED


        class Estimator:
            def predict(self, mlp, budget):
                self.seen = dict()
                self.seen[mlp.name] = 1
                return len(SHARED)
    """)
    assert found == frozenset()


FROZEN_CONFIG = """\
    from dataclasses import dataclass

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    @dataclass(frozen=True)
    class Config:
        passes: int = 1

        def __post_init__(self):
            object.__setattr__(self, "passes", max(self.passes, 2))   # a frozen field set once


    class Estimator(BaseEstimator):
        def __init__(self):
            self.cfg = Config()
            self.seen = {}

        def predict(self, mlp, budget):
            self.seen[mlp.name] = self.cfg.passes
            mu = fnp.ones(mlp.width)
            rows = []
            for w in mlp.weights:
                for _ in range(self.cfg.passes):
                    mu = fnp.maximum(w.T @ mu, 0.0)
                rows.append(mu)
            return fnp.stack(rows)
"""


@pytest.mark.parametrize("point", [Point(8, 2, 10**6), Point(16, 3, 10**6)], ids=lambda p: p.label())
def test_a_frozen_dataclass_setting_its_own_field_leaves_the_diagnostic_unread(tmp_path, point):
    # object.__setattr__(self, "passes", ...) reads the one name it spells out, no other
    path = _write(tmp_path, FROZEN_CONFIG)
    assert_exact_over_calls(path, point, 2)


GENERATOR_BESIDE_A_DIAGNOSTIC = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def __init__(self):
            self.scale = 0.5
            self.fallbacks = {}

        def steps(self, weights):
            for w in weights:
                yield w * self.scale

        def predict(self, mlp, budget):
            mu = fnp.ones(mlp.width)
            rows = []
            for i, w in enumerate(self.steps(mlp.weights)):
                mu = fnp.maximum(w.T @ mu, 0.0)
                self.fallbacks.setdefault(mlp.name, []).append(i)   # written between the items
                rows.append(mu)
            return fnp.stack(rows)
"""


@pytest.mark.parametrize("point", [Point(8, 2, 10**6), Point(16, 3, 10**6)], ids=lambda p: p.label())
def test_a_diagnostic_written_while_a_generator_of_self_is_suspended_is_priced_exactly(tmp_path, point):
    # the generator's body reads self.scale, never self.fallbacks: what the loop writes there
    # cannot change the items it hands over
    path = _write(tmp_path, GENERATOR_BESIDE_A_DIAGNOSTIC)
    assert_exact_over_calls(path, point, 2)


def test_a_dict_filled_through_setdefault_alone_is_write_only_and_one_given_other_items_is_not(tmp_path):
    path = _write(tmp_path, """
        class Estimator:
            def __init__(self):
                self.runs = {}
                self.mixed = {}

            def predict(self, mlp, budget):
                self.runs.setdefault(mlp.name, []).append(1)
                self.mixed[mlp.name] = 1                      # an int where a list is filled below
                self.mixed.setdefault(mlp.name, []).append(1)
    """)
    assert write_only.attributes(load_program(path)) == {"runs": write_only.ITEM}


@pytest.mark.parametrize("point", [Point(8, 2, 10**6), Point(32, 3, 10**6)], ids=lambda p: p.label())
def test_a_count_per_mlp_kept_by_get_and_store_is_priced_exactly(tmp_path, point):
    # self.seen[k] = self.seen.get(k, 0) + 1: the number read goes back into the entry only
    source = KEYED_BY_NAME.replace("self.seen[{key}] = budget", "self.seen[mlp.name] = self.seen.get(mlp.name, 0) + 1")
    path = _write(tmp_path, source)
    assert_exact_over_calls(path, point, 3)


def test_a_count_read_back_only_into_its_own_entry_is_keyless_and_one_read_otherwise_is_not(tmp_path):
    found = _keyless(tmp_path, """
        import flopscope.numpy as fnp


        class Estimator:
            def __init__(self):
                self.calls = {}
                self.steered = {}
                self.summed = {}

            def predict(self, mlp, budget):
                self.calls[mlp.name] = self.calls.get(mlp.name, 0) + 1
                self.steered[mlp.name] = self.steered.get(mlp.name, 0) + 1
                self.summed[mlp.name] = self.summed.get(mlp.name, 0) + fnp.sum(mlp.weights[0])
                if self.steered.get(mlp.name, 0) > 2:
                    return None
    """)
    assert found == {"calls"}


@pytest.mark.parametrize("point", [Point(8, 2, 10**6), Point(32, 3, 10**6)], ids=lambda p: p.label())
def test_a_diagnostic_merged_in_by_or_assign_is_priced_exactly(tmp_path, point):
    # self.seen |= {k: v} is self.seen.update(...): a write nothing reads, as an item store is
    source = KEYED_BY_NAME.replace("self.seen[{key}] = budget", "self.seen |= {mlp.name: budget}")
    path = _write(tmp_path, source)
    assert_exact_over_calls(path, point, 3)


PICKED_COUNTER = """\
    from collections import Counter

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def __init__(self):
            self.picked = Counter()

        def predict(self, mlp, budget):
            x = fnp.ones(mlp.width)
            rows = []
            for w in mlp.weights:
                x = fnp.maximum(x @ w, 0.0)
                idx = fnp.argpartition(-x, 1)[:2]
                self.picked.update(int(i) for i in idx.tolist())   # which units led: never read back
                rows.append(x * 0.5)
            return fnp.stack(rows)
"""


@pytest.mark.parametrize("point", [Point(8, 2, 10**6), Point(16, 3, 10**6)], ids=lambda p: p.label())
def test_a_counter_updated_with_indices_read_at_run_time_is_priced_exactly(tmp_path, point):
    # hunt50's counter_update_unpriced.py: the path ended at the update (a lower bound)
    path = _write(tmp_path, PICKED_COUNTER)
    assert_exact_over_calls(path, point, 2)


def test_a_counter_only_updated_is_keyless_and_one_whose_counts_are_read_is_not(tmp_path):
    found = _keyless(tmp_path, PICKED_COUNTER.replace("self.picked = Counter()", "self.picked = Counter()\n"
                                                      "        self.read = Counter()")
                     .replace("rows.append(x * 0.5)", "self.read.update(idx.tolist())\n"
                              "                rows.append(x * len(self.read))"))
    assert found == {"picked"}
