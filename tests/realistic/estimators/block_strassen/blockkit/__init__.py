"""blockkit: the helpers of the block_strassen submission (re-exported here)."""

from .costs import Choice, choose_product, plain_cost, strassen_cost
from .blocks import Partition, BlockCov, block_pairs
from .products import multiply

__all__ = ["Choice", "choose_product", "plain_cost", "strassen_cost", "Partition", "BlockCov",
           "block_pairs", "multiply"]
