"""Endless generators (`while True: yield`): priced where the call that takes their items bounds
them, and otherwise unpriced with the reason that holds (not "a loop that never ends")."""

from __future__ import annotations

from pathlib import Path

import pytest

from flopcast.analyzer.api import analyze
from flopcast.model import Point
from oracle import first_call_unpriced, measure, static_per_op

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "constructs"
POINTS = [Point(16, 3, 2**41), Point(24, 5, 2**41)]


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_endless_generators_made_inside_zip_and_islice_are_exact(point: Point) -> None:
    path = FIXTURES / "endless_zipped.py"
    report = analyze(path, point)
    measured = measure(path, point)
    assert report.exact and not report.unpriced and report.total.lo == measured.total
    assert static_per_op(report) == measured.per_op


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_an_endless_generator_taken_by_next_is_unpriced_as_such(point: Point) -> None:
    """Not "the while loop never ends ... until the budget is exhausted": at run time the
    consumer stops asking; what flopcast cannot tell is how many items next() takes."""
    path = FIXTURES / "endless_next.py"
    report = analyze(path, point)
    assert report.lower_bound and report.total.lo <= measure(path, point).total
    [entry] = first_call_unpriced(report)
    assert entry.what == "endless generator"
    assert "scales never stops yielding and its items are taken by next()" in entry.reason
    assert not [u for u in report.uncertain if u.kind == "unbounded"]  # (nor "its cost is unbounded")


PRIMES = """
    import itertools

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    def primes():
        found = []
        for n in itertools.count(2):
            if all(n % p for p in found):
                found.append(n)
                yield n


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            ps = {consumer}
            x = fnp.ones(mlp.width) * float(sum(ps))
            return fnp.stack([x] * mlp.depth)
"""


@pytest.mark.parametrize("consumer", ["tuple(itertools.islice(primes(), 3))",
                                      "[p for _, p in zip(mlp.weights, primes())]"])
def test_a_for_loop_over_count_that_yields_stops_where_its_consumer_stops(tmp_path, consumer) -> None:
    """A prime generator `for n in itertools.count(2): ... yield n` taken by islice (or beside the
    weights in zip): the body stops at the last item taken, as `while True:` bodies do; it was
    reported as a loop that never ends (unpriced, a lower bound of 0 for the whole predict)."""
    from oracle import assert_exact_at, write_program

    path = write_program(tmp_path, PRIMES, consumer=consumer)
    assert_exact_at(path, [Point(8, 2, 2**41), Point(16, 3, 2**41)])


def test_generators_looping_over_cycle_and_repeat_beside_the_weights_are_exact(tmp_path) -> None:
    """`for kind in itertools.cycle(("a", "b")): yield kind` and `for s in itertools.repeat(0.5):
    yield s` zipped with the weights: their loop state repeats, which read as a loop that never
    ends (a lower bound of 16 FLOPs at 8x3 for a run of 1,920)."""
    from oracle import assert_exact_at, write_program

    path = write_program(tmp_path, '''
        import itertools

        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        def schedule():
            for kind in itertools.cycle(("a", "b")):
                yield kind


        def scales():
            for s in itertools.repeat(0.5):
                yield s


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                x = fnp.ones(mlp.width)
                rows = []
                for w, kind, s in zip(mlp.weights, schedule(), scales()):
                    x = fnp.tanh(x @ w) if kind == "a" else fnp.exp(-(x @ w) ** 2)
                    rows.append(x * s)
                return fnp.stack(rows)
    ''')
    assert_exact_at(path, [Point(8, 3, 2**41), Point(16, 4, 2**41)])


LOGGING = """
    import itertools

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    def counted(log, width):
        n = 0
        while True:
            n += 1
            yield n
            log.append(fnp.ones(width) * n)


    def stepped(log, width):
        for n in itertools.count(1):
            yield n
            log.append(fnp.ones(width) * (2 * n))


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            log = []
            rows = {consumer}
            x = fnp.ones(mlp.width) * float(len(rows))
            for v in log:
                x = x + v
            return fnp.stack([x] * mlp.depth)
"""


@pytest.mark.parametrize("consumer", [
    "[(w, k) for w, k in zip(mlp.weights, counted(log, mlp.width))]",
    "list(zip(mlp.weights, stepped(log, mlp.width)))",
    "list(zip(counted(log, mlp.width), mlp.weights))",
    "list(zip(range(mlp.depth + 5), counted(log, mlp.width), mlp.weights, range(mlp.depth + 1)))",
    "[k for _, k in zip(range(mlp.depth + 1), stepped(log, mlp.width))]",
])
def test_a_generator_zipped_after_the_shortest_sequence_stops_at_its_last_item_taken(tmp_path, consumer) -> None:
    """zip pulls a generator that comes after its shortest sequence as many times as that
    sequence has items, and the one before it once more: the code after the last item taken
    (here a `log.append` of a priced array) never runs after a later generator's last item.
    Every generator was run to one item more, its charges taken back but its append kept:
    a false exact (predicted 160, counted 144 at 8x2 for the first consumer)."""
    from oracle import assert_exact_at, write_program

    path = write_program(tmp_path, LOGGING, consumer=consumer)
    assert_exact_at(path, [Point(8, 2, 2**41), Point(16, 3, 2**41)])


@pytest.mark.parametrize("consumer", [
    "list(zip(mlp.weights, enumerate(counted(log, mlp.width))))",
    "list(zip(enumerate(stepped(log, mlp.width), 1), mlp.weights))",
    "list(zip(mlp.weights, map(float, counted(log, mlp.width))))",
    "list(zip(mlp.weights, itertools.takewhile(lambda n: n < 100, counted(log, mlp.width))))",
    "list(zip(mlp.weights, map(lambda k: fnp.ones(2) * k, itertools.count())))",
    "[k * w for (i, k), w in zip(enumerate(itertools.count(3)), mlp.weights)]",
])
def test_an_endless_source_wrapped_in_enumerate_map_or_takewhile_stops_where_zip_stops(tmp_path, consumer) -> None:
    """zip takes as many items of enumerate(gen()), map(f, gen()) or takewhile(p, gen()) as of a
    bare generator, and each of those takes one item of the generator per item: the body stops
    there. It ran whole, and read as a while loop that never ends (a lower bound); over
    itertools.count() the trip count of the loop taking the items was unknown."""
    from oracle import assert_exact_at, write_program

    path = write_program(tmp_path, LOGGING, consumer=consumer)
    assert_exact_at(path, [Point(8, 2, 2**41), Point(16, 3, 2**41)])


def test_an_endless_generator_taken_by_a_loop_that_breaks_is_unpriced_as_such(tmp_path) -> None:
    """`for i, s in enumerate(gen()): ... break`: at run time the generator stops where the loop
    breaks; flopcast, which runs its body ahead, cannot tell where. Not "the while loop never
    ends ... until the budget is exhausted", which is false."""
    from oracle import write_program

    path = write_program(tmp_path, '''
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        def rows(width):
            k = 0
            while True:
                k += 1
                yield fnp.ones(width) * k


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                x = fnp.ones(mlp.width)
                for i, r in enumerate(rows(mlp.width)):
                    x = x + r
                    if i >= 3:
                        break
                return fnp.stack([x] * mlp.depth)
    ''')
    point = Point(8, 2, 2**41)
    report = analyze(path, point)
    assert report.lower_bound and report.total.lo <= measure(path, point).total
    [entry] = first_call_unpriced(report)
    assert entry.what == "endless generator"
    assert "rows never stops yielding and its items are taken by its consumer" in entry.reason
    assert not [u for u in report.uncertain if u.kind == "unbounded"]


@pytest.mark.parametrize("point", [Point(8, 2, 2**41), Point(16, 3, 2**41)], ids=lambda p: p.label())
def test_an_endless_body_that_ends_the_path_is_no_part_of_its_lower_bound(tmp_path, point) -> None:
    """The body runs ahead of its consumer until flopcast sees it never stop (here at its second
    item), but the loop taking its items breaks at the first: the second item's matmul was kept in
    the lower bound, which then passed the run's count (16,382 reported at least, 8,255 counted at
    16x2). What the body charged ahead of its consumer is taken back where the path ends."""
    from oracle import write_program

    path = write_program(tmp_path, '''
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        def gram_sums(w):
            while True:
                yield fnp.sum(w @ w)


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                for first in gram_sums(mlp.weights[0]):
                    if mlp.width > 4:
                        break
                return fnp.zeros((mlp.depth, mlp.width)) + first
    ''')
    report = analyze(path, point)
    assert report.lower_bound and report.total.lo <= measure(path, point).total
    assert [u.what for u in first_call_unpriced(report)] == ["endless generator"]


RUNNING_SUMS = """
    import itertools

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    def running_sums(w):
        total = fnp.zeros(w.shape[1])
        while True:
            total = total + fnp.sum(w, axis=0)
            yield total


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            w = mlp.weights[0]
            {consumer}
            return fnp.stack([kept[-1]] * mlp.depth)
"""


@pytest.mark.parametrize("consumer", [
    "kept = list(itertools.islice(itertools.takewhile(lambda t: t.ndim == 1, running_sums(w)), mlp.depth + 2))",
    "kept = [t for _, t in itertools.islice(enumerate(running_sums(w)), mlp.depth + 2)]",
    "running = itertools.takewhile(lambda t: t.ndim == 1, running_sums(w))\n"
    "        kept = list(itertools.islice(running, mlp.depth + 2))",
    "sums = running_sums(w)\n        kept = list(itertools.islice(sums, 3))",
])
def test_islice_of_an_endless_generator_or_its_takewhile_stops_the_body_at_the_last_item(tmp_path, consumer) -> None:
    """islice takes a known number of items of takewhile(p, gen()) (or enumerate, map), each of
    which takes one item of gen() at most: the body stops there, as under a bare islice. It ran
    ahead of the consumer as if endless, a lower bound (and, where the state it carries never
    repeats, for 100,000 iterations: minutes). Held by a name, the iterator may be asked for more
    later; the body stops there all the same once it is in its endless loop."""
    from oracle import assert_exact_at, write_program

    path = write_program(tmp_path, RUNNING_SUMS, consumer=consumer)
    assert_exact_at(path, [Point(8, 2, 2**41), Point(16, 3, 2**41)])


@pytest.mark.parametrize("point", [Point(8, 2, 2**41), Point(16, 3, 2**41)], ids=lambda p: p.label())
def test_islice_of_a_value_dependent_takewhile_of_an_endless_generator_is_an_interval(tmp_path, point) -> None:
    """The takewhile keeps every item or stops at the first (a value-dependent site); at most
    the islice's count either way, whose end is the run's when every item passes."""
    from oracle import write_program

    consumer = ("kept = [w[0]] + list(itertools.islice(itertools.takewhile(\n"
                "            lambda t: float(fnp.max(t)) < 1e9, running_sums(w)), mlp.depth + 2))")
    path = write_program(tmp_path, RUNNING_SUMS, consumer=consumer)
    report = analyze(path, point)
    assert not report.unpriced and not report.exact
    assert report.total.hi == measure(path, point).total


def test_a_named_generator_whose_loop_breaks_is_taken_on_past_its_first_islice(tmp_path) -> None:
    """`head = list(islice(g, 2)); rest = list(g)` over a `while True:` that breaks after five
    items: the body runs whole at the first islice, as before, so the second consumer's items
    are priced. Stopping it at the islice's count made the second consumer resume a paused
    body, a lower bound (512 against 1,472 counted at 16x2)."""
    from oracle import assert_exact_at, write_program

    path = write_program(tmp_path, '''
        import itertools

        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        def scaled_sums(w):
            k = 0
            while True:
                k += 1
                if k > 5:
                    break
                yield fnp.sum(w) * k


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                sums = scaled_sums(mlp.weights[0])
                head = list(itertools.islice(sums, 2))
                rest = list(sums)
                return fnp.zeros((mlp.depth, mlp.width)) + head[0] + rest[-1]
    ''')
    assert_exact_at(path, [Point(8, 2, 2**41), Point(16, 3, 2**41)])
