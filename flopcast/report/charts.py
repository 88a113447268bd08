"""The two cost curves as inline SVG, drawn by matplotlib's SVG backend.

matplotlib because it is the maintained standard, draws log axes and bands well and
writes real SVG (text stays text with ``svg.fonttype = none``); it is imported here
only (about 0.3 s), never by ``analyze`` or ``check``. Elements the tests and the
page's script look for carry ids (matplotlib's ``gid``): ``{axis}-budget``,
``{axis}-point``, ``{axis}-fit``, ``{axis}-band``.
"""

from __future__ import annotations

import io
import re
from typing import Optional

from flopcast.report.curves import Curve

# ColorBrewer-like, readable in grey scale too: the curve is solid with dots, the budget dashed.
_CURVE = "#1f4e79"
_BAND = "#9ecae1"
_BUDGET = "#b10026"
_FIT = "#2b7a2b"

_SYMBOL = {"width": "w", "depth": "d"}


def _matplotlib():
    import matplotlib

    matplotlib.use("svg", force=False)
    from matplotlib.figure import Figure

    matplotlib.rcParams.update({
        "svg.fonttype": "none",  # text as <text>, selectable and searchable
        "svg.hashsalt": "flopcast",  # stable ids: the same page twice is the same bytes
        "font.size": 9,
        "font.family": "sans-serif",
        "axes.formatter.use_mathtext": False,
    })
    return Figure


def chart_svg(curve: Curve) -> str:
    """One curve as an ``<svg>`` element (no XML prolog), sized by CSS."""
    Figure = _matplotlib()
    fig = Figure(figsize=(5.6, 3.4))
    # A fixed layout: constrained layout measures every text twice and costs more than the plot.
    fig.subplots_adjust(left=0.12, right=0.98, top=0.97, bottom=0.14)
    ax = fig.add_subplot()
    sym = _SYMBOL[curve.axis]
    other = "d" if curve.axis == "width" else "w"
    points = [p for p in curve.points if p.total.hi > 0]
    xs = [p.value for p in points]
    his = [p.total.hi for p in points]
    los = [max(p.total.lo, 1) for p in points]
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    if any(p.total.lo != p.total.hi for p in points):
        band = ax.fill_between(xs, los, his, color=_BAND, alpha=0.6, linewidth=0,
                               label="depends on values: [min, max]")
        band.set_gid(f"{curve.axis}-band")
        ax.plot(xs, los, color=_CURVE, linewidth=1, linestyle=":")
    line, = ax.plot(xs, his, color=_CURVE, marker="o", markersize=3.5, linewidth=1.6,
                    label="predicted FLOPs" + (" (max)" if any(p.total.lo != p.total.hi for p in points) else ""))
    line.set_gid(f"{curve.axis}-curve")
    hollow = [p for p in points if p.lower_bound]
    if hollow:
        ax.plot([p.value for p in hollow], [p.total.hi for p in hollow], linestyle="none", marker="o",
                markersize=7, markerfacecolor="white", markeredgecolor=_CURVE, label="lower bound (unpriced ops)")
    budget = ax.axhline(curve.budget, color=_BUDGET, linestyle="--", linewidth=1.4, label=f"budget {_short(curve.budget)}")
    budget.set_gid(f"{curve.axis}-budget")
    here = next((p for p in points if p.value == curve.analysed), None)
    if here is not None:
        mark, = ax.plot([here.value], [here.total.hi], linestyle="none", marker="D", markersize=8,
                        markerfacecolor="#ffb000", markeredgecolor="black", label=f"analysed: {sym} = {here.value:,}")
        mark.set_gid(f"{curve.axis}-point")
    fit = curve.fit
    if fit is not None and fit.value is not None and not fit.unbounded:
        vline = ax.axvline(fit.value, color=_FIT, linestyle="-.", linewidth=1.2,
                           label=f"largest {sym} that fits: {fit.value:,}" + ("" if fit.confirmed else " (formula)"))
        vline.set_gid(f"{curve.axis}-fit")
    _plain_ticks(ax)
    ax.set_xlabel(f"{curve.axis} {sym}  ({other} = {curve.fixed:,})")
    ax.set_ylabel("FLOPs")
    ax.grid(True, which="major", color="#dddddd", linewidth=0.6)
    ax.legend(loc="upper left", fontsize=7.5, frameon=True)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    return _inline(buffer.getvalue(), curve.axis)


_SUPER = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _short(n: int) -> str:
    """2⁴¹ for a power of two, else three significant digits: 1.5×10¹²."""
    if n > 0 and n & (n - 1) == 0 and n >= 1024:
        return f"2{str(n.bit_length() - 1).translate(_SUPER)}"
    text = f"{n:.3g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return f"{mantissa}×10{str(int(exponent)).translate(_SUPER)}"


def _plain_ticks(ax) -> None:
    """Tick labels as plain text (1,024 and 10¹²): matplotlib's default log labels go
    through mathtext, whose parser costs more than the rest of the chart."""
    import math

    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    def power_of_ten(v, _pos) -> str:
        if v <= 0:
            return ""
        e = round(math.log10(v))
        return f"10{str(e).translate(_SUPER)}" if abs(math.log10(v) - e) < 1e-9 else ""

    ax.yaxis.set_major_formatter(FuncFormatter(power_of_ten))
    ax.yaxis.set_minor_locator(NullLocator())  # each minor tick is artists to lay out and draw
    low, high = ax.get_xlim()
    ticks = [2 ** k for k in range(0, 63) if low <= 2 ** k <= high]
    ax.xaxis.set_major_locator(FixedLocator(ticks if len(ticks) <= 8 else ticks[:: -(-len(ticks) // 8)]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{int(round(v)):,}"))
    ax.xaxis.set_minor_locator(NullLocator())


def _inline(svg: str, prefix: str) -> str:
    """Drop the XML prolog and doctype; make matplotlib's element ids unique on the page."""
    start = svg.index("<svg")
    svg = svg[start:]
    svg = re.sub(r'\bid="(?!%s-)([^"]+)"' % prefix, rf'id="{prefix}-\1"', svg)
    svg = re.sub(r'(xlink:href|href)="#(?!%s-)([^"]+)"' % prefix, rf'\1="#{prefix}-\2"', svg)
    svg = re.sub(r'url\(#(?!%s-)([^)]+)\)' % prefix, rf'url(#{prefix}-\1)', svg)
    return re.sub(r'<svg ', f'<svg role="img" aria-labelledby="{prefix}-title" ', svg, count=1)


def charts(curves: list[Curve]) -> dict[str, Optional[str]]:
    """axis -> SVG (None for a curve with no point, e.g. the analysis failed everywhere)."""
    return {c.axis: chart_svg(c) if any(p.total.hi > 0 for p in c.points) else None for c in curves}
