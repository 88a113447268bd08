"""``functools.partialmethod`` against the real flopscope at two sizes: read on an instance it
is a partial of the method bound to it (its arguments after the receiver, its keywords under
the call's), of a classmethod a partial bound to the class; read on the class with no
positional arguments the receiver is the call's first argument. Read on the class with
positional arguments it is not modelled: a lower bound. ``types.MethodType(f, obj)`` is ``f``
bound to ``obj``."""

from __future__ import annotations

import pytest
from oracle import assert_exact_at, assert_first_call_below_run, write_program

from flopcast.model import Point

POINTS = [Point(8, 2, 2**41), Point(16, 3, 2**41)]

PROGRAM = """\
    import functools

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    class Layers:
        def _layer(self, x, w, scale=1.0, power=1):
            y = fnp.maximum(w.T @ x, 0.0) * scale
            return y if power == 1 else y ** power

        @classmethod
        def _squash(cls, x, steep):
            return fnp.tanh(x * steep)

        half = functools.partialmethod(_layer, scale=0.5)
        squared = functools.partialmethod(_layer, power=2)
        third = functools.partialmethod(_layer, scale=1 / 3)
        soft = functools.partialmethod(_squash, 0.25)


    class Estimator(BaseEstimator, Layers):
        def predict(self, mlp, budget):
            x = fnp.ones(mlp.width)
            rows = []
            for i, w in enumerate(mlp.weights):
                {step}
                rows.append(x)
            return fnp.stack(rows)
    """


@pytest.mark.parametrize("step", [
    "x = self.half(x, w) if i % 2 else self.squared(x, w)",
    "x = self.half(x, w, scale=2.0, power=2)",  # the call's keywords over the partial's
    "x = self.soft(self.third(x, w))",  # a classmethod's: bound to the class
    "x = Layers.squared(self, x, w)",  # on the class: the receiver is the first argument
    "x = Estimator.soft(x) + functools.reduce(lambda a, f: f(a, w), [self.half, self.squared], x)",
], ids=["instance", "call_keywords_win", "classmethod", "on_the_class", "held_in_a_list"])
def test_a_partial_method_calls_its_function_with_its_arguments(tmp_path, step):
    assert_exact_at(write_program(tmp_path, PROGRAM, step=step), POINTS)


def test_positional_arguments_read_on_the_class_are_not_modelled(tmp_path):
    program = PROGRAM.replace("soft = functools.partialmethod(_squash, 0.25)",
                              "soft = functools.partialmethod(_squash, 0.25)\n"
                              "        by_half = functools.partialmethod(_layer, scale=0.5)\n"
                              "        first = functools.partialmethod(lambda self, k, x, w: x * k, 2.0)")
    path = write_program(tmp_path, program, step="x = Layers.first(self, x, w) + self.by_half(x, w)")
    assert_first_call_below_run(path, Point(16, 3, 2**41))


BOUND_BY_HAND = """\
    import types

    import flopscope.numpy as fnp
    from whestbench import BaseEstimator


    def scaled(self, x, power=1):
        return fnp.tanh(x * self.gain) ** power


    class Estimator(BaseEstimator):
        gain = 0.5

        def predict(self, mlp, budget):
            self.step = types.MethodType(scaled, self)
            x = fnp.ones(mlp.width)
            for w in mlp.weights:
                x = self.step(w.T @ x, power=2) + self.step(x)
            return fnp.zeros((mlp.depth, mlp.width)) + x
    """


def test_types_method_type_binds_a_function_to_the_object(tmp_path):
    # was handed to an unmodelled library: the path ended there
    assert_exact_at(write_program(tmp_path, BOUND_BY_HAND), POINTS)
