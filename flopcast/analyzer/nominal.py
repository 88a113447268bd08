"""The nominal number: the one path on which no safety net fires.

Each value-dependent site carries the option a presumption gives it (``Site.presumed``,
set where the interpreter creates the site; see presumptions.py). The nominal path is
the run that takes those options; it has a number only when every site it meets is
covered by a presumption and the path is fully priced, or when the sites none covers
cost the same whichever way they go (``mlp.seed or 1234``, ``a / d if d > 0 else 1.0``):
every path that keeps the presumptions and answers those sites any way is then run, up to
MAX_NEUTRAL_RUNS of them. The interval stays the sound answer; the nominal number is the
likely one, with its presumptions listed by line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from flopcast.analyzer.decisions import Decisions, Site
from flopcast.analyzer.interpreter import RunResult
from flopcast.model import Span

#: The most extra runs made to show that the sites no presumption covers are cost-neutral.
MAX_NEUTRAL_RUNS = 8


class NominalDecisions(Decisions):
    """Takes every site's presumed option; remembers the presumptions and the sites none covers."""

    def __init__(self, fixed: Optional[dict] = None):
        super().__init__(fixed)
        self.presumes: list[tuple[Span, str]] = []
        self.uncovered: list[Site] = []

    def take(self, site: Site, spent: int = 0):
        if site.key not in self.chosen:
            if site.key in self.fixed:
                pass  # an uncovered site answered one way by _neutral's enumeration
            elif site.presumed is not None and site.presumed in site.options:
                self.fixed[site.key] = site.presumed
                self.presumes.append((site.span, site.presumption))
            else:
                self.uncovered.append(site)
        return super().take(site, spent)


@dataclass
class Nominal:
    total: Optional[int]  # None: no nominal number (see ``why_not``)
    presumes: list[tuple[Span, str]] = field(default_factory=list)
    why_not: list[tuple[Optional[Span], str]] = field(default_factory=list)


def reusing(run: Callable[[Decisions], RunResult], results: list[RunResult],
            once: bool = False) -> Callable[[Decisions], RunResult]:
    """``run``, answered by one of ``results`` (runs of the same program at the same point)
    that took, at every site it met, the option the decisions would take there: the
    interpreter is deterministic, so such a run is the run these decisions make. With
    ``once``, a result answers once (it is taken out of ``results``)."""

    def run_or_reuse(decisions: Decisions) -> RunResult:
        for result in results:
            if result.chosen is not None and _replays(type(decisions)(dict(decisions.fixed)), result):
                _replays(decisions, result)  # the decisions as the run would have left them
                if once:
                    results.remove(result)
                return result
        return run(decisions)

    def ahead(batch):
        # Only the runs none of ``results`` answers are worth making ahead (paths.py, api.py).
        if hasattr(run, "ahead"):
            run.ahead(None if batch is None else [d for d in batch if not any(
                r.chosen is not None and _replays(type(d)(dict(d.fixed)), r) for r in results)])

    run_or_reuse.ahead = ahead
    return run_or_reuse


def _replays(decisions: Decisions, result: RunResult) -> bool:
    """Whether ``decisions``, asked at ``result``'s sites in the order it met them (with what it
    had spent there), answer as it did."""
    return all(decisions.take(site, result.spent[site.key]) == result.chosen[site.key] for site in result.sites)


def nominal(run: Callable[[Decisions], RunResult]) -> Nominal:
    decisions = NominalDecisions()
    result = run(decisions)
    if decisions.uncovered and not result.unpriced and not result.filter_exits:
        neutral = _neutral(run, decisions, result)
        if neutral is not None:
            return Nominal(result.total, decisions.presumes + neutral, [])
    why_not: list[tuple[Optional[Span], str]] = [
        (site.span, f"{site.reason}; no presumption covers it (pin it with `# flopcast: assume ...`)")
        for site in decisions.uncovered]
    for span in dict.fromkeys(result.filter_exits):
        why_not.append((span, "a loop's exit tests the size of a selection by a threshold filter: a convergence "
                              "test, not a safety net (pin the selection's count with `# flopcast: assume ...`)"))
    for u in result.unpriced:
        why_not.append((u.span, f"{u.what} is not priced on the nominal path ({u.reason})"))
    return Nominal(None if why_not else result.total, decisions.presumes, why_not)


def _neutral(run: Callable[[Decisions], RunResult], first: NominalDecisions,
             result: RunResult) -> Optional[list[tuple[Span, str]]]:
    """When every answer of the uncovered sites (the presumptions kept) gives a fully priced
    path with the first path's total, those sites as presumptions ("costs the same either
    way"); else None. Paths are enumerated depth-first, at most MAX_NEUTRAL_RUNS runs."""
    if result.unbounded is not None or result.bounding is not None:
        return None
    uncovered = {s.key: s for s in first.uncovered}
    todo = [{s.key: opt} for s in first.uncovered for opt in s.options if opt != first.chosen[s.key]]
    seen = {frozenset(f.items()) for f in todo}
    runs = 0
    while todo:
        if runs == MAX_NEUTRAL_RUNS:
            return None
        fixed = todo.pop()
        decisions = NominalDecisions(fixed)
        other = run(decisions)
        runs += 1
        if (other.total != result.total or other.unpriced or other.unbounded is not None
                or other.bounding is not None or (other.failed is None) != (result.failed is None)):
            return None
        for site in decisions.uncovered:
            uncovered.setdefault(site.key, site)
            for opt in site.options:
                more = {**fixed, site.key: opt}
                if opt != decisions.chosen[site.key] and frozenset(more.items()) not in seen:
                    seen.add(frozenset(more.items()))
                    todo.append(more)
    return [(s.span, f"{s.reason}: every answer costs the same") for s in uncovered.values()]
