"""The server's settings: where the analysis point comes from, and which hints to show.

Precedence for the point, per document: the client's configuration (section
``flopcast``, from ``initializationOptions`` or ``workspace/didChangeConfiguration``),
else the nearest ``pyproject.toml`` ``[tool.flopcast]`` (the same file `flopcast check`
reads), else whestbench's current round. A key the client leaves out falls through to
the next source, key by key, exactly as `flopcast check`'s command line does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional

from flopcast.model import Point
from flopcast.point import int_expression

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HintKinds:
    """Which parts of a line's inlay hint are shown; each can be switched off."""

    cost: bool = True  # the line's FLOPs at the round, e.g. "2.15e09"
    iterations: bool = True  # "×16 iters" for a line executed several times
    budget: bool = True  # "4.2% of budget"


@dataclass(frozen=True)
class Settings:
    round: Optional[str] = None
    width: Optional[int] = None
    depth: Optional[int] = None
    budget: Optional[int] = None
    hints: HintKinds = field(default_factory=HintKinds)
    code_lens: bool = True
    diagnostics: bool = True
    #: Fit closed forms in w, d in the background (a dozen extra analyses per edit).
    formula: bool = True
    #: Quiet time after the last keystroke before diagnostics are recomputed.
    debounce_ms: int = 300
    scorer_cast: bool = True
    #: "auto" or "WxD": predict's lens also shows the calibrated total (one run per saved text).
    calibrate: Optional[str] = None

    def updated(self, options: Any) -> "Settings":
        """These settings with a client's ``flopcast`` section applied (unknown keys ignored)."""
        if not isinstance(options, dict):
            return self
        if isinstance(options.get("flopcast"), dict):  # a whole configuration object
            options = options["flopcast"]
        new = self
        for key in ("round",):
            if key in options:
                new = replace(new, round=_string(options[key]))
        for key in ("width", "depth", "budget"):
            if key in options:
                new = replace(new, **{key: _integer(options[key])})
        hints = options.get("inlayHints", options.get("hints"))
        if isinstance(hints, dict):
            new = replace(new, hints=HintKinds(
                cost=bool(hints.get("cost", new.hints.cost)),
                iterations=bool(hints.get("iterations", new.hints.iterations)),
                budget=bool(hints.get("budget", new.hints.budget)),
            ))
        elif hints is False:
            new = replace(new, hints=HintKinds(False, False, False))
        for key, attr in (("codeLens", "code_lens"), ("diagnostics", "diagnostics"),
                          ("formula", "formula"), ("scorerCast", "scorer_cast")):
            if key in options:
                new = replace(new, **{attr: bool(options[key])})
        if "calibrate" in options:
            new = replace(new, calibrate=_calibrate(options["calibrate"]))
        if "debounceMs" in options:
            value = _integer(options["debounceMs"])
            if value is not None:
                new = replace(new, debounce_ms=max(0, value))
        return new


def _calibrate(value: Any) -> Optional[str]:
    """Off (the default) for false, null, "" and "off"; true means "auto"; else "auto" or "WxD"."""
    if value is True:
        return "auto"
    if not isinstance(value, str) or value.strip().lower() in ("", "off", "false"):
        return None
    value = value.strip().lower()
    if value == "auto":
        return value
    from flopcast.runtime.calibrate import CalibrationError, parse_size

    try:
        width, depth = parse_size(value)
    except CalibrationError:
        log.warning("flopcast: ignoring setting calibrate=%r (write \"auto\" or WIDTHxDEPTH, e.g. \"32x2\")", value)
        return None
    return f"{width}x{depth}"


def _string(value: Any) -> Optional[str]:
    return value if isinstance(value, str) and value else None


def _integer(value: Any) -> Optional[int]:
    """Accept 2199023255552, "2**41", "2_199_023_255_552" and "1e12" (as the CLI does)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int_expression(value)
        except ValueError:  # a bad setting is ignored, not fatal
            log.warning("flopcast: ignoring setting %r (not an integer)", value)
    return None


@dataclass(frozen=True)
class ProjectPoint:
    """The point keys of the nearest ``[tool.flopcast]``, if any."""

    round: Optional[str] = None
    width: Optional[int] = None
    depth: Optional[int] = None
    budget: Optional[int] = None
    source: Optional[Path] = None
    #: the whole flopcast.check Config (rule selection, per-file ignores) for diagnostics
    config: Any = None


def project_point(path: Path) -> ProjectPoint:
    """Read ``[tool.flopcast]`` the way `flopcast check` does (a broken file is logged, then ignored)."""
    from flopcast.check.config import find_config, load_config

    try:
        found = find_config(path)
        if found is None:
            return ProjectPoint()
        config = load_config(found)
    except Exception as exc:  # CheckUsageError, OSError: the editor keeps working on defaults
        log.warning("flopcast: ignoring [tool.flopcast]: %s", exc)
        return ProjectPoint()
    return ProjectPoint(config.round, config.width, config.depth, config.budget, config.source, config)


def resolve(settings: Settings, project: ProjectPoint) -> Point:
    """The point for one document: client settings, then pyproject, then the current round."""
    from flopcast.installed import resolve_point

    def first(*values):
        return next((v for v in values if v is not None), None)

    return resolve_point(
        first(settings.round, project.round),
        first(settings.width, project.width),
        first(settings.depth, project.depth),
        first(settings.budget, project.budget),
    )
