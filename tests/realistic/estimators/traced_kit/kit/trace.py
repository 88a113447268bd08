"""Call counting and wall-clock timing for the logs.

Every decorated function bumps a module-level counter (CALLS) keyed by its qualified name;
``@timed`` adds the wall time spent inside (TIMES). Neither is read back for the cost: the
estimator prints ``summary()`` only when KIT_VERBOSE is set in the environment.
"""

from __future__ import annotations

import functools
import os
import time
from collections import defaultdict
from typing import Callable, Optional

CALLS: dict[str, int] = defaultdict(int)
TIMES: dict[str, float] = {}
VERBOSE = bool(os.environ.get("KIT_VERBOSE"))


def counted(fn: Optional[Callable] = None, *, name: Optional[str] = None):
    """``@counted`` or ``@counted(name="...")``: count calls under the function's qualified name."""

    def decorate(f: Callable) -> Callable:
        key = name or f.__qualname__

        @functools.wraps(f)
        def wrapper(*args, **kwargs):
            CALLS[key] += 1
            return f(*args, **kwargs)

        wrapper.key = key
        return wrapper

    return decorate(fn) if fn is not None else decorate


def timed(f: Callable) -> Callable:
    """Accumulate the wall time spent in ``f`` (including its failures) under its name."""

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return f(*args, **kwargs)
        finally:
            elapsed = time.perf_counter() - t0
            TIMES[f.__name__] = TIMES.get(f.__name__, 0.0) + elapsed

    return wrapper


def once_per(attr: str):
    """Memoise a method's result on the instance under ``attr`` (a tiny cached_property for
    methods that take arguments we ignore after the first call)."""

    def decorate(f: Callable) -> Callable:
        @functools.wraps(f)
        def wrapper(self, *args, **kwargs):
            got = getattr(self, attr, None)
            if got is None:
                got = f(self, *args, **kwargs)
                setattr(self, attr, got)
            return got

        return wrapper

    return decorate


def summary() -> str:
    rows = sorted(CALLS.items(), key=lambda kv: (-kv[1], kv[0]))
    parts = [f"{k}={v}" + (f" ({TIMES[k.rsplit('.', 1)[-1]]:.3f}s)" if k.rsplit('.', 1)[-1] in TIMES else "")
             for k, v in rows]
    return ", ".join(parts)
