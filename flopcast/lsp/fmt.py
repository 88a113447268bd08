"""Fixed-width number formatting for hints, so they do not jitter while typing.

Every FLOP count is 3 significant digits and a two-digit exponent ("2.15e09", seven
characters whatever the value); a budget share is seven characters ("  4.21%",
" 0.031%", "<0.001%"). Padding uses FIGURE SPACE (U+2007), which is as wide as a
digit in proportional fonts too, so a hint keeps its width when its value changes.
"""

from __future__ import annotations

FIGURE_SPACE = "\u2007"


def flops(n: int) -> str:
    """A FLOP count in seven characters: ``2.15e09``; exact below 1000 (``  512``, padded)."""
    if n < 1000:
        return f"{n:>7d}".replace(" ", FIGURE_SPACE)
    mantissa, exponent = f"{n:.2e}".split("e")
    if mantissa == "10.00":  # rounding can carry into the next decade
        mantissa, exponent = "1.00", str(int(exponent) + 1)
    return f"{mantissa}e{int(exponent):02d}"


def share(part: int, whole: int) -> str:
    """``part`` as a share of ``whole`` in seven characters: `` 4.21%``, ``0.031%``, ``<0.001%``.

    Three significant digits down to 0.001%: one line of a 2**41 budget is often
    far below 1%, and "<0.1%" everywhere would say nothing.
    """
    if whole <= 0:
        return "?%".rjust(7).replace(" ", FIGURE_SPACE)
    pct = 100.0 * part / whole
    if pct == 0:
        text = "0%"
    elif pct < 0.001:
        text = "<0.001%"
    elif pct < 1:
        text = f"{pct:.3f}%"
    elif pct < 10:
        text = f"{pct:.2f}%"
    elif pct < 100:
        text = f"{pct:.1f}%"
    else:
        text = f"{pct:.0f}%"
    return text.rjust(7).replace(" ", FIGURE_SPACE)


def grouped(n: int) -> str:
    """Exact, with thousands separators, for hovers and lenses."""
    return f"{n:,}"


def interval(lo: int, hi: int) -> str:
    return grouped(lo) if lo == hi else f"{grouped(lo)} … {grouped(hi)}"
