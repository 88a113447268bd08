"""Exploring the program paths that value-dependent decisions open.

Each run of the interpreter follows one path: every value-dependent site (branch,
loop exit, exception, data-dependent size) takes the option its assignment says,
or the first option. A site keeps its choice for the whole path (a consistent
policy: "always rescale" / "never rescale"), which keeps the number of paths at
2^(number of sites) instead of growing with loop trip counts. Every combination is
run, up to MAX_PATHS; the report joins them into [min, max].
"""

from __future__ import annotations

from typing import Callable

from flopcast.analyzer.interpreter import Decisions, RunResult

MAX_PATHS = 64


def explore(run: Callable[[Decisions], RunResult]) -> tuple[list[RunResult], bool]:
    """All paths' results, and whether the path cap cut the exploration short."""
    results: list[RunResult] = []
    pending: list[dict] = [{}]
    seen: set = {frozenset()}
    while pending:
        if len(results) >= MAX_PATHS:
            return results, True
        fixed = pending.pop()
        result = run(Decisions(fixed))
        results.append(result)
        prefix = dict(fixed)
        for site in result.sites:
            if site.key in fixed:
                continue
            for option in site.options[1:]:
                child = dict(prefix)
                child[site.key] = option
                key = frozenset(child.items())
                if key not in seen:
                    seen.add(key)
                    pending.append(child)
            prefix[site.key] = site.options[0]
    return results, False
