"""How many programs a fuzz module draws: one place for the environment's say.

The committed runs are derandomized, so every CI run draws the same programs; CI draws the
smaller count (session 52: the suite's time), a hunt or a full check the larger. The modules
built the programs so the smaller count still yields both outcomes (docs/testing.md)."""

from __future__ import annotations

import os


def fuzz_examples(committed: int, full: int) -> int:
    """FLOPCAST_FUZZ_EXAMPLES if set, else `full` under FLOPCAST_FUZZ_FULL=1, else `committed`."""
    if "FLOPCAST_FUZZ_EXAMPLES" in os.environ:
        return int(os.environ["FLOPCAST_FUZZ_EXAMPLES"])
    return full if os.environ.get("FLOPCAST_FUZZ_FULL") == "1" else committed
