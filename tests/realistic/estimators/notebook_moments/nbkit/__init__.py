"""Helpers pulled out of the exploration notebook (moments.ipynb, cells 4-19).

Relative imports on purpose: the folder is copied around as a unit.
"""

from .config import RunConfig, Strategy, StageReport
from .gauss import Moments, relu_moments, relu_moments_diag, stack_blocks, repair_blocks
from . import timers

__all__ = ["RunConfig", "Strategy", "StageReport", "Moments", "relu_moments",
           "relu_moments_diag", "stack_blocks", "repair_blocks", "timers"]
