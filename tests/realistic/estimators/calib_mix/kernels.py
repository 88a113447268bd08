"""Per-layer kernels for calib_mix: moment propagation and a sampled pass, both in place.

flopscope arrays are immutable to item stores and `+=`; the kernels write through `out=`
instead (fnp.add/multiply/maximum/clip into a buffer they own).
"""

from __future__ import annotations

import flopscope as flops
import flopscope.numpy as fnp

VAR_FLOOR = 1e-6

#: the plan codes shipped in calib.npz
MOMENT, SAMPLE, BLEND = 0, 1, 2
NAMES = {MOMENT: "moment", SAMPLE: "sample", BLEND: "blend"}


class Kernel:
    """A layer's update; ``cost`` is what the planner charges for it."""

    name = "base"
    per_unit = 0

    def __init__(self, width: int, n: int = 0) -> None:
        self.width, self.n = width, n

    @property
    def matmul_cost(self) -> int:
        return 2 * self.width * self.width

    @property
    def cost(self) -> int:
        return self.matmul_cost + self.per_unit * self.width

    def __repr__(self) -> str:
        return f"{self.name}(w={self.width}, n={self.n}, cost={self.cost})"


class MomentKernel(Kernel):
    name = "moment"
    per_unit = 90

    @property
    def cost(self) -> int:
        return 2 * super().cost        # the variance pass is a second product

    def __call__(self, state, w):
        mean, var = state["mean"], state["var"]
        mu = mean @ w
        pre = fnp.einsum("i,ij,ij->j", var, w, w)
        fnp.maximum(pre, VAR_FLOOR, out=pre)
        sd = fnp.sqrt(pre)
        z = mu / sd
        cdf = flops.stats.norm.cdf(z)
        out_mean = mu * cdf + sd * flops.stats.norm.pdf(z)
        out_var = pre * cdf - out_mean * out_mean + mu * out_mean
        fnp.clip(out_var, VAR_FLOOR, None, out=out_var)
        return {"mean": out_mean, "var": out_var}


class SampleKernel(Kernel):
    name = "sample"
    per_unit = 4

    @property
    def matmul_cost(self) -> int:
        return self.n * super().matmul_cost

    def __call__(self, state, w):
        x = state["samples"] @ w
        fnp.maximum(x, 0.0, out=x)
        mean = fnp.mean(x, axis=0)
        centred = x - mean
        var = fnp.mean(centred * centred, axis=0)
        return {"mean": mean, "var": var, "samples": x}


class BlendKernel(MomentKernel):
    name = "blend"

    def __init__(self, width: int, n: int, alpha: float) -> None:
        super().__init__(width, n)
        self.alpha = alpha
        self.sampler = SampleKernel(width, n)

    @property
    def cost(self) -> int:
        return super().cost + self.sampler.cost + 6 * self.width

    def __call__(self, state, w):
        a = super().__call__(state, w)
        b = self.sampler(state, w)
        mean = fnp.empty_like(a["mean"])
        fnp.multiply(a["mean"], self.alpha, out=mean)
        fnp.add(mean, (1.0 - self.alpha) * b["mean"], out=mean)
        return {"mean": mean, "var": 0.5 * (a["var"] + b["var"]), "samples": b["samples"]}
