"""Monte Carlo in budget-sized chunks with Strassen-Winograd products ("chunked_strassen").

* ``plan_product`` is a recursive cost model with a memo dict keyed by ``(n, m, k, leaf)``
  tuples: for each product shape it picks plain ``@`` or one Winograd level (7 products of
  the halves, 15 additions), padding odd sizes; the plan is a nested tuple the executor
  follows;
* the chunk loop is a ``while`` whose trip count comes from the budget: each chunk's price
  is known, chunks run while the planned spend stays under the cap;
* the layers and their per-layer gains are walked with ``enumerate(zip(...))``; the gains
  come from a dict comprehension over the layer indices, and the layers that get the
  second-moment correction are a set comprehension tested with ``in``;
* samples come from ``fnp.random.default_rng`` seeded per chunk (``SeedSequence``-style
  integers from ``itertools.count``), drawn in float32, the accumulators in float64;
* a class with ``__iter__``/``__next__`` yields the chunk sizes; ``functools.lru_cache``
  memoises the chunk price; ``statistics.median`` and ``math.isqrt`` shape the plan.

Values are read only by the finite check of the result (a safety net), whose fallback
(``zeros_like``) is free: every path costs the same.
"""

from __future__ import annotations

import functools
import itertools
import math
import statistics

import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

LEAF = 16              # below this size, plain matmul
CHUNK_MIN = 16
CHUNK_MAX = 256
MAX_CHUNKS = 6
SPEND = 0.6            # share of the budget the chunks may plan to use
SECOND_EVERY = 2       # layers with the second-moment correction: every SECOND_EVERY-th

_PLANS: dict = {}


def plain_price(n: int, m: int, k: int) -> int:
    return 2 * n * m * k


def plan_product(n: int, m: int, k: int, leaf: int = LEAF) -> tuple:
    """(price, plan) for an (n, m) @ (m, k) product: ("mm",) or ("wino", pad, sub-plan)."""
    key = (n, m, k, leaf)
    hit = _PLANS.get(key)
    if hit is not None:
        return hit
    best = (plain_price(n, m, k), ("mm",))
    if min(n, m, k) > leaf:
        hn, hm, hk = (n + 1) // 2, (m + 1) // 2, (k + 1) // 2
        pad = (2 * hn - n, 2 * hm - m, 2 * hk - k)
        sub_price, sub_plan = plan_product(hn, hm, hk, leaf)
        adds = 8 * hn * hm + 7 * hm * hk + 0 * hn * hk
        price = 7 * sub_price + adds + (n * m if any(pad) else 0) + 2 * hn * hk * 4
        if price < best[0]:
            best = (price, ("wino", pad, sub_plan))
    _PLANS[key] = best
    return best


def winograd(a, b, plan: tuple):
    if plan[0] == "mm":
        return a @ b
    _, pad, sub = plan
    n, m = a.shape
    k = b.shape[1]
    if any(pad):
        a = fnp.pad(a, ((0, pad[0]), (0, pad[1])))
        b = fnp.pad(b, ((0, pad[1]), (0, pad[2])))
    hn, hm, hk = a.shape[0] // 2, a.shape[1] // 2, b.shape[1] // 2
    a11, a12, a21, a22 = a[:hn, :hm], a[:hn, hm:], a[hn:, :hm], a[hn:, hm:]
    b11, b12, b21, b22 = b[:hm, :hk], b[:hm, hk:], b[hm:, :hk], b[hm:, hk:]
    s1 = a21 + a22
    s2 = s1 - a11
    s3 = a11 - a21
    s4 = a12 - s2
    t1 = b12 - b11
    t2 = b22 - t1
    t3 = b22 - b12
    t4 = t2 - b21
    m1 = winograd(a11, b11, sub)
    m2 = winograd(a12, b21, sub)
    m3 = winograd(s4, b22, sub)
    m4 = winograd(a22, t4, sub)
    m5 = winograd(s1, t1, sub)
    m6 = winograd(s2, t2, sub)
    m7 = winograd(s3, t3, sub)
    u2 = m1 + m6
    u3 = u2 + m7
    u4 = u2 + m5
    c11 = m1 + m2
    c12 = u4 + m3
    c21 = u3 - m4
    c22 = u3 + m5
    top = fnp.concatenate([c11, c12], axis=1)
    bottom = fnp.concatenate([c21, c22], axis=1)
    return fnp.concatenate([top, bottom], axis=0)[:n, :k]


@functools.lru_cache(maxsize=None)
def chunk_price(rows: int, width: int, depth: int) -> int:
    per_layer = plan_product(rows, width, width)[0] + 6 * rows * width
    draws = 16 * rows * width
    return depth * per_layer + draws + 4 * depth * width


class ChunkSizes:
    """Chunk sizes for a planned spend: the largest power of two that fits, then halves."""

    def __init__(self, width: int, depth: int, cap: int):
        self.width, self.depth, self.cap = width, depth, cap
        self.spent = 0
        self.size = CHUNK_MAX
        self.made = 0

    def __iter__(self):
        return self

    def __next__(self) -> int:
        while self.size >= CHUNK_MIN:
            price = chunk_price(self.size, self.width, self.depth)
            if self.made < MAX_CHUNKS and self.spent + price <= self.cap:
                self.spent += price
                self.made += 1
                return self.size
            self.size //= 2
        raise StopIteration


def best_pair(width: int, depth: int, cap: int) -> tuple:
    """The two chunk sizes (powers of two, repeats allowed) whose summed price comes closest
    to ``cap`` from below: a second opinion on ChunkSizes, kept in the log."""
    options = [CHUNK_MIN << j for j in range(int(math.log2(CHUNK_MAX // CHUNK_MIN)) + 1)]
    best: tuple = ()
    best_left = cap
    for a, b in itertools.combinations_with_replacement(options, 2):
        price = chunk_price(a, width, depth) + chunk_price(b, width, depth)
        left = cap - price
        if 0 <= left < best_left:
            best, best_left = (a, b), left
            if left == 0:
                break  # an exact fit: nothing beats it
    return best


def describe_plan(plan: tuple) -> str:
    """`mm` or `wino(pad)>...` for a product plan, recursively (for the log)."""
    if plan[0] == "mm":
        return "mm"
    pad = "".join(str(p) for p in plan[1])
    return f"wino({pad})>{describe_plan(plan[2])}"


def layer_gains(depth: int) -> dict:
    # a mild shrink on deep layers (a prior on variance growth), from the layer index only
    return {i: 1.0 / (1.0 + 0.05 * max(i - 1, 0)) for i in range(depth)}


class Moments:
    """Running sums of the per-layer means and squares over the chunks (float64)."""

    __slots__ = ("total", "squares", "count")

    def __init__(self, depth: int, width: int):
        self.total = fnp.zeros((depth, width), dtype=fnp.float64)
        self.squares = fnp.zeros((depth, width), dtype=fnp.float64)
        self.count = 0

    def add(self, sums, sq_sums, rows: int) -> None:
        self.total = self.total + sums.astype(fnp.float64)
        self.squares = self.squares + sq_sums.astype(fnp.float64)
        self.count += rows

    @property
    def mean(self):
        return self.total / max(self.count, 1)

    @property
    def spread(self):
        m = self.mean
        return fnp.sqrt(fnp.maximum(self.squares / max(self.count, 1) - m * m, 0.0))


class Estimator(BaseEstimator):
    def __init__(self):
        self.seeds = itertools.count(2024, 7)
        self.history: list = []

    def mean_field(self, mlp: MLP):
        mean = fnp.zeros(mlp.width, dtype=fnp.float32)
        var = fnp.ones(mlp.width, dtype=fnp.float32)
        rows = []
        for w in mlp.weights:
            m = mean @ w
            v = var @ (w * w)
            sd = fnp.sqrt(fnp.maximum(v, 1e-12))
            mean = fnp.maximum(m, 0.0) + 0.4 * sd * fnp.exp(-0.5 * (m / sd) ** 2)
            var = 0.5 * v
            rows.append(mean)
        return fnp.stack(rows)

    def predict(self, mlp: MLP, budget: int):
        width, depth = mlp.width, mlp.depth
        cap = int(budget * SPEND)
        sizes = list(ChunkSizes(width, depth, cap))
        self.history.append({"sizes": tuple(sizes), "median": statistics.median(sizes) if sizes else 0})
        if not sizes:
            return self._check(self.mean_field(mlp))
        gains = layer_gains(depth)
        second = {i for i in range(depth) if i % SECOND_EVERY == SECOND_EVERY - 1}
        plans = {n: plan_product(n, width, width)[1] for n in set(sizes)}
        self.history[-1].update(pair=best_pair(width, depth, cap),
                                plans={n: describe_plan(p) for n, p in sorted(plans.items())})
        # the corrected layers: every SECOND_EVERY-th, never the last one of a deep net
        if depth > 3:
            second -= {depth - 1}
        second |= {0} if gains[0] != 1.0 else set()
        moments = Moments(depth, width)
        sizes_iter = iter(sizes)
        while (rows := next(sizes_iter, None)) is not None:
            rng = fnp.random.default_rng(next(self.seeds))
            x = rng.standard_normal((rows, width), dtype=fnp.float32)
            layer_means, layer_squares = [], []
            for i, (w, g) in enumerate(zip(mlp.weights, (gains[j] for j in range(depth)))):
                pre = winograd(x, w, plans[rows])
                x = fnp.maximum(pre, 0.0)
                if i in second:
                    x = x * g
                layer_means.append(fnp.sum(x, axis=0))
                if i == depth - 1:
                    layer_squares.extend(fnp.zeros(width, dtype=fnp.float32) for _ in range(depth - 1))
                    layer_squares.append(fnp.sum(x * x, axis=0))
            moments.add(fnp.stack(layer_means), fnp.stack(layer_squares), rows)
        count = moments.count
        root = math.isqrt(max(count, 1))
        out = moments.mean.astype(fnp.float32)
        spread = moments.spread[-1]
        self.history[-1]["spread_dtype"] = str(spread.dtype)
        if root * root == count and depth > 1:
            # a perfect-square sample count: blend in the mean field a little (a cheap prior)
            out = 0.9 * out + 0.1 * self.mean_field(mlp)
        return self._check(out)

    def _check(self, out):
        if not fnp.all(fnp.isfinite(out)):
            return fnp.zeros_like(out)
        return out
