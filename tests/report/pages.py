"""Pages made once per test session (each is a dozen analyses), shared by the report tests."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flopcast.model import Point
from flopcast.report.gather import Gathered, gather
from flopcast.report.page import Page, build_page
from source_lines import line_of

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
#: Small points keep the analyses fast; a small budget keeps the fitted width and depth small.
SMALL = Point(32, 2, 10**7)
#: The page's own CPU allowance for its curves (one second) leaves points out on a loaded
#: machine; the tests check what the curves show, so they give them all the time they need.
CURVE_SECONDS = 60.0


@lru_cache(maxsize=None)
def gathered(sample: str, point: Point = SMALL) -> Gathered:
    return gather(str(SAMPLES / sample), point, curve_seconds=CURVE_SECONDS)


@lru_cache(maxsize=None)
def page(sample: str, point: Point = SMALL) -> Page:
    return build_page(gathered(sample, point))


def line(p: Page, file_suffix: str, number: int):
    f = next(f for f in p.files if f.path.endswith(file_suffix))
    return f.lines[number - 1]

