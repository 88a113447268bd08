"""A read of the FLOPs spent (`flops.current_budget().flops_remaining`) after an op sized by an
integer read from data. The size's site is analysed at the ends of its range, which bound the
runs between only where the cost is monotone in it; a loop that spends what is left is not: it
stops dearest just before the size at which one pass less fits, in the middle of the range, and
cheapest just after. The site is then analysed at every value of its range, and where it has too
many the read is not known (a lower bound). Each value pinned is run under flopscope."""

from __future__ import annotations

from flopcast.analyzer import analyze
from flopcast.model import Point
from oracle import pinned_run, write_program

PROGRAM = """\
    import flopscope as flops
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
            n = mlp.width
            k = int(fnp.count_nonzero(mlp.weights[0][0] > 0))
            x = fnp.ones(k * 37)
            acc = fnp.zeros(n)
            while flops.current_budget().flops_remaining > 5000:
                acc = acc + fnp.sum(fnp.ones(900))
            return fnp.zeros((mlp.depth, n)) + acc
    """
SLOT = "int(fnp.count_nonzero(mlp.weights[0][0] > 0))"


def test_every_count_the_size_can_make_is_inside_the_interval(tmp_path):
    point = Point(8, 2, 20_000)
    path = write_program(tmp_path, PROGRAM)
    report = analyze(path, point, formula=False)
    assert not report.unpriced, [(u.what, u.reason) for u in report.unpriced]
    template = path.read_text()
    # (the count stays read, so each pinned run charges what a run with that count does)
    runs = {k: pinned_run(tmp_path, template, SLOT, f"{SLOT} * 0 + {k}", point) for k in (7, 8)}
    # 7 active units leave room for one pass more than 8 do: the dearest run, above both ends
    # (the run at 0 is the analysis' own low end of the range, below it)
    assert report.total.hi == runs[7] > runs[8] == report.total.lo, (report.total, runs)


def test_a_size_with_too_many_values_leaves_the_read_unknown(tmp_path):
    point = Point(32, 2, 30_000)
    path = write_program(tmp_path, PROGRAM)
    report = analyze(path, point, formula=False)
    assert report.unpriced and not [u for u in report.unpriced if u.what == "internal error"], report.unpriced
    template = path.read_text()
    assert report.total.lo <= pinned_run(tmp_path, template, SLOT, f"{SLOT} * 0 + 31", point)
