"""Mean-field propagation with a refined frontier of units, scheduled by a heap ("heap_frontier").

The plan (pure Python, from the width, depth and budget):

* a recursive cost model with a memo keyed by tuples decides how many units per layer get a
  refined (sampled) estimate, ``refine_plan``; the plan is a list of ``Slot`` records;
* a heap (``heapq``) orders the layers by the price of their refinement, cheapest first, and
  pops them while the budget lasts: a Python ``set`` of the layers that will be refined grows
  with ``add``, shrinks with ``discard`` when a layer is over its share, and is combined with
  the "always" layers by set operators (``|``, ``&``, ``-``, ``^``);
* the active units of a layer are a set too: a stride over the width (``set(range(...))``),
  minus a band given up (``-=``), plus the last unit (``add``); ``sorted`` of it indexes the
  layer;
* a ``deque`` with ``maxlen`` keeps the last few layer means for a smoothing term;
* ``itertools`` (``accumulate``, ``combinations``, ``chain``, ``islice``, ``product``) build the
  per-layer price tables and the pair terms;
* a generator pipeline (``yield from`` one stage into another) walks the layers;
* a closure with a ``nonlocal`` counter counts the refinements made, and the run ends early
  (``return`` inside the loop) once the counter reaches the plan's cap.

Values are read from the arrays only by the finite check on the output (a safety net).
The set of layers refined iterates in CPython's order for small ints; the units are sorted
before they index anything, so only ``len`` and membership of that set matter.
"""

from __future__ import annotations

import heapq
import itertools
import math
import statistics
from collections import deque
from typing import Iterator, NamedTuple

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

SAMPLES_MIN = 8
SAMPLES_MAX = 96
STRIDE_MIN = 2
SMOOTH = 3          # the deque's length: the last few layer means
SMOOTH_WEIGHT = 0.125
PAIR_LIMIT = 6      # pair terms on at most this many active units
HEADROOM = 0.7


class Slot(NamedTuple):
    layer: int
    samples: int
    stride: int
    price: int


def sample_price(width: int, samples: int, active: int) -> int:
    # the sampled refinement of `active` units: a (samples, width) @ (width, active) product,
    # the relu and the means
    # the sampled refinement of `active` units: the draws and their scaling, a
    # (samples, width) @ (width, active) product, the relu, the mean and variance, the writes
    return 2 * samples * width * active + 40 * samples * width + 8 * samples * active + 24 * width


def mean_field_price(width: int) -> int:
    # two (width,) @ (width, width) products, w * w, and ~95 per unit for the moments
    return 5 * width * width + 110 * width


_MEMO: dict = {}


def best_split(width: int, budget: int, layers: int) -> tuple:
    """(samples, stride) of the cheapest refinement that fits ``budget`` over ``layers``,
    searched recursively over halvings of the sample count (memo keyed by the tuple)."""
    key = (width, budget, layers)
    if key in _MEMO:
        return _MEMO[key]
    out = _search(width, budget, layers, SAMPLES_MAX, STRIDE_MIN)
    _MEMO[key] = out
    return out


def _search(width: int, budget: int, layers: int, samples: int, stride: int) -> tuple:
    if samples < SAMPLES_MIN:
        return (0, width)
    active = len(range(0, width, stride)) + 1
    if layers * sample_price(width, samples, active) <= budget:
        return (samples, stride)
    if stride < width // 2:
        return _search(width, budget, layers, samples, stride * 2)
    return _search(width, budget, layers, samples // 2, STRIDE_MIN)


def refine_plan(width: int, depth: int, budget: int) -> list:
    spare = int(budget * HEADROOM) - depth * mean_field_price(width)
    if spare <= 0:
        return []
    samples, stride = best_split(width, spare, depth)
    if samples == 0:
        return []
    slots = []
    for layer in range(depth):
        # deeper layers get a wider stride: their means are smoother
        s = stride * (2 if layer >= 2 else 1)
        active = len(range(0, width, s)) + 1
        slots.append(Slot(layer, samples, s, sample_price(width, samples, active)))
    return slots


def schedule(slots: list, budget: int, always: frozenset) -> set:
    """The layers refined: cheapest first off a heap while the spare budget lasts."""
    heap = [(slot.price, slot.layer) for slot in slots]
    heapq.heapify(heap)
    chosen: set = set()
    left = budget
    share = budget // max(len(slots), 1)
    while heap:
        price, layer = heapq.heappop(heap)
        if price > left:
            break
        chosen.add(layer)
        left -= price
        if price > 2 * share:
            chosen.discard(layer)  # over its share: the others are better spent
            left += price
    must = {s.layer for s in slots} & always
    extra = chosen - must
    return (chosen | must) if not (extra ^ chosen) else chosen | must


def active_units(width: int, stride: int, band: tuple) -> list:
    units = set(range(0, width, stride))
    lo, hi = band
    units -= set(range(lo, hi))
    units.add(width - 1)
    return sorted(units)


def price_table(width: int, depth: int) -> list:
    per_layer = [mean_field_price(width)] * depth
    return list(itertools.accumulate(per_layer))


def pair_terms(units: list) -> list:
    head = list(itertools.islice(units, PAIR_LIMIT))
    return [(a, b) for a, b in itertools.combinations(head, 2) if (a + b) % 3 != 0]


def relu_moments(mean, var):
    sd = fnp.sqrt(fnp.maximum(var, 1e-12))
    alpha = mean / sd
    cdf = flops.stats.norm.cdf(alpha)
    pdf = flops.stats.norm.pdf(alpha)
    mu = mean * cdf + sd * pdf
    second = (mean * mean + var) * cdf + mean * sd * pdf
    return mu, fnp.maximum(second - mu * mu, 0.0)


def layer_stream(weights: list) -> Iterator[tuple]:
    yield from enumerate(weights)


def tagged(stream: Iterator[tuple], chosen: set) -> Iterator[tuple]:
    for i, w in stream:
        yield i, w, i in chosen


class Estimator(BaseEstimator):
    def __init__(self):
        self.cfg: dict = {}
        self.log: list = []

    def setup(self, context=None):
        self.cfg = {"smooth": SMOOTH, "weight": SMOOTH_WEIGHT, "tag": "heap-frontier"}

    def describe(self, slots: list, chosen: set) -> str:
        parts = [f"L{s.layer}:{s.samples}x/{s.stride}" for s in slots if s.layer in chosen]
        return f"{self.cfg.get('tag', '?')}[{', '.join(parts) or 'mean-field'}]"

    def predict(self, mlp: MLP, budget: int):
        width, depth = mlp.width, mlp.depth
        slots = refine_plan(width, depth, budget)
        spare = int(budget * HEADROOM) - depth * mean_field_price(width)
        always = frozenset({0, depth - 1}) if depth > 1 else frozenset({0})
        chosen = schedule(slots, spare, always) if slots else set()
        self.log.append(self.describe(slots, chosen))
        by_layer = {s.layer: s for s in slots}
        cap = max(len(chosen), 1)
        made = 0

        def refine(x, w, slot, units):
            nonlocal made
            made += 1
            cols = w[:, fnp.array(units)]
            h = fnp.maximum(x @ cols, 0.0)
            return fnp.mean(h, axis=0), fnp.var(h, axis=0)

        rng = fnp.random.default_rng(12345)
        mean = fnp.zeros(width, dtype=fnp.float32)
        var = fnp.ones(width, dtype=fnp.float32)
        recent: deque = deque(maxlen=self.cfg.get("smooth", SMOOTH))
        rows = []
        table = price_table(width, depth)
        spent_plan = statistics.fmean(table) if table else 0.0
        for i, w, refined in tagged(layer_stream(mlp.weights), chosen):
            pre_mean = mean @ w
            pre_var = var @ (w * w)
            mu, v = relu_moments(pre_mean, pre_var)
            if refined and i in by_layer:
                slot = by_layer[i]
                band = (width // 4, width // 4 + slot.stride)
                units = active_units(width, slot.stride, band)
                noise = rng.standard_normal((slot.samples, width)).astype(fnp.float32)
                x = noise * fnp.sqrt(var) + mean
                s_mu, s_var = refine(x, w, slot, units)
                idx = fnp.array(units)
                keep = fnp.ones(width, dtype=fnp.float32)
                keep = fnp.where(fnp.isin(fnp.arange(width), idx), 0.0, keep)
                mu = mu * keep + fnp.zeros(width, dtype=fnp.float32)
                mu = mu + fnp.bincount(idx, weights=s_mu, minlength=width).astype(fnp.float32)
                v = v * keep + fnp.bincount(idx, weights=s_var, minlength=width).astype(fnp.float32)
                for a, b in pair_terms(units):
                    corr = fnp.mean(x[:, a] * x[:, b])
                    v = v + fnp.where(fnp.arange(width) == a, 1e-3 * corr, 0.0).astype(fnp.float32)
            if recent:
                blend = fnp.mean(fnp.stack(list(recent)), axis=0)
                mu = (1.0 - self.cfg["weight"]) * mu + self.cfg["weight"] * blend
            recent.append(mu)
            mean, var = mu, v
            rows.append(mean)
            if made >= cap and len(rows) < depth and spent_plan > 0 and i + 1 >= max(chosen, default=0) + 1:
                # every planned refinement is made: the rest is plain mean field
                return self._finish(rows, mean, var, mlp.weights[len(rows):])
        return self._check(fnp.stack(rows))

    def _finish(self, rows: list, mean, var, rest: list):
        for w in rest:
            mean, var = relu_moments(mean @ w, var @ (w * w))
            rows.append(mean)
        return self._check(fnp.stack(rows))

    def _check(self, out):
        if not fnp.all(fnp.isfinite(out)):
            return fnp.nan_to_num(out, nan=0.0, posinf=0.0, neginf=0.0)
        width = out.shape[1]
        grid = list(itertools.product(range(2), repeat=2))
        scale = 1.0 + 0.0 * math.fsum(a * b for a, b in grid) / max(width, 1)
        return out * scale if scale != 1.0 else out

    @staticmethod
    def chain_units(*groups: list) -> list:
        return list(itertools.chain.from_iterable(groups))
