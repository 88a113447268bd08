"""Spectral features of one weight matrix, by tier (the richest the budget allows).

Every extractor returns the same six float32 features so the head never sees a different
layout: [log spectral radius, mean |phase|, low-frequency share, log Frobenius norm per
sqrt(width), log |det| per width, norm ratio]. Cheaper tiers fill what they cannot compute
from cheaper stand-ins.
"""

from __future__ import annotations

import functools
import math
import operator

import numpy as np

import flopscope.numpy as fnp

N_FEATURES = 6
EPS = 1e-12


def _lowfreq_share(w, band: int):
    """The share of the 2-D spectrum's energy in the central band after fftshift."""
    spec = fnp.fft.fftshift(fnp.fft.fft2(w))
    energy = (spec * fnp.conj(spec)).real
    n = w.shape[0]
    lo, hi = n // 2 - band, n // 2 + band
    return fnp.sum(energy[lo:hi, lo:hi]) / (fnp.sum(energy) + EPS)


def _norms(w):
    fro = fnp.linalg.norm(w, ord="fro")
    one = fnp.linalg.norm(w, ord=1)
    inf = fnp.linalg.norm(w, ord=fnp.inf)
    return fro, one, inf


def eig_features(w, kind: str = "vals"):
    """Eigenvalues of the (non-symmetric) weight: complex."""
    n = w.shape[0]
    if kind == "full":
        vals, vecs = fnp.linalg.eig(w)
        # the leading eigenvector's spread: how many neurons carry the dominant mode
        lead = fnp.abs(vecs[:, int(fnp.argmax(fnp.abs(vals)))])
        spread = fnp.sum(lead) ** 2 / (n * fnp.sum(lead * lead) + EPS)
    else:
        vals = fnp.linalg.eigvals(w)
        spread = None
    mags = fnp.abs(vals)
    radius = fnp.max(mags)
    phase = fnp.mean(fnp.abs(fnp.angle(vals)))
    sign, logdet = fnp.linalg.slogdet(w)
    fro, one, inf = _norms(w)
    ratio = spread if spread is not None else one / (inf + EPS)
    return fnp.stack([fnp.log(radius + EPS), phase, _lowfreq_share(w, max(1, n // 8)),
                      fnp.log(fro / math.sqrt(n)), logdet / n, ratio]).astype(fnp.float32)


def fft_features(w):
    n = w.shape[0]
    fro, one, inf = _norms(w)
    share = _lowfreq_share(w, max(1, n // 8))
    radius_guess = fro / math.sqrt(n)          # circular law: radius ~ Frobenius / sqrt(n)
    return fnp.stack([fnp.log(radius_guess), fnp.full((), 0.5 * math.pi, dtype=fnp.float64), share,
                      fnp.log(fro / math.sqrt(n)), fnp.zeros(()), one / (inf + EPS)]).astype(fnp.float32)


def norm_features(w):
    n = w.shape[0]
    fro, one, inf = _norms(w)
    base = fnp.log(fro / math.sqrt(n))
    return fnp.stack([base, base * 0.0 + 0.5 * math.pi, fnp.full((), 1.0 / n), base, fnp.zeros(()),
                      one / (inf + EPS)]).astype(fnp.float32)


#: tier name -> extractor; partials pin the eig variant
EXTRACTORS = {
    "eig": functools.partial(eig_features, kind="full"),
    "eigvals": functools.partial(eig_features, kind="vals"),
    "fft": fft_features,
    "norms": norm_features,
}

#: flopscope's bill per layer, by tier (w = width), measured once on the public nets
TIER_COST = {
    "eig": lambda w: 50 * w ** 3 + 60 * w * w,
    "eigvals": lambda w: 22 * w ** 3 + 60 * w * w,
    "fft": lambda w: 40 * w * w * max(1, int(math.log2(w))) + 12 * w * w,
    "norms": lambda w: 12 * w * w,
}

by_cost = operator.itemgetter(1)


def tiers_by_richness():
    return [name for name, _ in sorted(((k, -TIER_COST[k](64)) for k in TIER_COST), key=by_cost)]


def plain_features(w) -> np.ndarray:
    """The same features in plain numpy, for the offline fit (make_head.py's inputs)."""
    w = np.asarray(w, dtype=np.float64)
    vals = np.linalg.eigvals(w)
    return np.array([np.log(np.abs(vals).max()), np.abs(np.angle(vals)).mean(), 0.0,
                     np.log(np.linalg.norm(w) / np.sqrt(len(w))), np.linalg.slogdet(w)[1] / len(w), 1.0])
