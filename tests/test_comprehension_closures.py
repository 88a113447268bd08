"""A lambda made in a comprehension closes over the comprehension's own targets (late bound:
called after the comprehension, it reads the last item) and over the enclosing scope's names
as they are when it is called, not as they were when the comprehension ran.

flopcast runs a comprehension over a copy of the enclosing frame's names; a lambda made there
read that copy (a name rebound after the comprehension kept its old value: a false "exact"),
and at module level it saw no targets at all (an unpriced op, a lower bound far below the run).
Each case is checked against the real flopscope at two sizes.
"""

from __future__ import annotations

import textwrap

from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

POINTS = (Point(16, 2, 2**41), Point(32, 3, 2**41))


def _exact_everywhere(tmp_path, source: str) -> None:
    path = tmp_path / "estimator.py"
    path.write_text(textwrap.dedent(source))
    for point in POINTS:
        report = analyze(path, point)
        assert report.total.exact and not report.unpriced and not report.raises, (point, report.total,
                                                                                  report.unpriced)
        assert report.total.lo == measure(path, point).total, point


def test_a_lambda_in_a_comprehension_reads_the_enclosing_name_as_rebound_after_it(tmp_path):
    """`n` is 2 when the comprehension runs and the width when the lambda is called: the
    run makes a width-sized array (the copy flopcast kept said 2)."""
    _exact_everywhere(tmp_path, """\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                n = 2
                makers = [lambda: fnp.ones(n) * 2.0 for _ in range(1)]
                n = mlp.width
                return fnp.zeros((mlp.depth, mlp.width)) + makers[0]()
        """)


def test_module_level_lambdas_in_a_comprehension_all_read_the_last_target(tmp_path):
    """Late binding at module level: every lambda multiplies by k = 3 (flopcast had 'k' undefined)."""
    _exact_everywhere(tmp_path, """\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator

        SCALERS = [lambda x: fnp.ones((x.shape[0], k)) for k in range(1, 4)]


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                x = fnp.ones(mlp.width)
                cols = [f(x) for f in SCALERS]
                return fnp.zeros((mlp.depth, mlp.width)) + sum(c[:, 2] for c in cols)
        """)


def test_a_lambda_in_a_nested_comprehension_reads_both_targets_and_the_live_enclosing_name(tmp_path):
    """The inner comprehension's lambda reads the inner target, the outer target (both their
    last values) and `m`, rebound after both comprehensions ran."""
    _exact_everywhere(tmp_path, """\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                m = 1
                grid = [[lambda: fnp.ones((i + j + m, 2)) for j in range(2)] for i in range(3)]
                m = mlp.width
                made = [f() for row in grid for f in row]
                return fnp.zeros((mlp.depth, mlp.width)) + sum(float(fnp.sum(a)) for a in made)
        """)


def test_a_default_argument_still_binds_each_item(tmp_path):
    """`lambda x, k=k:` takes each item's k when the lambda is made."""
    _exact_everywhere(tmp_path, """\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                makers = {k: (lambda n, k=k: fnp.ones((n, k))) for k in (1, 3)}
                out = fnp.zeros((mlp.depth, mlp.width))
                for k, f in makers.items():
                    out = out + fnp.sum(f(mlp.width))
                return out
        """)


def test_a_comprehension_in_a_class_body_reads_module_names_not_the_classs(tmp_path):
    """Python's class scope is not visible inside a comprehension there, except in its first
    iterable: `[N for _ in range(3)]` reads the module's N = 2, `range(N)` the class's N = 5.
    flopcast ran it over a copy of the class's names (a false exact: 266 vs 194 at 16x2)."""
    _exact_everywhere(tmp_path, """\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator

        N = 2


        class Cfg:
            N = 5
            sizes = [N for _ in range(3)]
            firsts = [i for i in range(N)]
            pairs = {k: N for k in ("a", "b")}
            gen_sum = sum(N for _ in range(2))


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                x = fnp.ones(sum(Cfg.sizes) + len(Cfg.firsts) + Cfg.pairs["a"] + Cfg.gen_sum)
                return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(x)
        """)


def test_methods_of_a_class_made_in_a_function_close_over_the_functions_names(tmp_path):
    """`run` and `f` read `n`, build()'s argument (the width), not the module's n = 2: a class
    body is no scope, its methods close over the function the class statement runs in
    (flopcast gave them no closure: a false exact, 8 vs 384 at 16x2)."""
    _exact_everywhere(tmp_path, """\
        import flopscope.numpy as fnp
        from whestbench import BaseEstimator

        n = 2


        def build(n):
            class Layer:
                size = n

                def run(self):
                    return fnp.ones(n) * 2.0

                f = lambda self: fnp.ones(n) * 3.0
            return Layer()


        class Estimator(BaseEstimator):
            def predict(self, mlp, budget):
                layer = build(mlp.width)
                return fnp.zeros((mlp.depth, mlp.width)) + layer.run() + layer.f() + layer.size
        """)
