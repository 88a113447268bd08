"""Helpers of circulant_refine: the circulant surrogate and sketch (spectral), the refinement
pipeline (pipeline)."""

from .pipeline import Estimate, refine
from .spectral import Circulant, range_finder, sqrt_factor

__all__ = ["Circulant", "Estimate", "range_finder", "refine", "sqrt_factor"]
