"""Mean field with polynomial ReLU moments, quadrature on the widest neurons and a
Newton-calibrated variance scale ("poly_surrogate").

Team "cheap tricks", final round.

1. The ReLU moment curves m(z), s(z) are replaced by degree-7 polynomials (surrogate.py,
   coefficients from coeffs.npz loaded in setup()); two polyvals per layer instead of
   flopscope's erf-priced norm.cdf/pdf.  If a layer's |z| leaves the fitted interval we
   refit on the grader (a polyfit per curve), once.
2. The Q neurons with the widest pre-activation (argpartition on the variance) get a
   Gauss-Hermite correction of their mean: the polynomial clips at |z| = Z_FIT, the
   quadrature does not.  Q comes from the budget, clamped.
3. Mean field underestimates the spread of deep layers; we rescale the variance by a
   factor c solving  sum(var_post(c)) = c * sum(var_post(1))  (a fixed point we find by
   Newton on the log-scale, up to MAX_NEWTON steps while the residual is above TOL).
   The 2x2 normal equations of the final least-squares polish are solved directly, with
   lstsq as the fallback when they are singular.
"""

import math

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

from surrogate import Z_FIT, Surrogate, exact_moment_curves, gauss_hermite, refit

QUAD_NODES = 9
Q_MIN, Q_MAX = 2, 64
VAR_FLOOR = 1e-8
MAX_NEWTON = 6
TOL = 1e-3
POLISH = True

NODES, WEIGHTS = gauss_hermite(QUAD_NODES)


def quad_budget(width: int, depth: int, budget: int) -> int:
    """How many neurons per layer get quadrature: ~6 FLOPs per node per neuron."""
    base = 12.0 * width * width * depth + 60.0 * width * depth
    spare = max(budget - base, 0.0)
    q = int(spare / (6.0 * QUAD_NODES * depth + 1.0))
    return max(Q_MIN, min(q, Q_MAX, width))


class Layer:
    """One layer's pre-activation statistics and the post-activation moments."""

    __slots__ = ("mu", "var", "sd", "z", "mean", "second")

    def __init__(self, mu, var):
        self.mu = mu
        self.var = fnp.maximum(var, VAR_FLOOR)
        self.sd = fnp.sqrt(self.var)
        self.z = self.mu / self.sd
        self.mean = None
        self.second = None

    def finish(self, surrogate: Surrogate):
        m, s = surrogate(self.z)
        self.mean = self.sd * m
        self.second = self.var * s
        return self

    @property
    def post_var(self):
        return fnp.maximum(self.second - self.mean * self.mean, 0.0)


def quadrature_fix(layer: Layer, q: int):
    """Replace the surrogate mean of the q widest neurons by a Gauss-Hermite estimate,
    scattered back with a one-hot (q, width) matrix (flopscope arrays are immutable)."""
    width = layer.mean.shape[0]
    top = fnp.argpartition(layer.var, -q)[-q:]
    nodes = fnp.asarray(NODES, dtype=fnp.float32)
    weights = fnp.asarray(WEIGHTS, dtype=fnp.float32)
    pre = layer.mu[top][:, None] + layer.sd[top][:, None] * nodes[None, :]
    fixed = fnp.maximum(pre, 0.0) @ weights
    onehot = (fnp.arange(width)[None, :] == top[:, None]).astype(fnp.float32)
    return layer.mean + (fixed - layer.mean[top]) @ onehot


def newton_scale(prev_var, w, surrogate: Surrogate, mu):
    """c with  sum(post_var(c * var_pre)) = c * sum(post_var(var_pre)): Newton on log c."""
    base = Layer(mu, prev_var @ (w * w)).finish(surrogate)
    target = float(fnp.sum(base.post_var))
    log_c, it, resid = 0.0, 0, math.inf
    while it < MAX_NEWTON and abs(resid) > TOL:
        c = math.exp(log_c)
        trial = Layer(mu, c * (prev_var @ (w * w))).finish(surrogate)
        got = float(fnp.sum(trial.post_var))
        resid = math.log(max(got, 1e-30)) - math.log(max(c * target, 1e-30))
        log_c -= 0.5 * resid
        it += 1
    return math.exp(log_c), it


def polish(rows):
    """Least-squares fit  row_i ~ a + b * row_{i-1}  over the last two layers, applied to the
    last row (the 2x2 normal equations; lstsq when they are singular)."""
    x, y = rows[-2], rows[-1]
    ones = fnp.ones_like(x)
    a = fnp.stack([ones, x], axis=1)
    gram = a.T @ a
    rhs = a.T @ y
    try:
        coef = fnp.linalg.solve(gram, rhs)
    except fnp.linalg.LinAlgError:
        coef = fnp.linalg.lstsq(a, y, rcond=None)[0]
    return 0.5 * (y + a @ coef)


class Estimator(BaseEstimator):
    def __init__(self):
        self.surrogate = None
        self.log = []

    def setup(self, context):
        self.surrogate = Surrogate.from_npz()
        self.log.append(repr(self.surrogate))

    def predict(self, mlp: MLP, budget: int):
        width, depth = mlp.width, mlp.depth
        surrogate = self.surrogate or refit(7, -Z_FIT, Z_FIT)
        q = quad_budget(width, depth, budget)
        use_newton = budget >= 40 * width * width * depth
        mean = fnp.zeros(width, dtype=fnp.float32)
        var = fnp.ones(width, dtype=fnp.float32)
        rows = []
        refitted = False
        for i, w in enumerate(mlp.weights):
            mu = mean @ w
            scale = 1.0
            if use_newton and i > 0:
                scale, _ = newton_scale(var, w, surrogate, mu)
            layer = Layer(mu, scale * (var @ (w * w)))
            if not refitted and float(fnp.max(fnp.abs(layer.z))) > 2.0 * Z_FIT:
                surrogate = refit(surrogate.degree, -2.0 * Z_FIT, 2.0 * Z_FIT)
                refitted = True
            layer.finish(surrogate)
            mean = quadrature_fix(layer, q)
            var = layer.post_var
            rows.append(mean)
        if POLISH and depth >= 2:
            rows[-1] = polish(rows)
        out = fnp.stack(rows)
        if not fnp.all(fnp.isfinite(out)):
            m, _ = exact_moment_curves(fnp.zeros((depth, width), dtype=fnp.float32))
            return m
        return out
