"""The nominal number: the one path on which no safety net fires.

Each value-dependent site carries the option a presumption gives it (``Site.presumed``,
set where the interpreter creates the site; see presumptions.py). The nominal path is
the run that takes those options; it has a number only when every site it meets is
covered by a presumption and the path is fully priced. The interval stays the sound
answer; the nominal number is the likely one, with its presumptions listed by line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from flopcast.analyzer.decisions import Decisions, Site
from flopcast.analyzer.interpreter import RunResult
from flopcast.model import Span


class NominalDecisions(Decisions):
    """Takes every site's presumed option; remembers the presumptions and the sites none covers."""

    def __init__(self):
        super().__init__({})
        self.presumes: list[tuple[Span, str]] = []
        self.uncovered: list[Site] = []

    def choose(self, site: Site, spent: int = 0):
        if site.key not in self.chosen:
            if site.presumed is not None and site.presumed in site.options:
                self.fixed[site.key] = site.presumed
                self.presumes.append((site.span, site.presumption))
            else:
                self.uncovered.append(site)
        return super().choose(site, spent)


@dataclass
class Nominal:
    total: Optional[int]  # None: no nominal number (see ``why_not``)
    presumes: list[tuple[Span, str]] = field(default_factory=list)
    why_not: list[tuple[Optional[Span], str]] = field(default_factory=list)


def nominal(run: Callable[[Decisions], RunResult]) -> Nominal:
    decisions = NominalDecisions()
    result = run(decisions)
    why_not: list[tuple[Optional[Span], str]] = [
        (site.span, f"{site.reason}; no presumption covers it (pin it with `# flopcast: assume ...`)")
        for site in decisions.uncovered]
    for u in result.unpriced:
        why_not.append((u.span, f"{u.what} is not priced on the nominal path ({u.reason})"))
    return Nominal(None if why_not else result.total, decisions.presumes, why_not)
