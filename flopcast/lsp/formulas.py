"""Closed forms in w (width) and d (depth) for every line, expression and function.

The whole-estimator formula (``analyze(..., formula=True)``) costs a dozen analyses,
too slow for a keystroke, and says nothing about a single line. So, in the
background after the editor goes quiet, the buffer is analysed on a small grid of
(w, d) and each line's / expression's / function's cost is interpolated by one
polynomial in w and d (degree ≤ 3 in w, ≤ 2 in d). A fit is kept only if it also
reproduces a fresh grid point and the real round's cost exactly; otherwise that key
simply has no formula. The design matrix is the same for every key, so it is
inverted once and each key costs one matrix-vector product.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, Mapping, Protocol

from flopcast.analyzer.formula import Grid, fit_keyed
from flopcast.lsp.costs import fold
from flopcast.lsp.keys import function_key, line_key, span_key
from flopcast.lsp.state import LRU, Analysis, Document
from flopcast.model import Point, Report


class Host(Protocol):
    """What the fits need from the language server: its worker, settings and views."""

    worker: Executor
    settings: Any

    def refresh_views(self) -> None: ...


log = logging.getLogger(__name__)

#: The editor's fixed grid (degree ≤ 3 in w, ≤ 2 in d) and the fresh point every fit must reproduce.
GRID = Grid(widths=(16, 24, 32, 48), depths=(2, 3, 4), fresh=((40, 5),))
#: Seconds of quiet before the fits start (they are a dozen analyses).
QUIET = 1.0


def keyed_totals(report: Report, path: str) -> dict[str, int]:
    """Every cost the editor shows a formula for, by key."""
    costs = fold(report, path)
    out: dict[str, int] = defaultdict(int)
    for s in costs.spans:
        out[span_key(s)] += s.total
    for line, lc in costs.lines.items():
        out[line_key(line)] = lc.total
    for fn in costs.functions:
        if fn.includes_callees:
            if report.exact and not report.unpriced:
                out[function_key(fn.info.qualname)] = report.total.lo
        else:
            out[function_key(fn.info.qualname)] = fn.own
    return dict(out)


def grid_totals(path: str, text: str, point: Point, scorer_cast: bool, w: int, d: int) -> dict[str, int]:
    """One grid point's keyed costs (one analysis; the background job runs them one by one)."""
    from flopcast.analyzer import analyze

    report = analyze(path, Point(w, d, point.budget), source=text, include_scorer_cast=scorer_cast, formula=False)
    return keyed_totals(report, path)


#: Every (w, d) a fit analyses, in the order it reads them.
SAMPLED = (*GRID.points, *GRID.fresh)


def solve(samples: Mapping[tuple[int, int], Mapping[str, int]], point: Point,
          actual: dict[str, int]) -> dict[str, str]:
    """key -> formula for every key whose cost is a polynomial in w, d (checked).

    ``samples`` holds the keyed costs at every point of ``SAMPLED``; a fit must also
    reproduce ``actual``, the costs at the document's own point.
    """
    return fit_keyed([GRID], lambda w, d: samples[(w, d)], actual, known=[((point.width, point.depth), actual)])


def fit(path: str, text: str, point: Point, scorer_cast: bool, actual: dict[str, int]) -> dict[str, str]:
    """All the fits in one go (for tests and the bench; the server runs them in steps)."""
    samples = {(w, d): grid_totals(path, text, point, scorer_cast, w, d) for w, d in SAMPLED}
    return solve(samples, point, actual)


@dataclass
class _Job:
    task: asyncio.Task
    digest: str


class FormulaCache:
    """Background fits per (document, text, point), bounded."""

    def __init__(self, maxsize: int = 16) -> None:
        self.done: LRU[tuple, dict[str, str]] = LRU(maxsize)
        self.jobs: dict[str, _Job] = {}

    @staticmethod
    def key(doc: Document, analysis: Analysis) -> tuple:
        return (doc.path, analysis.digest, doc.point)

    def get(self, doc: Document, analysis: Analysis) -> dict[str, str]:
        return self.done.get(self.key(doc, analysis)) or {}

    def schedule(self, ls: Host, doc: Document, analysis: Analysis) -> None:
        if self.done.get(self.key(doc, analysis)) is not None:
            return
        job = self.jobs.get(doc.uri)
        if job is not None:
            if job.digest == analysis.digest and not job.task.done():
                return
            job.task.cancel()  # superseded by a newer text
        task = asyncio.ensure_future(self._run(ls, doc, analysis))
        self.jobs[doc.uri] = _Job(task, analysis.digest)

    async def _run(self, ls: Host, doc: Document, analysis: Analysis) -> None:
        await asyncio.sleep(QUIET)
        key = self.key(doc, analysis)
        actual = keyed_totals(analysis.report, doc.path)
        loop = asyncio.get_running_loop()
        try:
            # One analysis per executor job, so an edit's analysis queued meanwhile waits
            # for at most one grid point, never for the whole fit.
            samples = {}
            for w, d in SAMPLED:
                samples[(w, d)] = await loop.run_in_executor(
                    ls.worker, grid_totals, doc.path, analysis.text, doc.point, ls.settings.scorer_cast, w, d)
            found = solve(samples, doc.point, actual)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - no formula is fine; a crash is not
            log.info("flopcast: no formulas for %s", doc.path, exc_info=True)
            found = {}
        self.done.put(key, found)
        if found and doc.good is analysis:
            ls.refresh_views()

    def cancel_all(self) -> None:
        for job in self.jobs.values():
            job.task.cancel()
        self.jobs.clear()
