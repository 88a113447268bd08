"""Planning helpers of the strassen_levels submission."""

from .costs import Budget, best_levels, product_cost
from .mc import Welford, chunk_bounds

__all__ = ["Budget", "best_levels", "product_cost", "Welford", "chunk_bounds"]
