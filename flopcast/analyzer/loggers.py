"""Loggers whose level the program set: ``log.isEnabledFor(logging.DEBUG)`` is known.

``log = logging.getLogger("nb"); log.setLevel(logging.DEBUG)`` at import (or in ``setup()``)
makes every ``log.isEnabledFor(logging.DEBUG)`` true in the run: Python answers it from the
logger's own level, or its nearest ancestor's that has one, unless ``logging.disable()`` was
called. Neither whestbench nor flopscope sets a level or calls ``logging.disable()``, so where
the program set a level on the logger or an ancestor below the root (and called
``logging.disable`` only with known levels), the answer is known. A logger that reaches the
root without a level stays a value-dependent answer: the root's level is whatever configured
logging before the run.

A level changed inside ``predict`` (metered code) after an answer was given on this path ends
the path (the next MLP's call would answer otherwise; flopcast does not follow that); one
changed before any answer makes the logger's later answers value-dependent, as before.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Optional

from flopcast.analyzer.values import Known, LibRef, Unknown, Value

#: Logger methods answered here; every other one is the library call it was
METHODS = frozenset({"setLevel", "isEnabledFor", "getEffectiveLevel"})


@dataclass(frozen=True, eq=False)
class LoggerRef(LibRef):
    """``logging.getLogger(name)`` of a known name ("" for the root): a Logger, as before, that
    knows which one."""

    name: str = ""


@dataclass
class Levels:
    """The levels the program set on this path, by logger name (what ``setLevel`` gave)."""

    by_name: dict = field(default_factory=dict)
    disabled: Optional[int] = 0  # logging.disable()'s level (None: not known)
    unsure: set = field(default_factory=set)  # names changed in metered code before any answer
    answered: set = field(default_factory=set)  # names answered on this path
    any_answered: bool = False
    everything_unsure: bool = False  # a logger of a name not known had its level set


#: level names as the installed logging reads them in setLevel("DEBUG") (getLevelNamesMapping()
#: from Python 3.11 on; flopcast runs on 3.10 too). A name the program adds is not here: unsure.
_LEVEL_NAMES = dict(logging._nameToLevel)


def level_of(v: Value, names: bool = True) -> Optional[int]:
    """A level as ``setLevel``/``disable`` read it: an int (``logging.DEBUG``), or with ``names``
    a level's name (``"DEBUG"``; isEnabledFor takes none)."""
    if v.__class__ is Known and type(v.value) is int:
        return v.value
    if v.__class__ is LibRef and v.path.startswith("py:logging.") and v.path.count(".") == 1:
        return _LEVEL_NAMES.get(v.path[len("py:logging."):])
    if names and v.__class__ is Known and type(v.value) is str:
        return _LEVEL_NAMES.get(v.value)
    return None


def get_logger(args: list, kwargs: dict) -> Optional[LoggerRef]:
    """``logging.getLogger(name)`` of a known name, or of none (the root)."""
    if kwargs or len(args) > 1:
        return None
    name = args[0] if args else Known(None)
    if name.__class__ is not Known or not (name.value is None or type(name.value) is str):
        return None
    return LoggerRef("py:logging.Logger", "" if name.value in (None, "root") else name.value)


def _changed(interp, name: Optional[str], span) -> None:
    """A level changed (``name`` None: logging.disable) in metered code: answers given before it
    no longer hold for the next call."""
    levels = interp.logger_levels
    if not interp.metered:
        return
    if name is None and levels.any_answered or name is not None and name in levels.answered:
        interp.unfollowed_change(span, "logging level", "a logger's level changed inside predict after a "
                                 "test of it was answered: a later MLP's call answers otherwise")
    if name is None:
        levels.disabled = None
    else:
        levels.unsure.add(name)


def attribute_set(interp, obj: LibRef, span) -> None:
    """An attribute set on a logger (``log.disabled = True``, ``log.level = 10``) or on the
    logging module: its answers are value-dependent from here on."""
    if obj.__class__ is LoggerRef:
        _changed(interp, obj.name, span)
        interp.logger_levels.unsure.add(obj.name)
    else:
        some_logger_changed(interp, span)


def some_logger_changed(interp, span) -> None:
    """``setLevel`` of a logger whose name flopcast does not know: any logger's level may have changed."""
    levels = interp.logger_levels
    if interp.metered and levels.any_answered:
        interp.unfollowed_change(span, "logging level", "a logger's level changed inside predict after a "
                                 "test of a logger was answered: a later MLP's call may answer otherwise")
    levels.everything_unsure = True


def _effective(levels: Levels, name: str) -> Optional[int]:
    """The level Python's getEffectiveLevel gives, where the program set it on the logger or on an
    ancestor below the root; None otherwise."""
    if levels.everything_unsure:
        return None
    while name:
        if name in levels.unsure:
            return None
        level = levels.by_name.get(name)
        if level:
            return level
        name = name.rpartition(".")[0]
    return None


def call(interp, logger: LoggerRef, method: str, args: list, kwargs: dict, span) -> Value:
    levels = interp.logger_levels
    if method == "setLevel" and len(args) == 1 and not kwargs:
        _changed(interp, logger.name, span)
        level = level_of(args[0])
        if level is None:
            levels.unsure.add(logger.name)
        else:
            levels.by_name[logger.name] = level
        return Known(None)
    effective = _effective(levels, logger.name)
    if method == "getEffectiveLevel" and not args and not kwargs and effective is not None:
        levels.answered.add(logger.name)
        levels.any_answered = True
        return Known(effective)
    asked = level_of(args[0], names=False) if method == "isEnabledFor" and len(args) == 1 and not kwargs else None
    if asked is not None and effective is not None and levels.disabled is not None:
        levels.answered.add(logger.name)
        levels.any_answered = True
        return Known(levels.disabled < asked and asked >= effective)
    return Unknown("", span, f"result of logging.Logger.{method}()")


def disable(interp, args: list, kwargs: dict, span) -> None:
    """``logging.disable(level=CRITICAL)``."""
    _changed(interp, None, span)
    levels = interp.logger_levels
    level = level_of(args[0]) if len(args) == 1 and not kwargs else 50 if not args and not kwargs else None
    if levels.disabled is not None and level is not None:
        levels.disabled = level
    else:
        levels.disabled = None
