"""Arc-cosine kernel covariance propagation with quadrature refinements ("arccos_kernel").

Team "kernel people".  We come from the infinite-width literature, so the obvious thing was
the arc-cosine kernel of Cho & Saul: for jointly Gaussian pre-activations with correlation
rho, E[relu(a) relu(b)] = s_a s_b (sin t + (pi - t) cos t) / (2 pi) with t = arccos(rho).
That is exact for centred pre-activations; ours are not centred past the first layer, so the
mean enters through a Polya approximation of Phi (no erf in flopscope, and stats.norm.cdf is
48 FLOPs a point while Polya is ~20).

Rules live in a registry filled by a metaclass (every subclass of Rule with a ``tag`` lands
there, ordered by how much they cost); the estimator walks them from the richest down and
takes the first whose cost model fits the budget (``for ... else`` falls to the cheapest).
Each rule exposes ``cost(width, depth)`` and ``layer(state, w)``.

* ``kernel``: full covariance, arc-cosine kernel on the correlation matrix, mean by Polya;
* ``grid``: diagonal moments by a trapezoid quadrature on a geometric grid (meshgrid of the
  neurons and the nodes), the widest-spread neuron refined on a finer grid;
* ``polya``: diagonal moments by the Polya closed form, ``fnp.select`` between the tails;
* ``first``: the first layer in closed form, repeated (we never want a zero submission).

Safety nets: the kernel path checks ``fnp.any(fnp.isnan(...))`` on its covariance and drops to
the Polya diagonal for the remaining layers; a variance past 1e30 rescales the state.  Code
written against plain numpy first (the in-place ``*=``); flopscope arrays are immutable, so
that raises TypeError and we take the functional path.
"""

from __future__ import annotations

import enum
import math
import warnings

import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

TWO_PI = 2.0 * math.pi
INV_SQRT_2PI = 1.0 / math.sqrt(TWO_PI)
VAR_FLOOR = 1e-12
RHO_CLIP = 1.0 - 1e-7
RESCALE_AT = 1e30
GRID_NODES = (9, 17, 33)        # quadrature node counts we allow, smallest first
SAFETY = 0.8


class Tag(str, enum.Enum):
    KERNEL = "kernel"
    GRID = "grid"
    POLYA = "polya"
    FIRST = "first"


REGISTRY: dict[Tag, type] = {}


class RuleMeta(type):
    """Registers every concrete rule under its tag; ``tag in RuleMeta`` asks the registry."""

    def __new__(mcls, name, bases, ns):
        cls = super().__new__(mcls, name, bases, ns)
        tag = ns.get("tag")
        if tag is not None:
            REGISTRY[tag] = cls
        return cls

    def __contains__(cls, tag):
        return tag in REGISTRY

    def ordered(cls):
        return sorted(REGISTRY.values(), key=lambda r: -r.rank)


class Rule(metaclass=RuleMeta):
    tag = None
    rank = 0

    def __init__(self, width: int, depth: int):
        self.width = width
        self.depth = depth

    @classmethod
    def cost(cls, width: int, depth: int) -> int:
        raise NotImplementedError

    def start(self):
        return {"mean": fnp.zeros(self.width), "var": fnp.ones(self.width), "cov": None}

    def layer(self, state, w):
        raise NotImplementedError


# ----------------------------------------------------------------------------- closed forms


def polya_cdf(z):
    """Phi(z) ~ (1 + sign(z) sqrt(1 - exp(-2 z^2 / pi))) / 2, written with expm1."""
    return 0.5 * (1.0 + fnp.sign(z) * fnp.sqrt(-fnp.expm1(-(2.0 / math.pi) * z * z)))


def relu_moments(mu, var):
    """Mean and variance of relu(N(mu, var)), Phi by Polya, tails by ``fnp.select``."""
    sd = fnp.sqrt(fnp.maximum(var, VAR_FLOOR))
    z = mu / sd
    pdf = INV_SQRT_2PI * fnp.exp(-0.5 * z * z)
    cdf = polya_cdf(z)
    core = mu * cdf + sd * pdf
    mean = fnp.select([z < -6.0, z > 6.0], [fnp.zeros_like(mu), mu], default=core)
    second = (mu * mu + var) * cdf + mu * sd * pdf
    return mean, fnp.maximum(second - mean * mean, VAR_FLOOR)


def arccos_second_moment(cov):
    """E[relu(a) relu(b)] for centred Gaussians with covariance ``cov`` (the arc-cosine kernel)."""
    s = fnp.sqrt(fnp.maximum(fnp.diagonal(cov), VAR_FLOOR))
    rho = fnp.clip(cov / fnp.outer(s, s), -RHO_CLIP, RHO_CLIP)
    t = fnp.arccos(rho)
    j1 = fnp.sin(t) + (math.pi - t) * fnp.cos(t)
    return fnp.outer(s, s) * j1 / TWO_PI


def rescale(state):
    """Scale mean and covariance back when the variance runs away (never on He nets)."""
    peak = float(fnp.max(state["var"]))
    if peak > RESCALE_AT:
        factor = 1.0 / math.sqrt(peak)
        state["mean"] = state["mean"] * factor
        state["var"] = state["var"] * (factor * factor)
        if state["cov"] is not None:
            state["cov"] = state["cov"] * (factor * factor)
    return state


# ----------------------------------------------------------------------------- rules


class KernelRule(Rule):
    tag = Tag.KERNEL
    rank = 30

    @classmethod
    def cost(cls, width, depth):
        return depth * (8 * width ** 3 + 160 * width * width)

    def start(self):
        state = super().start()
        state["cov"] = fnp.eye(self.width)
        return state

    def layer(self, state, w):
        mu = state["mean"] @ w
        cov = w.T @ state["cov"] @ w
        if fnp.any(fnp.isnan(cov)):
            raise FloatingPointError("nan in the propagated covariance")
        var = fnp.diagonal(cov)
        mean, new_var = relu_moments(mu, var)
        second = arccos_second_moment(cov)
        # mean-corrected covariance: the kernel's centred part plus the gates' product
        gate = polya_cdf(mu / fnp.sqrt(fnp.maximum(var, VAR_FLOOR)))
        centred = 4.0 * second * fnp.outer(gate, gate) - 0.5 * fnp.outer(mean, mean)
        off = centred - fnp.diag(fnp.diagonal(centred))
        new_cov = off + fnp.diag(new_var)
        state.update(mean=mean, var=new_var, cov=new_cov)
        return mean


class GridRule(Rule):
    tag = Tag.GRID
    rank = 20

    @classmethod
    def nodes(cls, width, depth, budget=None):
        if budget is None:
            return GRID_NODES[-1]
        for g in reversed(GRID_NODES):
            if depth * (12 * width * width + 60 * width * g) + 400 * g <= budget:
                return g
        return GRID_NODES[0]

    @classmethod
    def cost(cls, width, depth):
        return depth * (12 * width * width + 60 * width * GRID_NODES[0]) + 400 * GRID_NODES[0]

    def __init__(self, width, depth, nodes=GRID_NODES[0]):
        super().__init__(width, depth)
        self.n_nodes = nodes
        half = fnp.geomspace(0.05, 6.0, nodes // 2)
        self.grid = fnp.concatenate([-half[::-1], fnp.zeros(1), half])
        self.weights_ = INV_SQRT_2PI * fnp.exp(-0.5 * self.grid * self.grid)

    def layer(self, state, w):
        mu = state["mean"] @ w
        var = state["var"] @ (w * w)
        sd = fnp.sqrt(fnp.maximum(var, VAR_FLOOR))
        zz, mm = fnp.meshgrid(self.grid, mu)              # (width, nodes) each
        _, ss = fnp.meshgrid(self.grid, sd)
        act = fnp.maximum(mm + ss * zz, 0.0)
        dens = fnp.expand_dims(self.weights_, 0)
        mean = fnp.trapezoid(act * dens, self.grid, axis=1)
        second = fnp.trapezoid(act * act * dens, self.grid, axis=1)
        # the neuron whose activations spread the most gets a finer grid
        widest = int(fnp.argmax(fnp.ptp(act, axis=1)))
        fine = fnp.linspace(-8.0, 8.0, 4 * self.n_nodes)
        fine_act = fnp.maximum(mu[widest] + sd[widest] * fine, 0.0)
        fine_w = INV_SQRT_2PI * fnp.exp(-0.5 * fine * fine)
        refined = fnp.trapezoid(fine_act * fine_w, fine)
        bump = fnp.zeros(self.width)
        onehot = fnp.heaviside(-fnp.abs(fnp.arange(self.width) - widest), 1.0)
        mean = fnp.where(onehot > 0, refined, mean) + bump
        new_var = fnp.maximum(second - mean * mean, VAR_FLOOR)
        state.update(mean=mean, var=new_var)
        return mean


class PolyaRule(Rule):
    tag = Tag.POLYA
    rank = 10

    @classmethod
    def cost(cls, width, depth):
        return depth * (12 * width * width + 80 * width)

    def layer(self, state, w):
        mu = state["mean"] @ w
        var = state["var"] @ (w * w)
        mean, new_var = relu_moments(mu, var)
        state.update(mean=mean, var=new_var)
        return mean


class FirstRule(Rule):
    tag = Tag.FIRST
    rank = 0

    @classmethod
    def cost(cls, width, depth):
        return 4 * width * width

    def layer(self, state, w):
        if "first" not in state:
            sd = fnp.sqrt(fnp.sum(w * w, axis=0))
            state["first"] = sd * INV_SQRT_2PI
        return state["first"]


# ----------------------------------------------------------------------------- planning


def pick_rule(width: int, depth: int, budget: int) -> Rule:
    room = int(SAFETY * budget)
    for cls in RuleMeta.ordered(Rule):
        if cls.cost(width, depth) <= room:
            break
    else:
        cls = REGISTRY[Tag.FIRST]
    if cls is GridRule:
        return GridRule(width, depth, GridRule.nodes(width, depth, room))
    return cls(width, depth)


def depth_profile(depth: int):
    """Per-layer damping of the kernel's off-diagonal: a geometric decay, cumprod'ed."""
    steps = fnp.full(depth, 0.97)
    return fnp.cumprod(steps) / 0.97


class Estimator(BaseEstimator):
    def setup(self, context):
        self.history = []
        assert Tag.POLYA in Rule, "registry not filled"

    def predict(self, mlp: MLP, budget: int):
        rule = pick_rule(mlp.width, mlp.depth, budget)
        self.history.append(rule.tag.value)
        rows = []
        state = rule.start()
        damp = depth_profile(mlp.depth) if isinstance(rule, KernelRule) else None
        fallback = None
        for i, w in enumerate(mlp.weights):
            if fallback is not None:
                rows.append(fallback.layer(state, w))
                continue
            try:
                row = rule.layer(state, w)
            except FloatingPointError as err:
                warnings.warn(f"layer {i}: {err}; Polya from here")
                fallback = PolyaRule(mlp.width, mlp.depth)
                state["cov"] = None
                row = fallback.layer(state, w)
            if damp is not None and state["cov"] is not None:
                cov = state["cov"]
                try:
                    cov *= damp[i]                         # numpy habit
                except TypeError:
                    cov = cov * damp[i]
                state["cov"] = cov
            rows.append(row)
            state = rescale(state)
        out = fnp.stack(rows)
        size = math.prod(out.shape)
        assert size == mlp.depth * mlp.width
        return fnp.moveaxis(fnp.expand_dims(out, -1), -1, 0)[0]
