"""Moment engines, loaded lazily.

``engines.diag`` is imported here (it registers itself); ``engines.cov`` and ``engines.lowrank``
are imported the first time they are asked for, through the module ``__getattr__`` below or
through ``lookup(kind)``.
"""

from __future__ import annotations

import importlib

from ._registry import ORDER, REGISTRY, lookup, register
from .base import Engine, relu_moments
from . import diag  # noqa: F401  (registers "diag")

KNOWN = ("diag", "cov", "lowrank")

__all__ = ["ORDER", "REGISTRY", "Engine", "KNOWN", "lookup", "relu_moments"]


def __getattr__(name: str):
    if name in KNOWN:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
