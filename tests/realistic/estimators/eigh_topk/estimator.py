"""Mean field refined on the loudest neurons by an eigendecomposed block and a learned head
("eigh_topk", folder submission).

Files: estimator.py (this), engines.py (engines registered by ``__init_subclass__``, the
eigh block refinement), plan.py (a ``dataclasses.replace`` sweep over block sizes, ``match`` on
the plan), make_head.py (writes head.npz and sweep.txt offline), head.npz (the head and its
knobs), sweep.txt (the block sizes the head was tuned on).

At each refined layer the ``k`` neurons with the largest pre-activation variance are picked with
``argpartition``; the covariance block of their pre-activations (the diagonal input variance plus
the low-rank factor ``Carry`` kept from the previous layer) is projected to PSD with ``eigh``,
and four spectrum features go through the learned head, whose output shifts those neurons' means.
The block sizes come from sweep.txt; the largest one allowed and a switch from head.npz.
"""

from __future__ import annotations

import logging
from pathlib import Path

import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP, SetupContext

import engines
from plan import Plan, choose, describe

log = logging.getLogger(__name__)
DEFAULT_SIZES = (4, 8)


class Head:
    """gain * tanh(coef . feats + bias): one number per refined layer."""

    def __init__(self, coef, bias: float, gain: float):
        self.coef = fnp.asarray(coef, dtype=fnp.float32)
        self.bias = bias
        self.gain = gain

    def __call__(self, feats):
        return self.gain * fnp.tanh(fnp.dot(self.coef, feats) + self.bias)


class Silent(Head):
    """No head shipped: no correction (the block is still computed, the plan does not change)."""

    def __init__(self):
        super().__init__(fnp.zeros(4, dtype=fnp.float32), 0.0, 0.0)


class Estimator(BaseEstimator):
    def setup(self, context: SetupContext) -> None:
        root = Path(context.submission_dir) if context.submission_dir else Path(__file__).parent
        self.sizes, self.k_max, self.head = DEFAULT_SIZES, max(DEFAULT_SIZES), Silent()
        path = root / "head.npz"
        if not path.exists():
            return
        data = fnp.load(path)          # flopscope's load: a plain dict of arrays (the grader has no numpy)
        if not bool(data["use_head"]):
            return
        self.head = Head(data["coef"], float(data["bias"]), float(data["gain"]))
        self.k_max = int(data["k_max"])
        sweep = root / "sweep.txt"
        if sweep.exists():
            self.sizes = tuple(sorted({int(tok) for tok in sweep.read_text().split()}))

    def _engines(self, plan: Plan) -> list:
        """One engine per layer, as the plan says (a fresh one per refined run: they keep state)."""
        match plan:
            case Plan(engine="mf" | "none"):
                return [engines.MeanField(plan.width)] * plan.depth
            case Plan(engine=key, k=k, refine_from=start) if key in engines.REGISTRY:
                plain = engines.MeanField(plan.width)
                refined = engines.REGISTRY[key](plan.width, k, self.head)
                return [plain] * start + [refined] * (plan.depth - start)
            case _:
                raise ValueError(f"unknown engine in {plan}")

    def predict(self, mlp: MLP, budget: int) -> fnp.ndarray:
        width, depth = mlp.width, mlp.depth
        plan = choose(width, depth, budget, self.sizes, self.k_max)
        log.debug("plan: %s", describe(plan))
        if plan.engine == "none":
            return fnp.zeros((depth, width), dtype=fnp.float32)

        mu = fnp.zeros(width, dtype=fnp.float32)
        var = fnp.ones(width, dtype=fnp.float32)
        rows = []
        for engine, w in zip(self._engines(plan), mlp.weights, strict=True):
            mu, var = engine.step(mu, var, w)
            rows.append(mu)
        out = fnp.stack(rows, axis=0)
        if not fnp.all(fnp.isfinite(out)):
            out = fnp.where(fnp.isfinite(out), out, 0.0)
        return out.astype(fnp.float32)
