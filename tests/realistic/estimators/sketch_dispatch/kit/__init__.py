"""Helpers of the sketch_dispatch submission (imported relatively inside the package)."""

from .cost import Config, choose_engine, engine_cost, sample_count
from .linalg import factor_ladder, solve_ladder
from .products import matmul

__all__ = ["Config", "choose_engine", "engine_cost", "sample_count", "factor_ladder",
           "solve_ladder", "matmul"]
