"""Number formatting shared by messages and outputs."""

from __future__ import annotations

from flopcast.model import Point


def flops(n: float) -> str:
    return f"{int(n):,}"


def share(part: float, whole: float) -> str:
    if whole <= 0:
        return "n/a"
    pct = 100.0 * part / whole
    return f"{pct:.1f}%" if pct >= 0.1 else f"{pct:.2g}%"


def where_point(point: Point) -> str:
    name = f"{point.tag}, " if point.tag else ""
    return f"{name}{point.width}x{point.depth}"

