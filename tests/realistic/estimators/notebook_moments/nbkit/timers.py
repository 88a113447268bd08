"""Stage timing (the notebook's %%time cells, as a context manager)."""

from __future__ import annotations

import contextlib
import time
from typing import Iterator

#: every stage ever timed in this process: (name, seconds)
TIMINGS: list[tuple[str, float]] = []


@contextlib.contextmanager
def stage(name: str) -> Iterator[dict]:
    box = {"name": name, "seconds": 0.0}
    t0 = time.perf_counter()
    try:
        yield box
    finally:
        box["seconds"] = time.perf_counter() - t0
        TIMINGS.append((name, box["seconds"]))


def total(prefix: str = "") -> float:
    return sum(s for n, s in TIMINGS if n.startswith(prefix))
