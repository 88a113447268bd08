"""A generator expression makes each item when it is taken, reading the names its element
mentions as they are bound then; flopcast makes a kept or looped-over one whole where it is
written. A name rebound in between (before the items are taken, or by the loop's body) made a
false "exact" (or a lower bound above the run): the path now ends there. A generator function's
body, which flopcast runs whole at its first item, likewise ends the path when its consumer
changes what the body reads (its arguments, the names it mentions) before a later item. Items
made ahead of their consumer are taken back when a path ends, so the lower bound holds only what
the run made.

Each case is checked against the real flopscope.
"""

from __future__ import annotations

import textwrap

from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(16, 2, 2**41), Point(32, 3, 2**41))

HEAD = """\
    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Estimator(BaseEstimator):
        def predict(self, mlp, budget):
    """


def _write(tmp_path, body: str):
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(HEAD) + textwrap.indent(textwrap.dedent(body), " " * 8))
    return path


def _lower_bound_holds(path) -> None:
    for point in POINTS:
        report = analyze(path, point)
        assert report.lower_bound and not report.raises, (point, report.total)
        assert report.total.lo <= measure(path, point).total, (point, report.total)


def test_a_kept_generator_reads_the_name_as_rebound_before_it_is_taken(tmp_path):
    """`n` is 5000 where the expression is written and 2 when sum() takes the items: the run
    makes two 2-element arrays (flopcast had counted two of 5,000: a lower bound 40,000 above a
    run of 154)."""
    _lower_bound_holds(_write(tmp_path, """\
        n = 5000
        g = (fnp.ones(n) * 2.0 for _ in range(2))
        n = 2
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(sum(g))
        """))


def test_a_loop_whose_body_rebinds_a_name_its_generator_reads(tmp_path):
    """The first item is made with n = 5000, the next two after the body set n = 2."""
    _lower_bound_holds(_write(tmp_path, """\
        n = 5000
        acc = fnp.zeros(mlp.width)
        for a in (fnp.ones(n) * 2.0 for _ in range(3)):
            n = 2
            acc = acc + fnp.sum(a)
        return fnp.zeros((mlp.depth, mlp.width)) + acc
        """))


def test_a_generator_never_taken_before_the_path_ends_is_not_in_the_lower_bound(tmp_path):
    """The items of `g` are never made by the run; the path ends at the setattr of a name read
    from data, and what it counted must not include them."""
    _lower_bound_holds(_write(tmp_path, """\
        g = (fnp.ones(5000) * 2.0 for _ in range(2))
        setattr(self, "k" + str(float(fnp.sum(mlp.weights[0]))), 1)
        return fnp.zeros((mlp.depth, mlp.width))
        """))


def test_a_kept_generator_over_unchanged_names_stays_exact(tmp_path):
    """Nothing it reads is rebound before sum() takes its items, nor by the loop after."""
    path = _write(tmp_path, """\
        x = fnp.ones(mlp.width)
        g = (x @ w for w in mlp.weights)
        y = sum(g)
        acc = fnp.zeros(mlp.width)
        for a in (fnp.tanh(x * k) for k in range(3)):
            acc = acc + a
        return fnp.zeros((mlp.depth, mlp.width)) + y + acc
        """)
    for point in POINTS:
        report = analyze(path, point)
        assert report.total.exact and not report.unpriced, (point, report.total)
        assert report.total.lo == measure(path, point).total, point


def test_a_generator_functions_later_items_read_the_state_its_consumer_changed(tmp_path):
    """`blocks` reads cfg["n"] as each item is made; the loop sets it to the width after the
    first item. flopcast ran the body whole at the first item (a false exact: 158 vs 326)."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        def blocks(cfg, k):
            for _ in range(k):
                yield fnp.ones(cfg["n"]) * 2.0


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                cfg = {"n": 2}
                acc = 0.0
                for a in blocks(cfg, 3):
                    cfg["n"] = mlp.width
                    acc = acc + float(fnp.sum(a))
                return fnp.zeros((mlp.depth, mlp.width)) + acc
        """))
    _lower_bound_holds(path)


def test_a_generator_reading_a_global_rebound_between_next_and_the_loop(tmp_path):
    """The first item is taken with N = 2, the rest after N became the width."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator

        N = 2


        def blocks(k):
            for _ in range(k):
                yield fnp.ones(N) * 2.0


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                global N
                N = 2
                acc = 0.0
                g = blocks(3)
                first = next(g)
                N = mlp.width
                for a in g:
                    acc = acc + float(fnp.sum(a))
                return fnp.zeros((mlp.depth, mlp.width)) + acc + first[0]
        """))
    _lower_bound_holds(path)


def test_a_generator_whose_consumer_changes_nothing_it_reads_stays_exact(tmp_path):
    """The loop writes names the body never reads: every item is as flopcast made it."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        def layers(x, weights, log):
            for w in weights:
                x = fnp.tanh(x @ w)
                yield x


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                log, rows, total = [], [], 0.0
                for h in layers(fnp.ones(mlp.width), mlp.weights, log):
                    rows.append(h * 2.0)
                    total = total + 1.0
                return fnp.stack(rows) + total
        """))
    for point in POINTS:
        report = analyze(path, point)
        assert report.total.exact and not report.unpriced, (point, report.total)
        assert report.total.lo == measure(path, point).total, point


def test_a_loop_reading_a_list_its_generator_appends_to_item_by_item(tmp_path):
    """`blocks` appends to `log` before each item; the loop sizes an array by len(log): 1, 2, 3
    widths in the run, 3, 3, 3 when the body ran whole first (a false exact: 704 vs 512)."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        def blocks(log, k):
            for i in range(k):
                log.append(i)
                yield i


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                log = []
                acc = fnp.zeros(1)
                for i in blocks(log, 3):
                    acc = fnp.sum(fnp.ones(len(log) * mlp.width)) + acc
                return fnp.zeros((mlp.depth, mlp.width)) + acc
        """))
    _lower_bound_holds(path)


def test_a_generator_that_logs_to_a_list_the_loop_never_reads_stays_exact(tmp_path):
    """The body appends to `log`; the loop reads only its items."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        def layers(x, weights, log):
            for w in weights:
                x = fnp.tanh(x @ w)
                log.append(x.shape)
                yield x


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                log, rows = [], []
                for h in layers(fnp.ones(mlp.width), mlp.weights, log):
                    rows.append(h * 2.0)
                return fnp.stack(rows) + float(len(log))
        """))
    for point in POINTS:
        report = analyze(path, point)
        assert report.total.exact and not report.unpriced, (point, report.total)
        assert report.total.lo == measure(path, point).total, point


def test_zip_over_a_generator_expression_reads_the_name_when_the_items_are_taken(tmp_path):
    """zip takes the generator's items as the sum asks for them, after `n` became the width
    (flopcast made them with n = 2: a false exact, 772 vs 912 at 16x2)."""
    _lower_bound_holds(_write(tmp_path, """\
        n = 2
        zg = zip(range(2), (fnp.ones(n) for _ in range(2)))
        n = mlp.width
        u = sum(v for _, v in zg)
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(u)
        """))


def test_next_on_a_kept_generator_expression_after_a_rebinding(tmp_path):
    """next() takes the first item after `n` became the width (flopcast: made with n = 2)."""
    _lower_bound_holds(_write(tmp_path, """\
        n = 2
        g = (fnp.ones(n) * 2.0 for _ in range(2))
        n = mlp.width
        a = next(g)
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(a)
        """))


def test_next_on_a_generator_after_its_consumer_changed_what_it_reads(tmp_path):
    """The second next() makes an item of the width the consumer set after the first."""
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent("""\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        def blocks(cfg):
            for _ in range(3):
                yield fnp.ones(cfg["n"]) * 2.0


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                cfg = {"n": 2}
                g = blocks(cfg)
                a = next(g)
                cfg["n"] = mlp.width
                b = next(g)
                return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(a) + fnp.sum(b)
        """))
    _lower_bound_holds(path)


def test_a_map_over_a_generator_whose_state_the_loop_changes(tmp_path):
    """map() takes the generator's second item after the loop body set the size it reads
    (flopcast ran the body whole at the first item: a false exact, 616 vs 712 at 8x2)."""
    _lower_bound_holds(_write(tmp_path, """\
        state = {"k": 2}
        def gen():
            for _ in range(3):
                yield fnp.ones(state["k"]) * 2.0
        out = fnp.zeros(2)
        for i, v in enumerate(map(lambda t: t + 1.0, gen())):
            state["k"] = mlp.width
            out = out + fnp.sum(v)
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(out)
        """))
