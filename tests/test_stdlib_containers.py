"""collections.deque, heapq and iterators over known sequences, against the real flopscope.

tests/fixtures/constructs/stdlib_containers.py steers its work with a deque of maxlen 2,
``while batch := list(itertools.islice(it, 2))`` over ``iter(range(depth))``, a heap of
(cost, index) plans, ``heapq.nsmallest``/``nlargest`` and deque rotations: at every depth the
static count is exact, op by op. A heap ordered by values read from data pops one of its items.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from oracle import assert_exact_match, first_call_unpriced, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "constructs" / "stdlib_containers.py"


COUNTER = FIXTURE.parent / "counter_and_function_attrs.py"


def assert_steered_exactly(path: Path, width: int, depth: int) -> None:
    point = Point(width, depth, 2**41)
    report = analyze(path, point)
    assert not first_call_unpriced(report), report.unpriced
    assert not report.uncertain, report.uncertain
    assert_exact_match(report, measure(path, point), f" at {width}x{depth}")


@pytest.mark.parametrize("width,depth", [(8, 1), (8, 2), (16, 3), (8, 5)])
def test_deques_heaps_and_iterators_steer_the_work_exactly(width, depth):
    assert_steered_exactly(FIXTURE, width, depth)


@pytest.mark.parametrize("width,depth", [(8, 1), (8, 4), (16, 7)])
def test_a_counter_and_attributes_of_a_function_steer_the_work_exactly(width, depth):
    # Counter's missing key reads 0 without being added, update() adds counts, most_common()
    # ranks them and total() sums them; `wrapper.calls` is kept on the function object across
    # calls (so no call of `layer` may be replayed without its increment).
    assert_steered_exactly(COUNTER, width, depth)


HEAP_TOP_K = """\
    import heapq

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w0 = mlp.weights[0]
            scores = fnp.sum(w0 * w0, axis=0)
            heap = [(-float(scores[i]), i) for i in range(mlp.width)]
            heapq.heapify(heap)
            picked = [heapq.heappop(heap)[1] for _ in range(3)]
            heapq.heappush(heap, (float(fnp.max(w0)), 0))
            _, j = heapq.heappushpop(heap, (0.0, mlp.width - 1))
            cols = fnp.stack([w0[:, i] for i in picked + [j]], axis=1)
            last = w0[heapq.heappop(heap)[1]]
            return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(cols.T @ cols) + last
    """


@pytest.mark.parametrize("width,depth", [(8, 3), (32, 2)])
def test_a_heap_ordered_by_values_read_from_data_pops_one_of_its_items(width, depth, tmp_path):
    """A top-k by a heap of (score, index) pairs read from data: which index a pop takes is not
    known, but it is one of the heap's, so the work it indexes is priced as any of them is."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(HEAP_TOP_K))
    point = Point(width, depth, 2**41)
    report = analyze(path, point)
    assert not report.unpriced, report.unpriced
    assert_exact_match(report, measure(path, point), f" at {width}x{depth}")


def test_a_heap_in_unknown_order_keeps_its_length(tmp_path):
    """Popping a heap whose order depends on values and whose items flopcast cannot stand for
    (a flag among the numbers) takes an unknown item, but one: the
    `while heap:` loop pops as many times as the run does (each pop's work is counted, the
    total stays a lower bound), instead of popping a heap that never shrinks up to the cap."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""\
        import heapq

        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                heap = [(float(fnp.max(w)), i > 0, i) for i, w in enumerate(mlp.weights)]
                heapq.heapify(heap)
                out = fnp.zeros(mlp.width)
                while heap:
                    _, _, i = heapq.heappop(heap)
                    out = out + fnp.ones(mlp.width)
                return fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32) + out
        """))
    point = Point(8, 3, 2**41)
    report = analyze(path, point)
    assert [u.what for u in report.unpriced][:1] == ["heapq.heapify"], report.unpriced
    assert not any(u.what == "unbounded" for u in report.unpriced), report.unpriced
    assert report.total.lo == measure(path, point).total


NSMALLEST = '''import heapq
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        scaled = [fnp.ones(mlp.width) * ((i + 1) % 3) for i in range(3)]
        costs = [(3 - i) * mlp.width for i in range(3)]
        cheap = heapq.{name}({n}, range(3), key=lambda i: costs[i])
        picked = heapq.{name}({n}, scaled, key=fnp.sum) if {flopscope_keys} else [scaled[i] for i in cheap]
        return fnp.stack(picked * mlp.depth)[: mlp.depth]
'''


@pytest.mark.parametrize("width,depth", [(8, 2), (16, 3)])
@pytest.mark.parametrize("name", ["nsmallest", "nlargest"])
@pytest.mark.parametrize("n", [1, 2, 3])
def test_nsmallest_by_keys_python_compares_is_exact(name, n, width, depth, tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(NSMALLEST.format(name=name, n=n, flopscope_keys=False))
    assert_steered_exactly(path, width, depth)


GENERATED = '''import heapq
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        h = fnp.ones(mlp.width)
        picked = heapq.nsmallest(5, (c * mlp.width for c in (3, 1, 2)))
        picked += heapq.nlargest(2, iter([4, 1, 3])) + heapq.nsmallest(0, iter([1]))
        for _ in picked:
            h = fnp.tanh(h @ mlp.weights[0])
        return fnp.zeros((mlp.depth, mlp.width)) + h
'''


@pytest.mark.parametrize("width,depth", [(8, 2), (16, 3)])
def test_nsmallest_takes_a_generator_s_items_once(width, depth, tmp_path):
    path = tmp_path / "estimator.py"
    path.write_text(GENERATED)
    assert_steered_exactly(path, width, depth)


MERGED = '''import heapq
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        early = [(1, "a"), (4, "b")]
        order = list(heapq.merge([k for k, _ in early], (2, 3, 8), range(2)))
        desc = heapq.merge(sorted([2, 5, 9], reverse=True), [7, 1], reverse=True)
        h = fnp.ones(mlp.width)
        rows = []
        for w in mlp.weights:
            for k in order[: len(rows) + 2]:
                h = fnp.tanh(h @ w) * k
            rows.append(h)
        return fnp.stack(rows) * fnp.ones(next(desc)).sum()
'''


@pytest.mark.parametrize("width,depth", [(8, 2), (16, 3)])
def test_heapq_merge_of_known_sequences_steers_the_work_exactly(width, depth, tmp_path):
    # (heapq.merge was unpriced: the loop over what it merged, and all after it, a lower bound)
    path = tmp_path / "estimator.py"
    path.write_text(MERGED)
    assert_steered_exactly(path, width, depth)


@pytest.mark.parametrize("point", [Point(8, 2, 2**41), Point(16, 3, 2**41)])
@pytest.mark.parametrize("n", [1, 2])
def test_nsmallest_of_fewer_than_all_by_flopscope_keys_is_unpriced(n, point, tmp_path):
    # heapq compares (key, order, item) tuples (min() for n == 1), not as a sort does: flopscope
    # bills each `<` and `==` of the keys (corpusB: [238, 242] missed the run's 248)
    path = tmp_path / "estimator.py"
    path.write_text(NSMALLEST.format(name="nsmallest", n=n, flopscope_keys=True))
    report = analyze(path, point)
    assert [u.what for u in first_call_unpriced(report)][:1] == ["heapq.nsmallest"]
    assert report.total.lo <= measure(path, point).total


def test_a_deques_maxlen_is_the_number_it_was_made_with(tmp_path):
    """``len(q) == q.maxlen`` (a window that is full): the attribute is the maxlen the deque was
    made with (None without one); flopcast read it as a value from data, a value-dependent
    branch where the run's path is known."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""\
        import collections

        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                window = collections.deque(maxlen=2)
                free = collections.deque()
                h = fnp.ones(mlp.width)
                for w in mlp.weights:
                    h = fnp.tanh(h @ w)
                    window.append(h)
                    if len(window) == window.maxlen and free.maxlen is None:
                        h = h + window[0]
                return fnp.zeros((mlp.depth, mlp.width)) + h
        """))
    for width, depth in ((8, 1), (8, 3), (16, 4)):
        assert_steered_exactly(path, width, depth)


#: heap operations whose `<` Python cannot answer: TypeError, the heap left as the sift left it
INCOMPARABLE_HEAPS = {
    "push None onto ints": ("[0, 1]", "heapq.heappush(heap, None)"),
    "push a tuple whose first differing item is None": ("[(1, None)]", "heapq.heappush(heap, (1, 2))"),
    "push a tuple holding a function whose first differing item is None":
        ("[(1, None, fnp.sum)]", "heapq.heappush(heap, (1, 2, fnp.sum))"),
    "pop onto a None": ("[0, 1, None]", "heapq.heappop(heap)"),
    "pushpop a str onto ints": ("[0, 1]", "heapq.heappushpop(heap, 'a')"),
}


@pytest.mark.parametrize("case", sorted(INCOMPARABLE_HEAPS))
def test_a_heap_of_known_items_python_cannot_order_raises_type_error(tmp_path, case):
    heap, call = INCOMPARABLE_HEAPS[case]
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(f"""\
        import heapq

        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                w = mlp.weights[0]
                heap = {heap}
                try:
                    {call}
                    out = fnp.sum(w @ w)
                except TypeError:
                    out = fnp.max(w)
                # what the heap holds after the raise steers the work
                out = out + fnp.sum(fnp.ones(len(heap) * mlp.width))
                return fnp.zeros((mlp.depth, mlp.width)) + out
        """))
    point = Point(8, 2, 10**7)
    report = analyze(path, point)
    assert report.exact and report.total.lo == measure(path, point).total, (report.total, report.unpriced)


def test_equal_nones_in_heap_tuples_are_not_compared(tmp_path):
    # Python orders tuples by their first items that differ by `==`: the Nones are equal, never compared by `<`
    # (a function in the tuple keeps it from being one known constant)
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""\
        import heapq

        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                w = mlp.weights[0]
                heap = [(1, None, 1, fnp.sum)]
                heapq.heappush(heap, (1, None, 0, fnp.sum))
                _, _, first, _ = heapq.heappop(heap)
                return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(w @ w) + fnp.sum(fnp.ones((first + 1) * mlp.width))
        """))
    point = Point(8, 2, 10**7)
    report = analyze(path, point)
    assert report.exact and report.total.lo == measure(path, point).total, (report.total, report.unpriced)
