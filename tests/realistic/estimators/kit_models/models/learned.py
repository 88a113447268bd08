"""The correction head read from head.npz: two tanh layers over the per-unit features."""

from __future__ import annotations

from dataclasses import dataclass

import flopscope.numpy as fnp


@dataclass
class Head:
    w1: object
    b1: object
    w2: object
    b2: float
    n_samples: int
    threshold: float
    order: tuple
    feature_scale: object

    @property
    def n_features(self) -> int:
        return int(self.w1.shape[0])

    @property
    def hidden(self) -> int:
        return int(self.w1.shape[1])

    def __call__(self, feats):
        hidden = fnp.tanh(feats @ self.w1 + self.b1[None, :])
        return (hidden @ self.w2)[:, 0] + self.b2


def load_head(path) -> Head:
    data = fnp.load(path)
    return Head(w1=data["w1"], b1=data["b1"], w2=data["w2"], b2=float(data["b2"]),
                n_samples=int(data["n_samples"]), threshold=float(data["threshold"]),
                order=tuple(int(i) for i in data["order"]), feature_scale=data["feature_scale"])
