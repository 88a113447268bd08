"""The stages package: importing it registers every stage kind."""

from .base import STAGES, Moments, Stage
from . import kinds  # noqa: F401  (the subclasses register themselves)

__all__ = ["STAGES", "Moments", "Stage"]
