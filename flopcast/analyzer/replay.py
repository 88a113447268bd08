"""Replaying decisions observed in a small run at the analysed point (``--calibrate``).

A run at a small point (``flopcast.runtime.calibrate``) records, at every value-dependent
site, the outcome of each execution in order. :class:`ReplayDecisions` answers the
interpreter's questions at the analysed point from those records, by these rules:

* a condition or a raise point replays execution by execution; past the observed
  executions (a loop over layers that runs more often at the target) an all-same record
  stays all-same, a mixed one is spread at its observed share (approximate);
* a `while` condition replays each entry's observed trip count; entries past the
  observed ones reuse the last trip count (a convergence loop: approximate);
* a size or an integer read from data keeps its observed place between the site's
  bounds (``lo + share × (hi − lo)``), approximate unless the bounds are the same at both
  points; without a bound it is reused as observed (approximate);
* a site the small run never reached takes the interpreter's first option (approximate);
* a site whose answer turns on rounding that grows with the size (a float32 product's
  symmetry check in flopscope) is replayed by the rules above but always approximate.

The result is a single path, labelled "calibrated", never "exact".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Optional

from flopcast.analyzer.decisions import Decisions, Site
from flopcast.model import Span


@dataclass
class SiteReplay:
    """What was observed at one site and how it was carried to the analysed point."""

    span: Span
    kind: str
    observed: list  # the small run's outcomes, in order
    used: list = field(default_factory=list)  # what the replay answered, in order
    approximate: bool = False
    rule: str = ""

    def summary(self) -> str:
        if self.kind == "loop" and self.observed:
            trips = _trip_counts(self.observed)
            return f"{len(trips)} entr{'y' if len(trips) == 1 else 'ies'}, trip counts " + _summarise(trips)
        return _summarise(self.observed)


def _summarise(outcomes: list) -> str:
    if not outcomes:
        return "not reached"
    if all(isinstance(o, bool) for o in outcomes):
        trues = sum(outcomes)
        if trues in (0, len(outcomes)):
            return f"{'true' if trues else 'false'} ×{len(outcomes)}"
        return f"true {trues} of {len(outcomes)}"
    shown = ", ".join(str(o) for o in outcomes[:6])
    return f"{shown}{', …' if len(outcomes) > 6 else ''}"


_ROUNDING = " (the answer turns on rounding, which grows with the size: approximate)"


class ReplayDecisions(Decisions):
    """Decisions taken from observed outcomes, one answer per execution."""

    #: Answers may differ from one execution of a site to the next: the interpreter must
    #: not assume that a repeated state repeats its decisions (steady loops, reused calls).
    per_execution = True

    def __init__(self, observed: dict[tuple, list], small_bounds: dict[tuple, tuple]):
        super().__init__()
        self.observed = observed  # (span, kind) -> outcomes at the small point
        self.small_bounds = small_bounds  # site key -> (lo, hi) at the small point
        self.replays: dict[tuple, SiteReplay] = {}
        self._loop_entry: dict[tuple, list] = defaultdict(lambda: [0, 0])  # key -> [entry, iteration]

    def choose(self, site: Site, spent: int = 0, stop=None):
        # (``stop``, the later work's state at a stop site, is not read: every execution here is
        # answered as observed, so no stop is assumed alike to watch for a change)
        if site.key not in self.chosen:
            self.seen.append(site)
            self.chosen[site.key] = site.options[0]
            self.spent[site.key] = spent
        observed = self.observed.get((site.span, site.kind), [])
        replay = self.replays.get(site.key)
        if replay is None:
            replay = self.replays[site.key] = SiteReplay(site.span, site.kind, observed)
        answer = self._answer(site, replay)
        replay.used.append(answer)
        return answer

    def _answer(self, site: Site, replay: SiteReplay) -> Any:
        answer = self._replayed(site, replay)
        if site.rounding and replay.observed:
            # Whether a float32 product passes flopscope's symmetry check depends on rounding that
            # grows with the width and the layers: the small run's answers are evidence, not a replay.
            replay.approximate = True
            if _ROUNDING not in replay.rule:
                replay.rule += _ROUNDING
        return answer

    def _replayed(self, site: Site, replay: SiteReplay) -> Any:
        observed = replay.observed
        i = len(replay.used)
        if not observed:
            replay.approximate, replay.rule = True, "not reached by the small run: first option"
            return site.options[0]
        if site.kind == "loop":
            return self._loop(site, replay)
        if site.kind == "shape":
            return self._size(site, replay, i)
        if i < len(observed):
            replay.rule = replay.rule or "replayed execution by execution"
            return bool(observed[i])
        share = sum(bool(o) for o in observed) / len(observed)
        if share in (0.0, 1.0):
            replay.rule = "all executions alike: kept alike"
            return share == 1.0
        replay.approximate, replay.rule = True, f"mixed: spread at the observed share {share:.0%}"
        return int((i + 1) * share) > int(i * share)

    def _loop(self, site: Site, replay: SiteReplay) -> bool:
        trips = _trip_counts(replay.observed)
        state = self._loop_entry[site.key]
        entry, iteration = state
        if entry < len(trips):
            trip = trips[entry]
        else:
            trip = trips[-1] if trips else 0
        replay.approximate = True
        replay.rule = "trip counts reused per entry of the loop"
        if iteration < trip:
            state[1] += 1
            return True
        state[0], state[1] = entry + 1, 0
        return False

    def _size(self, site: Site, replay: SiteReplay, i: int) -> Any:
        values = [o for o in replay.observed if isinstance(o, int) and not isinstance(o, bool)]
        if not values:
            replay.approximate, replay.rule = True, "nothing countable observed: first option"
            return site.options[0]
        value = values[i] if i < len(values) else values[-1]
        target = site_bounds(site)
        small = self.small_bounds.get(site.key)
        if target is None:
            return site.options[0]
        lo_t, hi_t = target
        if small is not None and small == target and i < len(values):
            # The bounds agree, the data need not: the target's own weights may choose otherwise.
            replay.approximate = True
            replay.rule = replay.rule or "same bounds at both points: replayed as observed"
            mapped = value
        elif small is not None and None not in small and None not in target and small[1] > small[0]:
            share = (value - small[0]) / (small[1] - small[0])
            mapped = lo_t + round(share * (hi_t - lo_t))
            replay.approximate, replay.rule = True, "kept its share of the bounds"
        else:
            mapped = value
            replay.approximate, replay.rule = True, "no bound to scale by: reused as observed"
        if lo_t is not None:
            mapped = max(mapped, lo_t)
        if hi_t is not None:
            mapped = min(mapped, hi_t)
        return mapped


def site_bounds(site: Site) -> Optional[tuple]:
    """The range a size or data-read integer site can take at the point it was met."""
    if site.bounds is not None:
        return site.bounds
    numbers = [o for o in site.options if isinstance(o, int) and not isinstance(o, bool)]
    return (min(numbers), max(numbers)) if len(numbers) == 2 else None


def _trip_counts(outcomes: list) -> list[int]:
    trips, run = [], 0
    for o in outcomes:
        if o:
            run += 1
        else:
            trips.append(run)
            run = 0
    if run:
        trips.append(run)
    return trips
