"""kit: the helpers of the strassen_head submission."""

from .helpers import Config, CostModel, blocks, jittered_cholesky, log_rescale, strassen, strassen_depth
from . import plans

__all__ = ["Config", "CostModel", "blocks", "jittered_cholesky", "log_rescale", "strassen",
           "strassen_depth", "plans"]
