"""Covariance sandwiches kept symmetric, spectral clean-ups and a float32 head ("spectral_sandwich").

Folder submission: estimator.py (this), linalg_kit.py (the team's symmetric helpers: a Gram of
one array passed twice, a W^T C W sandwich written as one einsum with the same outer operand, a
cholesky jitter ladder falling back to eigh, a PSD projection re-tagged by flops.symmetrize, a
Neumann series by matrix_power, ReLU moments), make_head.py (writes head.npz offline), head.npz
(head coefficients in float32, its bias, a ridge, the rank of the kept subspace, the Neumann
power and a float32 switch).

predict, planned on the budget:
  * "constant": not even a mean pass fits: 0.5 everywhere;
  * "mean": a diagonal mean-field pass in float32 (numpy scalars mixed in);
  * "cov": the input covariance from seeded samples (Gram of the centred draws, tagged), pushed
    through every layer by the sandwich; a rescale when it passes 1e30 (a 0-d divisor keeps the
    tag); on the planned refresh layers a PSD projection and, when the spectral norm says the
    layer is expanding, a Neumann smoothing; the ReLU gate applied as C * outer(cdf, cdf) (both
    tagged); at the end a whitened residual by the cholesky ladder, a rank-r subspace by QR of
    the top eigenvectors and pinv, and a float32 head on five features (one from an rFFT).
A non-finite output raises (whestbench then scores the MLP as zeros).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

import linalg_kit as kit

SAFETY = 0.8
MIN_SAMPLES, MAX_SAMPLES = 16, 512
BLOWUP = 1e30
EXPANDING = 4.0


@dataclass(frozen=True)
class Plan:
    mode: str
    samples: int = 0
    refresh: tuple = ()
    whiten: bool = False


def sandwich_cost(width: int) -> int:
    return 2 * width ** 3 + width * (width + 1) * (2 * width - 1) // 2


def plan_for(width: int, depth: int, budget: int, rank: int) -> Plan:
    room = budget * SAFETY
    if room < depth * 40 * width:
        return Plan("constant")
    per_layer = sandwich_cost(width) + 60 * width * width
    if room < depth * per_layer + 4 * width ** 3:
        return Plan("mean")
    room -= depth * per_layer
    samples = int(min(MAX_SAMPLES, max(MIN_SAMPLES, 2 ** math.floor(math.log2(max(2.0, room / (4 * width * width)))))))
    room -= samples * width * width
    refresh_cost = 14 * width ** 3
    n_refresh = max(0, min(depth - 1, int(room // refresh_cost)))
    # refresh the last layers first: their covariances feed the head
    refresh = tuple(range(depth - n_refresh, depth))
    whiten = room - n_refresh * refresh_cost > 20 * width ** 3 + rank * width * width
    return Plan("cov", samples, refresh, whiten)


class Estimator(BaseEstimator):
    def setup(self, context=None) -> None:
        root = Path(getattr(context, "submission_dir", None) or Path(__file__).parent)
        data = np.load(root / "head.npz")
        self.coef = fnp.asarray(data["coef"])          # float32 (5,)
        self.bias = data["bias"][()]                   # a numpy float32 scalar
        self.ridge = float(data["ridge"])
        self.rank = int(data["rank"])
        self.power = int(data["power"])
        self.f32 = bool(data["use_f32"])

    # -- the cheap modes -------------------------------------------------------------------
    def _mean_field(self, mlp: MLP):
        width = mlp.width
        mu = fnp.full(width, 0.0, dtype=fnp.float32)
        var = fnp.ones(width, dtype=fnp.float32)
        rows = []
        for w in mlp.weights:
            w32 = w.astype(fnp.float32)
            pre_mu = mu @ w32
            pre_var = var @ (w32 * w32)
            mu, var, _ = kit.relu_moments(pre_mu, pre_var)
            mean, spread, top = kit.np_stats(mu)      # numpy float32 scalars
            if top > BLOWUP:
                mu = mu / top
            rows.append(mu + np.float32(0.0) * spread)
        return fnp.stack(rows)

    # -- the covariance mode ---------------------------------------------------------------
    def _input_cov(self, width: int, samples: int):
        rng = fnp.random.default_rng(samples + width)
        draws = rng.standard_normal((samples, width))
        centred = draws - fnp.mean(draws, axis=0)
        cov = kit.gram(centred, centred) / (samples - 1)
        return fnp.zeros(width), cov

    def _refresh(self, cov, width: int):
        cov = kit.psd_project(cov, floor=1e-9)
        scale = kit.spectral_scale(cov)
        if scale > EXPANDING * width:
            contraction = cov / (2.0 * scale)
            cov = kit.neumann_inverse(contraction, self.power) * scale
        return cov

    def _whiten(self, mu, cov, width: int):
        factor, rung = kit.safe_cholesky(cov + self.ridge * fnp.eye(width))
        white = fnp.linalg.solve(factor, mu)
        vals, vecs = fnp.linalg.eigh(cov)
        top = vecs[:, width - self.rank:]
        q, _ = fnp.linalg.qr(top)
        proj = q @ fnp.linalg.pinv(q)
        resid = white - proj @ white
        fit, *_ = fnp.linalg.lstsq(fnp.stack([mu, white], axis=1), resid, rcond=None)
        return mu + 1e-3 * (fit[0] * mu + fit[1] * white) / (1.0 + rung)

    def _head(self, mu, var, cdf):
        spec = fnp.abs(fnp.fft.rfft(mu))
        band = fnp.mean(spec) + fnp.zeros_like(mu)
        feats = fnp.stack([mu, fnp.sqrt(var), cdf, mu * cdf, band], axis=1)
        if self.f32:
            feats = feats.astype(fnp.float32)
        score = fnp.tanh(feats @ self.coef + self.bias)
        return mu + 0.01 * score

    def predict(self, mlp: MLP, budget: int):
        width, depth = mlp.width, mlp.depth
        plan = plan_for(width, depth, budget, self.rank)
        if plan.mode == "constant":
            return fnp.full((depth, width), 0.5, dtype=fnp.float32)
        if plan.mode == "mean":
            return self._mean_field(mlp)

        mu, cov = self._input_cov(width, plan.samples)
        rows = []
        for i, w in enumerate(mlp.weights):
            pre_mu = mu @ w
            pre_cov = kit.sandwich(w, cov)
            peak = float(fnp.max(fnp.abs(pre_cov)))
            if peak > BLOWUP:
                pre_cov = pre_cov / fnp.max(fnp.abs(pre_cov))
                pre_mu = pre_mu / math.sqrt(peak)
            if i in plan.refresh:
                pre_cov = self._refresh(pre_cov, width)
            pre_var = fnp.diagonal(pre_cov)
            mu, var, cdf = kit.relu_moments(pre_mu, pre_var)
            gate = fnp.outer(cdf, cdf)
            cov = pre_cov * gate + fnp.diag(var - fnp.diagonal(pre_cov * gate))
            if i == depth - 1:
                if plan.whiten:
                    mu = self._whiten(mu, cov, width)
                mu = self._head(mu, var, cdf)
            rows.append(mu)
        out = fnp.stack(rows)
        if not fnp.all(fnp.isfinite(out)):
            raise FloatingPointError("non-finite moments")
        return out
