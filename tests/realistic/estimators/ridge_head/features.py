"""Feature maps for the learned head (helper module of the ridge_head submission)."""

from __future__ import annotations

import itertools
from typing import Callable, Iterator

import flopscope as flops
import flopscope.numpy as fnp

FEATURES: dict[str, Callable] = {}


def feature(name: str):
    def wrap(fn):
        FEATURES[name] = fn
        return fn
    return wrap


@feature("mean")
def _mean(mu, var, **_):
    return mu


@feature("sd")
def _sd(mu, var, floor=1e-8, **_):
    return fnp.sqrt(fnp.maximum(var, floor))


@feature("relu_mean")
def _relu_mean(mu, var, floor=1e-8, **_):
    sd = fnp.sqrt(fnp.maximum(var, floor))
    z = mu / sd
    return mu * flops.stats.norm.cdf(z) + sd * flops.stats.norm.pdf(z)


@feature("kink")
def _kink(mu, var, floor=1e-8, **_):
    sd = fnp.sqrt(fnp.maximum(var, floor))
    return flops.stats.norm.pdf(mu / sd)


def iter_features(names, mu, var, **opts) -> Iterator:
    """Each named feature, then the pairwise products of the first two (a generator)."""
    made = []
    for name in names:
        f = FEATURES[name](mu, var, **opts)
        made.append(f)
        yield f
    yield from (a * b for a, b in itertools.combinations(made[:2], 2))


def design(names, mu, var, **opts):
    cols = list(iter_features(names, mu, var, **opts))
    return fnp.stack(cols, axis=1), len(cols)
