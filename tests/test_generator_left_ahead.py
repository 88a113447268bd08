"""A generator whose body changes state its consumer reads, left by its loop before its end.

flopcast runs a generator's body whole when the loop first asks for an item; Python's body stops
at the yield of the last item the loop takes (a break, a return out of the loop, any() at its first
true item, islice's stop, zip beside a shorter list, a break out of enumerate(g), map, filter, takewhile or dropwhile over it). What the body
does for the items never taken (a seeded random.Random's draws, a list it appends to, a counter
it bumps) the run never does, so the code after the loop reads another state: flopcast claimed
an exact count the run does not make (the draws: 1,150 at 8x2, run 1,502). Now the path ends at
the loop with a located reason: a lower bound the run keeps to.
"""

from __future__ import annotations

import pytest
from oracle import first_call_unpriced, measure, write_program

from flopcast.analyzer import analyze
from flopcast.model import Point

ESTIMATOR = """\
    import itertools
    import random

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def stages(self, mlp, rng, log):
            h = fnp.ones((mlp.width,))
            for w in mlp.weights:
                h = fnp.maximum(h @ w, 0.0)
                {change}
                yield h

        def first(self, mlp, rng, log):
            {leave}

        def predict(self, mlp, budget):
            rng = random.Random(3)
            log = []
            self.calls = 0
            h = self.first(mlp, rng, log)
            k = {size}
            return fnp.stack([h] * mlp.depth) + fnp.sum(fnp.ones((k, mlp.width)))
    """

CHANGES = {
    "random_draw": ("h = h * rng.random()", "rng.randint(1, 50)"),
    "list_append": ("log.append(1)", "7 * len(log) + 1"),
    "counter_attribute": ("self.calls += 1", "7 * self.calls + 1"),
}
LOOP = "for h in self.stages(mlp, rng, log):\n            "
LEAVES = {"break": LOOP + "break\n        return h", "return": LOOP + "return h",
          "any": "return fnp.ones(mlp.width) * any(True for h in self.stages(mlp, rng, log))"}
# Held by a name, the generator's body runs whole; islice's stop and zip beside a shorter list
# leave it at its first item all the same (the run's body stops at that yield).
HELD = "g = self.stages(mlp, rng, log)\n        "
LEAVES |= {"islice": HELD + "return list(itertools.islice(g, 1))[0]",
           "zip_shorter": HELD + "for _, h in zip([0], g):\n            pass\n        return h"}
# enumerate hands on the generator's items one by one: a break leaves the generator as it leaves enumerate
LEAVES |= {"enumerate_held": HELD + "for i, h in enumerate(g):\n            break\n        return h",
           "enumerate_made_here": "for i, h in enumerate(self.stages(mlp, rng, log)):\n            break\n"
                                  "        return h",
           "map_held": HELD + "for h in map(fnp.abs, g):\n            break\n        return h",
           "filter_held": HELD + "for h in filter(lambda x: True, g):\n            break\n        return h",
           "takewhile_held": HELD + "for h in itertools.takewhile(lambda x: True, g):\n            break\n"
                            "        return h",
           "dropwhile_held": HELD + "for h in itertools.dropwhile(lambda x: False, g):\n            break\n"
                            "        return h"}


@pytest.mark.parametrize("leave", LEAVES.values(), ids=LEAVES.keys())
@pytest.mark.parametrize("change, size", CHANGES.values(), ids=CHANGES.keys())
def test_state_the_body_changes_past_the_last_item_taken_is_not_claimed(tmp_path, change, size, leave):
    path = write_program(tmp_path, ESTIMATOR, change=change, size=size, leave=leave)
    for point in (Point(8, 2, 10**8), Point(8, 4, 10**8)):
        report = analyze(path, point)
        run = measure(path, point).total
        assert [u.what for u in first_call_unpriced(report)] == ["generator left with changed state"], \
            f"claimed {report.total} at {point}, run {run:,}"
        assert report.total.lo <= run, (report.total, run)


def test_a_body_that_changes_nothing_stays_exact(tmp_path):
    """The check ends only paths whose generator changed what its consumer may read."""
    path = write_program(tmp_path, ESTIMATOR, change="pass", size="3", leave=LEAVES["break"])
    for point in (Point(8, 2, 10**8), Point(8, 4, 10**8)):
        report = analyze(path, point)
        assert report.total.exact and not report.unpriced
        assert report.total.lo == measure(path, point).total
