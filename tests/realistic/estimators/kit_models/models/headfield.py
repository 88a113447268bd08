"""Mean field with the learned correction head: the units whose correction passes the
head's threshold get a second, local pass (nonzero active set)."""

from __future__ import annotations

import flopscope.numpy as fnp

import util
from models.base import Model, diagonal_layer, relu_moments


def features(mu, var, scale):
    sd = fnp.sqrt(fnp.maximum(var, 1e-12))
    z = mu / sd
    return fnp.stack([z, fnp.log1p(var), fnp.tanh(z), sd], axis=1) * scale[None, :]


class HeadField(Model):
    name = "head"

    def cost(self) -> int:
        h = self.head
        per = util.moment_cost(self.width) + util.head_cost(self.width, h.n_features, h.hidden)
        return self.depth * (per + 20 * self.width)

    def run(self, mlp):
        h = self.head
        mean = fnp.zeros(self.width)
        var = fnp.ones(self.width)
        rows = []
        for weight in mlp.weights:
            mu, v = diagonal_layer(weight, mean, var)
            mean, var, slope = relu_moments(mu, v)
            corr = h(features(mu, v, h.feature_scale))
            hot = fnp.nonzero(fnp.abs(corr) > h.threshold)[0]
            if hot.shape[0]:
                # the hot units: damp the correction by their slope (a local linearisation)
                damp = fnp.zeros(self.width)
                damp = fnp.where(fnp.abs(corr) > h.threshold, slope * corr, damp)
                mean = mean * (1.0 + damp)
            else:
                mean = mean * (1.0 + corr)
            rows.append(mean)
        return fnp.stack(rows)
