"""Dequantisation of the int8 head, cached at module level (one copy for every instance)."""

from __future__ import annotations

import os

import numpy as np
import flopscope.numpy as fnp

HERE = os.path.dirname(os.path.abspath(__file__))
HEAD_FILE = os.path.join(HERE, "head.npz")

#: name -> dequantised fnp array; filled by the first Estimator.setup, reused by later ones
_CACHE: dict = {}
_META: dict = {}


def load_raw() -> dict:
    data = fnp.load(HEAD_FILE)
    _META.update(data.pop("__meta__", {}))
    return data


def dequant(q, scale, zero_point):
    """int8 codes -> float32 weights: (q - zero) * scale, the scale in float16 (promotes)."""
    codes = fnp.asarray(q, dtype=fnp.float32)
    centred = codes - zero_point                   # int8 0-d scalar array: stays float32
    return centred * scale                         # float32 * float16 -> float32


def weights() -> dict:
    if not _CACHE:
        raw = load_raw()
        hidden = int(_META.get("hidden", raw["w1"].shape[1]))
        w1 = dequant(raw["w1"], raw["scale"], raw["zero_point"])
        _CACHE["w1"] = w1[:, :hidden]
        _CACHE["b1"] = raw["b1"][:hidden]
        _CACHE["w2"] = raw["w2"][:hidden]          # float16, kept so
        _CACHE["b2"] = raw["b2"]
        _CACHE["temp"] = raw["temp"]
        _CACHE["bits"] = int(_META.get("bits", 8))
    return _CACHE


def levels(bits: int) -> int:
    return 2 ** (bits - 1) - 1


def trained_width(default: int = 64) -> int:
    return int(_META.get("trained_width", default))


def plain_basis(k: int) -> np.ndarray:
    """A fixed orthonormal basis for the feature whitening (plain numpy QR: free)."""
    rng = np.random.default_rng(k)
    q, r = np.linalg.qr(rng.standard_normal((k, k)))
    return q * np.sign(np.diag(r))
