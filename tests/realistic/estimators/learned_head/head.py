"""The two-layer head: features (width, F) -> multiplicative correction (width,)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Optional

import flopscope.numpy as fnp

log = logging.getLogger("learned_head")

#: corrections are clipped to +-CLIP (relative), whatever the head says
CLIP = 0.5


@dataclass
class Head:
    w1: object
    b1: object
    w2: object
    b2: object
    centre: object
    scale: object
    gain: float = 1.0
    version: str = "v3"

    @property
    def hidden(self) -> int:
        return self.w1.shape[1]

    def __call__(self, feats):
        z = (feats - self.centre) / self.scale
        h = fnp.tanh(z @ self.w1 + self.b1)
        out = (h @ self.w2 + self.b2)[:, 0]
        return fnp.clip(self.gain * out, -CLIP, CLIP)

    def flops_estimate(self, width: int) -> int:
        f, hdim = self.w1.shape
        return width * (4 * f + 2 * f * hdim + 3 * hdim + 2 * hdim + 4)


def from_arrays(data, gain: Optional[float] = None) -> Head:
    head = Head(
        w1=data["w1"], b1=data["b1"], w2=data["w2"], b2=data["b2"],
        centre=data["centre"], scale=data["scale"],
    )
    if gain is not None:
        head.gain = gain
    log.debug("head %s loaded, hidden=%d", head.version, head.hidden)
    return head
