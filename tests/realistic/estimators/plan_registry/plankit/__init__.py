"""The plankit helpers of the plan_registry submission: budget planning and the linear algebra kernels."""

from .budget import CostModel, Budget, bisect_samples, clamp
from .linalg import KERNELS, kernel, sym_sqrt, batched_gram, whiten

__all__ = ["CostModel", "Budget", "bisect_samples", "clamp", "KERNELS", "kernel",
           "sym_sqrt", "batched_gram", "whiten"]
