"""An estimator's paths explored both ways, to compare: as flopcast explores them (separable
sites and stages first, within the path cap) and every combination of options (up to 4,096)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

from flopcast.analyzer.api import _runner, run_point
from flopcast.analyzer.paths import Exploration, explore
from flopcast.analyzer.program import estimator_class, load_program
from flopcast.analyzer.repeats import SharedCalls
from flopcast.model import Point

if TYPE_CHECKING:
    from flopcast.analyzer.lasting import LastingCalls


def both_ways(path: Path, point: Point, share_calls: bool = False) -> tuple[Exploration, Exploration]:
    """``share_calls``: each exploration's runs reuse the calls its earlier runs recorded, as
    `analyze`'s do (repeats.SharedCalls; tests/test_shared_calls.py holds every path the same
    as with none shared): a corpus file whose every path re-runs a planner is then enumerated
    in a third of the time."""
    program = load_program(path)
    cls = estimator_class(program, None)

    def run():
        return _runner(program, cls, point, True, shared=SharedCalls() if share_calls else None)

    return explore(run()), explore(run(), max_paths=4096, separable=False)


def interval(explored: Exploration) -> tuple[int, int]:
    """The (lowest, highest) total an exploration gives."""
    if explored.combined is not None:
        return explored.combined
    totals = [r.total for r in explored.results] + list(explored.priced or ())
    return min(totals), max(totals)


def paths_of(program, point: Point) -> tuple[list, int]:
    """Every path of an analysis (run_point as analyze_program makes it), and what was interpreted."""
    explored = run_point(program, estimator_class(program, None), point, True, share_calls=True)
    paths = [(r.chosen, [(c.span, c.op, c.flops, c.dtype, c.function) for c in r.charges],
              [s.key for s in r.sites], r.spent, r.inclusive, r.calls, r.compares,
              sorted((n.lineno, n.col_offset) for n in r.entered), r.raised, r.unpriced, r.notes, r.uncertain)
             for r in explored.results]
    return paths, sum(r.work for r in explored.results)


def kept_program(path: Path, store: "LastingCalls", source: Optional[str] = None):
    """The program of ``path`` (or of ``source`` read there) keeping its calls in ``store``."""
    program = load_program(path, source)
    program.lasting = store
    return program
