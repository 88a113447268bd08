"""An estimator's paths explored both ways, to compare: as flopcast explores them (separable
sites and stages first, within the path cap) and every combination of options (up to 4,096)."""

from __future__ import annotations

from pathlib import Path

from flopcast.analyzer.api import _runner
from flopcast.analyzer.paths import Exploration, explore
from flopcast.analyzer.program import estimator_class, load_program
from flopcast.model import Point


def both_ways(path: Path, point: Point) -> tuple[Exploration, Exploration]:
    program = load_program(path)
    run = _runner(program, estimator_class(program, None), point, True)
    return explore(run), explore(run, max_paths=4096, separable=False)


def interval(explored: Exploration) -> tuple[int, int]:
    """The (lowest, highest) total an exploration gives."""
    if explored.combined is not None:
        return explored.combined
    totals = [r.total for r in explored.results]
    return min(totals), max(totals)
