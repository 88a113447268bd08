"""Small toolkit shared by the estimator: config, cost model, moment passes."""

from .config import CONFIG, Config
from .costs import layer_cost, plan_cost
from . import moments

__all__ = ["CONFIG", "Config", "layer_cost", "plan_cost", "moments"]
