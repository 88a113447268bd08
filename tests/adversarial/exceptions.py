"""Raises with unknown messages, raise from, custom exceptions, finally, bare re-raise, except*."""
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Diverged(ArithmeticError):
    def __init__(self, value):
        super().__init__(f"diverged at {value}")
        self.value = value


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        h = fnp.ones(mlp.width)
        for w in mlp.weights:
            h = h @ w
            top = float(fnp.max(fnp.abs(h)))
            try:
                if top > 1e30:
                    raise Diverged(top)
            except ArithmeticError as exc:
                h = h / exc.value
            finally:
                h = h + 0.0
        try:
            try:
                raise ValueError(f"bad {top:.3f}")
            except ValueError as inner:
                raise RuntimeError("wrapped") from inner
        except RuntimeError:
            pass
        try:
            raise
        except RuntimeError:
            pass
        try:
            raise ExceptionGroup("many", [ValueError(1), TypeError(2)])
        except* ValueError:
            pass
        except* TypeError:
            pass
        try:
            raise 3
        except TypeError:
            pass
        if top != top:
            raise FloatingPointError(f"nan after {len(mlp.weights)} layers: {h}")
        return fnp.stack([h] * mlp.depth)
