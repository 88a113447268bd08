"""Randomised quasi-Monte Carlo with antithetic pairs and a control variate ("qmc_sobol").

Folder submission: estimator.py (this file) + lowdisc.py (hand-written Sobol / Halton /
Korobov lattice generators). The idea, from someone who has priced options before:

* plain MC wastes samples; low-discrepancy points in the input coordinates that matter
  most (the rows of W0 with the largest norms: an active set by argsort) and pseudo-random
  padding in the rest ("padded QMC");
* a Cranley-Patterson shift randomises the point set; each point is paired with its
  mirror image -x (antithetic), which kills the odd part of every layer's response;
* the first layer's mean is known in closed form (relu of a centred Gaussian):
  a control variate on every deeper layer, per neuron (fnp.cov of the pooled
  activations) when the budget allows it, else one scalar control;
* budget too small for MIN_PAIRS pairs: the mean-field pass (closed form) instead.

Safety nets: the inverse normal of a point at 0 is -inf (clip and redo), a non-finite
estimate raises, and activations past 1e30 are rescaled (relu is positively homogeneous).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator

from lowdisc import DISPATCH, SOBOL_MAX_DIM, point_cost, shifted

MIN_PAIRS, MAX_PAIRS = 4, 512
MAX_QMC_DIMS = 48
RESCALE_AT = 1e30
U_EPS = 1e-12
VAR_FLOOR = 1e-12
SEED = 20251204
SHARE = 0.55
POINT_SHARE = 0.04
INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


@dataclass
class Plan:
    kind: str                 # "sobol" | "halton" | "lattice" | "mean_field" | "prior"
    pairs: int = 0
    qmc_dims: int = 0
    control: str = "none"     # "full" | "scalar" | "none"
    notes: list = field(default_factory=list)

    @property
    def samples(self) -> int:
        return 2 * self.pairs

    @property
    def sampled(self) -> bool:
        return self.kind not in ("mean_field", "prior")


def forward_cost(width: int, depth: int, n: int) -> int:
    return depth * (2 * n * width * width + 4 * n * width)


def control_cost(width: int, depth: int, n: int, control: str) -> int:
    if control == "full":
        return (depth - 1) * (4 * n * (2 * width) ** 2 + 6 * width ** 3 + 8 * n * width)
    if control == "scalar":
        return depth * 8 * n * width
    return 0


def mean_field_cost(width: int, depth: int) -> int:
    return depth * (4 * width * width + 220 * width)


def make_plan(width: int, depth: int, budget: int) -> Plan:
    """Largest power-of-two pair count that fits SHARE of the budget; then the cheapest point
    set that covers the active coordinates; then the richest control variate that still fits."""
    room = SHARE * budget
    q = int(np.clip(int(math.sqrt(width)) * 2, 2, min(width, MAX_QMC_DIMS)))
    per_pair = forward_cost(width, depth, 2) + 2 * width * 16 + 240 * q
    pairs = int(room // max(per_pair, 1))
    if pairs < MIN_PAIRS:
        if mean_field_cost(width, depth) > budget:
            return Plan("prior", notes=["not even mean field fits"])
        return Plan("mean_field", notes=[f"{pairs} pairs < {MIN_PAIRS}"])
    pairs = 1 << (min(pairs, MAX_PAIRS).bit_length() - 1)
    # best point set first; each must fit POINT_SHARE of the room and cover q coordinates
    ladder = (("sobol", SOBOL_MAX_DIM), ("halton", 16), ("lattice", width))
    costs = {kind: point_cost(kind, pairs, q) for kind, cap in ladder if q <= cap}
    kind = next((k for k in costs if costs[k] <= POINT_SHARE * room), "lattice")
    spent = forward_cost(width, depth, 2 * pairs) + costs[kind]
    control = "none"
    for c in ("full", "scalar"):
        if depth > 1 and spent + control_cost(width, depth, 2 * pairs, c) <= room:
            control = c
            break
    return Plan(kind, pairs, q, control, notes=[f"{kind}: {costs[kind]:,} FLOPs for points"])


# ------------------------------------------------------------------ sampling


class PointSource:
    """Shifted low-discrepancy points in the active coordinates, Gaussian padding elsewhere."""

    def __init__(self, plan: Plan, width: int, seed: int):
        self.plan = plan
        self.width = width
        self.rng = fnp.random.default_rng(seed)
        self.fixups = 0

    def uniforms(self):
        pts = DISPATCH[self.plan.kind](self.plan.pairs, self.plan.qmc_dims)
        shift = self.rng.random(self.plan.qmc_dims)
        return shifted(pts, shift)

    def normals(self):
        u = self.uniforms()
        try:
            z = flops.stats.norm.ppf(u)
            if not fnp.all(fnp.isfinite(z)):
                raise FloatingPointError("a point sits on the boundary of the unit cube")
        except FloatingPointError:
            self.fixups += 1
            z = flops.stats.norm.ppf(fnp.clip(u, U_EPS, 1.0 - U_EPS))
        return z

    def draw(self, order):
        """(2 * pairs, width) float32 inputs: the first half, then its mirror image. The QMC
        coordinates go to the first q entries of `order`, the padding to the rest."""
        q = self.plan.qmc_dims
        pad = self.rng.standard_normal((self.plan.pairs, self.width - q))
        joined = fnp.concatenate([self.normals(), pad], axis=1)
        half = joined[:, fnp.argsort(order)].astype(fnp.float32)
        return fnp.concatenate([half, -half], axis=0)


def coordinate_order(w0):
    """Input coordinates by the weight their rows of W0 carry, heaviest first."""
    norms = fnp.sum(w0 * w0, axis=1)
    return fnp.argsort(-norms)


# ------------------------------------------------------------------ closed forms


def relu_mean(mu, var):
    sd = fnp.sqrt(fnp.maximum(var, VAR_FLOOR))
    z = mu / sd
    return mu * flops.stats.norm.cdf(z) + sd * flops.stats.norm.pdf(z)


def mean_field(weights, width):
    """Diagonal Gaussian moments through every layer (the fallback)."""
    mu = fnp.zeros(width, dtype=fnp.float32)
    var = fnp.ones(width, dtype=fnp.float32)
    rows = []
    for w in weights:
        m = mu @ w
        v = var @ (w * w)
        sd = fnp.sqrt(fnp.maximum(v, VAR_FLOOR))
        z = m / sd
        cdf, pdf = flops.stats.norm.cdf(z), flops.stats.norm.pdf(z)
        mean = m * cdf + sd * pdf
        second = (m * m + v) * cdf + m * sd * pdf
        rows.append(mean)
        mu, var = mean, fnp.maximum(second - mean * mean, 0.0)
    return fnp.stack(rows)


def first_layer_exact(w0):
    """E relu(x @ W0) for x ~ N(0, I): sd_j / sqrt(2 pi)."""
    return fnp.sqrt(fnp.sum(w0 * w0, axis=0)) * INV_SQRT_2PI


# ------------------------------------------------------------------ the estimator


class Estimator(BaseEstimator):
    def __init__(self):
        self.plan = None
        self.log = []

    def forward(self, x, weights):
        """Layer activations of the sample block, rescaled past RESCALE_AT (relu is homogeneous:
        the scale is undone on the layer's mean)."""
        scale = 1.0
        for i, w in enumerate(weights):
            x = fnp.maximum(x @ w, 0.0)
            peak = float(fnp.max(x))
            if peak > RESCALE_AT:
                x = x / peak
                scale *= peak
                self.log.append(("rescale", i))
            yield x, scale

    def controlled(self, acts, exact0, control: str):
        """Layer means with the first layer's control variate applied to the deeper layers."""
        c_full = acts[0]
        means = [exact0]
        if control == "scalar":
            c = fnp.sum(c_full, axis=1)
            cc = c - fnp.mean(c)
            var_c = float(fnp.dot(cc, cc))
            gap = fnp.sum(exact0) - fnp.mean(c)
            for a in acts[1:]:
                m = fnp.mean(a, axis=0)
                if var_c > VAR_FLOOR:
                    beta = (cc @ (a - m[None, :])) / var_c
                    m = m + beta * gap
                means.append(m)
            return means
        gap0 = exact0 - fnp.mean(c_full, axis=0)
        w = c_full.shape[1]
        for a in acts[1:]:
            m = fnp.mean(a, axis=0)
            if control == "full":
                joint = fnp.cov(fnp.concatenate([c_full, a], axis=1), rowvar=False)
                s_cc = joint[:w, :w] + 1e-6 * fnp.eye(w)
                s_cy = joint[:w, w:]
                try:
                    beta = fnp.linalg.solve(s_cc, s_cy)
                except np.linalg.LinAlgError:
                    beta = fnp.linalg.lstsq(s_cc, s_cy, rcond=None)[0]
                m = m + gap0 @ beta
            means.append(m)
        return means

    def predict(self, mlp, budget):
        width, depth = mlp.width, mlp.depth
        plan = self.plan = make_plan(width, depth, budget)
        if plan.kind == "prior":
            return fnp.zeros((depth, width), dtype=fnp.float32)
        if not plan.sampled:
            return mean_field(mlp.weights, width)
        src = PointSource(plan, width, mlp.seed + SEED)
        x = src.draw(coordinate_order(mlp.weights[0]))
        acts, scales = [], []
        for a, s in self.forward(x, mlp.weights):
            acts.append(a)
            scales.append(s)
        exact0 = first_layer_exact(mlp.weights[0])
        means = self.controlled(acts, exact0, plan.control)
        out = fnp.stack([m * s for m, s in zip(means, scales, strict=True)])
        if not fnp.all(fnp.isfinite(out)):
            raise FloatingPointError(f"non-finite QMC estimate ({plan.kind}, {plan.samples} samples)")
        self.log.append((plan.kind, plan.samples, plan.control, src.fixups))
        return out
