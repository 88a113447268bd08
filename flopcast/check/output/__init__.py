"""Output formats of `flopcast check`: text (ruff's concise style), json, sarif, github.

json and sarif are stable, versioned surfaces; text and github follow their
conventions (text is for people: do not parse it).
"""

from __future__ import annotations

from typing import Callable

from flopcast.check.output import github, json_format, sarif, text
from flopcast.check.output.common import Results

RENDERERS: dict[str, Callable[[Results], str]] = {
    "text": text.render,
    "json": json_format.render,
    "sarif": sarif.render,
    "github": github.render,
}

__all__ = ["RENDERERS", "Results"]
