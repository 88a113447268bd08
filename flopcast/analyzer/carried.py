"""State one ``predict`` call leaves for the next.

whestbench makes one estimator per run, calls ``setup()`` once and then ``predict(mlp, budget)``
on that same instance for every MLP of the run, each inside a fresh ``BudgetContext`` with the
same budget (scoring.evaluate_estimator, subprocess_worker._handle_predict). A matrix made once
and kept on ``self``, an ``lru_cache``d helper that makes fnp calls, a module-level cache dict or
a counter on ``self`` read back in a branch make later MLPs cost otherwise than the first.

After the first call the interpreter compares what a later call can read — the instance, every
module's globals and the ``lru_cache`` tables — with what it was before the call, canonically
(canonical.py: equal up to a renaming of allocation identities; attributes the program only
writes compared by kind, joins._Walk). Equal (the common case): every call starts from the same
state as the first, so each MLP costs what the first does. Otherwise ``predict`` is called again
on the same instance with a fresh MLP of the same shape, until the state after a call equals the
state before it (from then on every call costs what that one did), at most ``MAX_CALLS`` calls
in all; a state that has not settled by then, or cannot be compared, leaves the later MLPs
unfollowed, and the report says so (a lower bound on the costliest call).
"""

from __future__ import annotations

from typing import Optional

from flopcast.analyzer import write_only
from flopcast.analyzer.canonical import Canon, Incomparable
from flopcast.analyzer.joins import _Walk

#: The most calls of ``predict`` followed on one instance (the first included).
MAX_CALLS = 4


class _StateWalk(_Walk):
    """joins' walk (write-only attributes by kind), naming classes by object: both states
    compared are of one run, whose classes are the same objects."""

    definition = Canon.definition


def state(interp, instance) -> Optional[tuple]:
    """What a later call of ``predict`` can read, canonically; None when it cannot be compared."""
    walk = _StateWalk(interp._nonzero_counts, write_only.attributes(interp.program))
    try:
        parts: list = [walk.form(instance)]
        envs = interp.module_envs
        for path in sorted(envs):
            parts.append((path, walk.names(envs[path])))
        cache = interp._cache_results
        # lru_cache tables only grow (no eviction is modelled): their size tells which keys are
        # there; what the cached values hold can change (a cached list appended to).
        parts.append((len(cache), tuple([walk.form(v) for v in cache.values()])))
    except (Incomparable, RecursionError):
        return None
    return tuple(parts)
