"""Reading the numbers of an analysis point as people write them.

The CLI's ``--budget``, ``[tool.flopcast]`` in pyproject.toml and the editor's
settings all accept the same spellings, so they share this one parser.
"""

from __future__ import annotations


def int_expression(text: str) -> int:
    """Accept 2**41, 1e12 and 2_199_023_255_552 as integers (budgets, widths, depths).

    Raises ValueError with a message for people when the text is none of these.
    """
    cleaned = text.replace("_", "")
    try:
        if "**" in cleaned:
            base, exp = cleaned.split("**", 1)
            return int(base) ** int(exp)
        if "e" in cleaned.lower():
            return int(float(cleaned))
        return int(cleaned)
    except (ValueError, OverflowError):  # OverflowError: 1e999 is infinite
        raise ValueError(f"not an integer: {text!r} (try 2199023255552 or 2**41)") from None
