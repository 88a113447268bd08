"""Gaussian-mixture moment propagation with splitting, weight pruning and merging
("mixture_prune").

One Gaussian (diagonal covariance) per component; the network's input is one component,
N(0, I). Per layer:

1. every component is pushed through the linear map (its mean and diagonal variance),
   all components at once as a (K, w) batch;
2. the components whose mass straddles the relu's kink the most (a score per component,
   top-s by argpartition) are split in three along their worst neuron (a moment-preserving
   Gauss-Hermite split: weights 1/6, 2/3, 1/6, offsets -+ sqrt(3 lam) sd);
3. the relu output of every component is moment-matched back to a Gaussian; the layer's
   estimate is the weighted sum of the components' relu means;
4. components lighter than PRUNE_REL times the heaviest are dropped (nonzero of a mask);
   past the cap the two lightest are merged (moment-preserving) until it fits.

The number of splits per layer and the cap come from the budget through a memoised
recursive cost model over the layers. Nets: a mixture whose pruning removes everything
falls back on its heaviest component; variances past 1e30 rescale the whole mixture;
a non-finite estimate raises.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache, partial

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

SPLIT_WEIGHTS = (1.0 / 6.0, 2.0 / 3.0, 1.0 / 6.0)
SPLIT_LAM = 0.5
PRUNE_REL = 1e-3
VAR_FLOOR = 1e-10
HUGE = 1e30
CAPS = (1, 3, 6, 12)
SHARE = 0.7


# ---------------------------------------------------------------------------- the mixture


@dataclass(frozen=True)
class Mixture:
    weights: object     # (K,)
    means: object       # (K, w)
    variances: object   # (K, w)

    @property
    def k(self) -> int:
        return self.weights.shape[0]

    def __len__(self) -> int:
        return self.k

    def push(self, w) -> "Mixture":
        return replace(self, means=self.means @ w, variances=fnp.maximum(self.variances @ (w * w), VAR_FLOOR))

    def normalised(self) -> "Mixture":
        return replace(self, weights=self.weights / fnp.sum(self.weights))

    def take(self, idx) -> "Mixture":
        return Mixture(self.weights[idx], self.means[idx], self.variances[idx])

    def joined(self, other: "Mixture") -> "Mixture":
        return Mixture(fnp.concatenate([self.weights, other.weights]),
                       fnp.concatenate([self.means, other.means], axis=0),
                       fnp.concatenate([self.variances, other.variances], axis=0))

    def __repr__(self) -> str:
        return f"Mixture(k={self.k}, width={self.means.shape[1]})"

    def mean(self, per_component):
        """The mixture's mean of a per-component quantity (K, w) -> (w,)."""
        return fnp.einsum("k,kw->w", self.weights, per_component)


def standard(width: int) -> Mixture:
    return Mixture(fnp.ones(1), fnp.zeros((1, width)), fnp.ones((1, width)))


# ---------------------------------------------------------------------------- relu moments


def make_relu(floor: float):
    """A closure computing the relu moments of every component's every neuron."""
    def relu(mu, var):
        sd = fnp.sqrt(fnp.maximum(var, floor))
        z = mu / sd
        cdf, pdf = flops.stats.norm.cdf(z), flops.stats.norm.pdf(z)
        first = mu * cdf + sd * pdf
        second = (mu * mu + var) * cdf + mu * sd * pdf
        return first, fnp.maximum(second - first * first, floor), pdf * sd
    return relu


RELU = {"plain": make_relu(VAR_FLOOR), "floored": make_relu(1e-6)}


# ---------------------------------------------------------------------------- split / prune / merge


def split(mix: Mixture, straddle, s: int) -> Mixture:
    """Split the s components with the largest straddle score, each along its worst neuron."""
    score = fnp.sum(straddle, axis=1)
    order = fnp.argsort(-score)
    chosen, rest = order[:s], order[s:]
    parent = mix.take(chosen)
    worst = fnp.argmax(fnp.take(straddle, chosen, axis=0), axis=1)           # (s,)
    onehot = fnp.arange(mix.means.shape[1])[None, :] == worst[:, None]       # (s, w)
    sd = fnp.sqrt(parent.variances)
    offset = fnp.where(onehot, math.sqrt(3.0 * SPLIT_LAM) * sd, 0.0)
    child_var = fnp.where(onehot, (1.0 - SPLIT_LAM) * parent.variances, parent.variances)
    children = [Mixture(parent.weights * wt, parent.means + sign * offset, child_var)
                for wt, sign in zip(SPLIT_WEIGHTS, (-1.0, 0.0, 1.0), strict=True)]
    out = mix.take(rest)
    for child in children:
        out = out.joined(child)
    return out


def prune(mix: Mixture, cap: int) -> Mixture:
    """Zero the components lighter than PRUNE_REL times the heaviest, keep the cap heaviest;
    a mixture with a single live component collapses to it."""
    heaviest = fnp.max(mix.weights)
    alive = mix.weights >= PRUNE_REL * heaviest
    try:
        n_alive = int(fnp.count_nonzero(alive))
        if n_alive < 2:
            raise ValueError(f"{n_alive} live components")
        mix = replace(mix, weights=fnp.where(alive, mix.weights, 0.0))
        if len(mix) > cap:
            mix = mix.take(fnp.argsort(-mix.weights)[:cap])
    except ValueError:
        mix = mix.take(fnp.argmax(mix.weights)[None])
    return mix.normalised()


def merge_lightest(mix: Mixture) -> Mixture:
    """Merge the two lightest components into one with the same first two moments."""
    part = fnp.argpartition(mix.weights, 1)
    two, rest = mix.take(part[:2]), mix.take(part[2:])
    wsum = fnp.sum(two.weights)
    frac = two.weights / wsum
    mu = fnp.einsum("k,kw->w", frac, two.means)
    second = fnp.einsum("k,kw->w", frac, two.variances + two.means * two.means)
    merged = Mixture(wsum[None], mu[None, :], fnp.maximum(second - mu * mu, VAR_FLOOR)[None, :])
    return rest.joined(merged)


def shrink_to(mix: Mixture, cap: int, slack: int) -> Mixture:
    """Merge the lightest pairs down to cap + slack; pruning then keeps the cap heaviest."""
    while len(mix) > cap + slack:
        mix = merge_lightest(mix)
    return prune(mix, cap)


# ---------------------------------------------------------------------------- the planner


def layer_cost(width: int, k: int, grown: int) -> int:
    """Push k components (two float64 products), relu moments before and after the split,
    the weighted mean and the bookkeeping of the grown set."""
    push = 8 * k * width * width + 6 * k * width
    relu = 330 * width * (k + grown)
    return push + relu + 40 * grown * width


@lru_cache(maxsize=None)
def plan_cost(width: int, layers: int, k: int, splits: int, cap: int) -> int:
    """Cost of the remaining `layers` layers starting with k components (recursive)."""
    if layers == 0:
        return 0
    grown = k + 2 * min(splits, k)
    merges = max(grown - cap, 0)
    here = layer_cost(width, k, grown) + merges * 60 * width + splits * 40 * width
    return here + plan_cost(width, layers - 1, min(grown, cap), splits, cap)


@dataclass
class Plan:
    cap: int
    splits: int
    relu: str = "plain"
    slack: int = 2

    @property
    def mixture(self) -> bool:
        return self.cap > 1


def make_plan(width: int, depth: int, budget: int) -> Plan:
    room = SHARE * budget
    best = Plan(1, 0)
    for cap in CAPS:
        for splits in (1, 2, 4):
            if 3 * splits > cap + 2 * splits:
                continue
            if plan_cost(width, depth, 1, splits, cap) <= room:
                best = Plan(cap, splits)
    if best.cap >= 12:
        best.relu = "floored"
    return best


# ---------------------------------------------------------------------------- the estimator


class Estimator(BaseEstimator):
    def __init__(self):
        self.sizes = []
        self.rescaled = 0

    def rescale(self, mix: Mixture):
        """Relu is positively homogeneous: scale means by c and variances by c^2."""
        peak = float(fnp.max(mix.variances))
        if peak > HUGE:
            c = 1.0 / math.sqrt(peak)
            self.rescaled += 1
            return replace(mix, means=mix.means * c, variances=mix.variances * (c * c)), 1.0 / c
        return mix, 1.0

    def predict(self, mlp, budget):
        width = mlp.width
        plan = make_plan(width, mlp.depth, budget)
        relu = RELU[plan.relu]
        mix = standard(width)
        scale = 1.0
        rows, self.sizes = [], []
        for i, w in enumerate(mlp.weights):
            mix = mix.push(w)
            mix, factor = self.rescale(mix)
            scale *= factor
            if plan.mixture:
                _, _, straddle = relu(mix.means, mix.variances)
                mix = split(mix, straddle, min(plan.splits, len(mix)))
            first, var, _ = relu(mix.means, mix.variances)
            rows.append(mix.mean(first) * scale)
            mix = Mixture(mix.weights, first, var)
            if plan.mixture:
                mix = shrink_to(mix, plan.cap, plan.slack)
            self.sizes.append(len(mix))
        out = fnp.stack(rows)
        if not fnp.all(fnp.isfinite(out)):
            raise FloatingPointError(f"non-finite mixture estimate (sizes {self.sizes})")
        return out

    def describe(self) -> str:
        """Component counts after each layer, and how often the mixture was rescaled."""
        if not self.sizes:
            return "not run"
        grew = sum(1 for a, b in zip(self.sizes, self.sizes[1:]) if b > a)
        return (f"components per layer {self.sizes} (grew {grew} times, peak {max(self.sizes)}), "
                f"rescaled {self.rescaled} times")
