"""The submission's tools. ``from tools import *`` gives the ledger's public names.

Unknown attributes ``EPS_<dtype>`` are computed on first use (module ``__getattr__``).
"""

from __future__ import annotations

import numpy as np

from .ledger import *  # noqa: F401,F403  (basis, CACHE, LOG, built)
from . import ledger, solvers

__all__ = ["basis", "CACHE", "LOG", "built", "ledger", "solvers"]


def __getattr__(name: str):
    if name.startswith("EPS_"):
        return float(np.finfo(name[4:]).eps)
    raise AttributeError(name)
