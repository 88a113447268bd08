"""Monte-Carlo with orthogonal samples and per-neuron control variates ("mc_control").

Competition submission, team sampling-is-all-you-need.

* The sample count is planned from the budget: we estimate the per-sample cost of a
  forward pass by hand, keep a reserve for the control-variate maths, and round the
  count down to a multiple of the SIMD-friendly chunk, clamped to [MIN_N, MAX_N].
* Gaussian inputs are drawn in w x w blocks and orthogonalised with QR ("orthogonal
  random features"): each block's rows are then rescaled to chi-distributed norms,
  which keeps the marginals exactly Gaussian but kills the sampling noise in the
  first-layer covariance.
* For the first layer the exact mean of relu(W^T x) is known in closed form, so it is
  used as a control variate for the neurons of every later layer whose Monte-Carlo
  variance is largest (selected with argpartition).
"""

import math
from dataclasses import dataclass

import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

MIN_N = 16
MAX_N = 4096
CHUNK = 8
#: fraction of the budget reserved for everything that is not the forward pass
RESERVE = 0.3
#: control variates on this fraction of the neurons (at least one)
CV_FRACTION = 0.25
#: the regression coefficient is clipped when it gets silly
BETA_CLIP = 50.0


@dataclass
class Plan:
    n: int
    blocks: int
    k: int
    use_cv: bool

    def summary(self):
        return f"n={self.n} blocks={self.blocks} k={self.k} cv={self.use_cv}"


def forward_cost(width, depth):
    """FLOPs of one sample through the network, the way flopscope bills it."""
    draws = 2 * 16 * width + 8 * width * width  # two normal draws per row, QR share
    return depth * (2 * width * width + width) + draws


def plan_samples(width, depth, budget):
    per = forward_cost(width, depth)
    usable = int(budget * (1.0 - RESERVE))
    n = usable // max(per, 1)
    n = (n // CHUNK) * CHUNK
    n = max(MIN_N, min(MAX_N, n))
    blocks = -(-n // width)  # ceil
    k = max(1, int(round(width * CV_FRACTION)))
    cv_cost = depth * (6 * n * k + 40 * width)
    use_cv = per * n + cv_cost < budget * 0.95 and depth > 1
    return Plan(n=n, blocks=blocks, k=k, use_cv=use_cv)


# --------------------------------------------------------------------------- sampling


class OrthogonalSampler:
    """Draws x ~ N(0, I) in orthogonalised blocks."""

    draws_per_block = 1

    def __init__(self, width, seed):
        self.width = width
        self.rng = fnp.random.default_rng(seed)

    def block(self):
        g = self.rng.standard_normal((self.width, self.width))
        q, r = fnp.linalg.qr(g)
        # chi-distributed row norms so that every row is marginally N(0, I)
        norms = fnp.linalg.norm(self.rng.standard_normal((self.width, self.width)), axis=1)
        return (q * norms[:, None]).astype(fnp.float32)

    def sample(self, n, blocks):
        parts = [self.block() for _ in range(blocks)]
        x = fnp.concatenate(parts, axis=0)
        return x[:n]


# --------------------------------------------------------------------------- the network


class Relu:
    """Callable activation with a leak we tuned on the public set (0.0 = plain ReLU)."""

    def __init__(self, leak=0.0):
        self.leak = leak

    def __call__(self, v):
        if self.leak:
            return fnp.maximum(v, self.leak * v)
        return fnp.maximum(v, 0.0)


relu = Relu()


def propagate(x, weights, act=relu):
    """Forward pass, returning every layer's activations."""
    acts = []
    h = x
    for w in weights:
        h = act(h @ w)
        acts.append(h)
    return acts


class Welford:
    """Streaming mean/variance over row chunks (keeps the working set small at big n)."""

    def __init__(self, width):
        self.count = 0
        self.mean = fnp.zeros(width, dtype=fnp.float32)
        self.m2 = fnp.zeros(width, dtype=fnp.float32)

    def update(self, batch):
        n_b = batch.shape[0]
        b_mean = fnp.mean(batch, axis=0)
        b_m2 = fnp.sum((batch - b_mean) ** 2, axis=0)
        total = self.count + n_b
        delta = b_mean - self.mean
        self.mean = self.mean + delta * (n_b / total)
        self.m2 = self.m2 + b_m2 + delta * delta * (self.count * n_b / total)
        self.count = total
        return self

    @property
    def variance(self):
        return self.m2 / max(self.count - 1, 1)


def chunked_last_layer_stats(x, weights, chunk):
    """Mean and variance of the last layer, streamed in row chunks of `chunk`."""
    stats = Welford(weights[0].shape[1])
    n = x.shape[0]
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        h = x[start:stop]
        *_, last = propagate(h, weights)
        stats.update(last)
    return stats


def first_layer_exact_mean(w):
    """E[relu(W^T x)] for x ~ N(0, I): sigma_j / sqrt(2 pi), sigma_j^2 = sum_i W_ij^2."""
    var = fnp.einsum("ij,ij->j", w, w)
    return fnp.sqrt(var) * (1.0 / math.sqrt(2.0 * math.pi))


class ControlVariate:
    def __init__(self, control, exact, k):
        self.control = control          # (n,) per-sample control value
        self.exact = exact              # its exact expectation (0-d)
        self.k = k
        self.c_mean = fnp.mean(control)
        self.c_centred = control - self.c_mean
        self.c_var = fnp.mean(self.c_centred * self.c_centred) + 1e-12

    def pick(self, acts):
        spread = fnp.var(acts, axis=0)
        return fnp.argpartition(spread, -self.k)[-self.k:]

    def apply(self, acts, mean):
        idx = self.pick(acts)
        y = acts[:, idx]
        y_centred = y - fnp.mean(y, axis=0)
        beta = fnp.mean(y_centred * self.c_centred[:, None], axis=0) / self.c_var
        if float(fnp.max(fnp.abs(beta))) > BETA_CLIP:
            beta = fnp.clip(beta, -BETA_CLIP, BETA_CLIP)
        correction = beta * (self.c_mean - self.exact)
        # scatter the corrected neurons back with a one-hot matrix (no in-place writes)
        onehot = (fnp.arange(mean.shape[0])[None, :] == idx[:, None]).astype(fnp.float32)
        return mean - correction.astype(fnp.float32) @ onehot


# --------------------------------------------------------------------------- estimator


class Estimator(BaseEstimator):
    #: independent repeats averaged together (variance reduction by brute force)
    REPEATS = 2
    #: rows per chunk of the streamed last-layer pass
    CHUNK_ROWS = 40

    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        width, depth = mlp.width, mlp.depth
        plan = plan_samples(width, depth, int(budget * 0.7) // self.REPEATS)
        sums = None
        for rep in range(self.REPEATS):
            sampler = OrthogonalSampler(width, mlp.seed + rep)
            x = sampler.sample(plan.n, plan.blocks)
            acts = propagate(x, mlp.weights)
            means = [fnp.mean(a, axis=0) for a in acts]
            if plan.use_cv:
                exact = first_layer_exact_mean(mlp.weights[0])
                control = fnp.mean(acts[0], axis=1)
                cv = ControlVariate(control, fnp.mean(exact), plan.k)
                means = [means[0]] + [cv.apply(a, m) for a, m in zip(acts[1:], means[1:])]
            sums = means if sums is None else [s + m for s, m in zip(sums, means)]
        scale = 1.0 / self.REPEATS
        rows = [s * scale for s in sums]
        # a last, cheap chunked pass to tighten the final layer (a third of the samples)
        if (extra := plan.n // 3) >= CHUNK:
            q, r = divmod(extra, CHUNK)
            x_last = OrthogonalSampler(width, mlp.seed + 99).sample(q * CHUNK + (r > 0) * CHUNK, plan.blocks)
            stats = chunked_last_layer_stats(x_last, mlp.weights, chunk=self.CHUNK_ROWS)
            spread = float(fnp.sqrt(fnp.mean(stats.variance)))
            w_new = 1.0 / (1.0 + self.REPEATS * (1.0 + spread))
            rows[-1] = (1.0 - w_new) * rows[-1] + w_new * stats.mean
        return fnp.stack(rows, axis=0)
