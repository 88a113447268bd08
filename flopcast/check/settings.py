"""One check target's effective settings: the command line over its config over defaults.

Shared by `flopcast check` and its `--fix` path (which must not import each other).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from flopcast.check.config import Config, find_config, load_config
from flopcast.check.rules import BY_CODE
from flopcast.check.selection import Selection, parse_codes
from flopcast.check.source import CheckUsageError
from flopcast.model import Point


@dataclass(frozen=True)
class Settings:
    """One target's effective settings: the command line over its config over defaults."""

    selection: Selection
    point: Point
    config: Config


def settings_for(path: str, ns: argparse.Namespace) -> Settings:
    from flopcast.installed import resolve_point

    explicit = getattr(ns, "config", None)
    if explicit:
        config_path = Path(explicit)
        if not config_path.is_file():
            raise CheckUsageError(f"--config {explicit}: no such file")
        config = load_config(config_path)
    else:
        found = find_config(Path(path))
        config = load_config(found) if found else Config()
    select = parse_codes(getattr(ns, "select", None), BY_CODE, "--select")
    ignore = parse_codes(getattr(ns, "ignore", None), BY_CODE, "--ignore")
    selection = Selection(
        select=select if select is not None else (config.select if config.select is not None else ("FC",)),
        ignore=ignore if ignore is not None else (config.ignore or ()),
    )
    point = resolve_point(
        _first(getattr(ns, "round_tag", None), config.round),
        _first(getattr(ns, "width", None), config.width),
        _first(getattr(ns, "depth", None), config.depth),
        _first(getattr(ns, "budget", None), config.budget),
    )
    return Settings(selection, point, config)


def _first(*values):
    return next((v for v in values if v is not None), None)
