"""Batched block solvers of block_head: a stack of (bs, bs) blocks is one array (B, bs, bs)."""

from .batched import (BlockCov, block_diag_stack, factor_blocks, head_features, refit_last)
from .plan import BlockPlan, choose_block

__all__ = ["BlockCov", "block_diag_stack", "factor_blocks", "head_features", "refit_last",
           "BlockPlan", "choose_block"]
