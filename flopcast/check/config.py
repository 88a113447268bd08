"""`[tool.flopcast]` in pyproject.toml, and how the command line overrides it.

Keys (either `-` or `_` spelling): select, ignore, round, width, depth, budget,
per-file-ignores. The config is the nearest pyproject.toml with a
`[tool.flopcast]` table found walking up from the checked path (as ruff does),
or the file given by `--config`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from flopcast.check.source import CheckUsageError
from flopcast.point import int_expression

KNOWN_KEYS = ("select", "ignore", "round", "width", "depth", "budget", "per-file-ignores")


@dataclass(frozen=True)
class Config:
    select: Optional[tuple[str, ...]] = None
    ignore: Optional[tuple[str, ...]] = None
    round: Optional[str] = None
    width: Optional[int] = None
    depth: Optional[int] = None
    budget: Optional[int] = None
    #: glob (relative to the config's folder) -> codes ignored in matching files
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: the pyproject.toml it was read from (None: defaults)
    source: Optional[Path] = None

    @property
    def root(self) -> Optional[Path]:
        return self.source.parent if self.source else None


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise CheckUsageError(f"cannot read {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CheckUsageError(f"{path}: invalid TOML: {exc}") from exc


def find_config(start: Path) -> Optional[Path]:
    """The nearest pyproject.toml at or above `start` that has a [tool.flopcast] table."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and "flopcast" in _read_toml(candidate).get("tool", {}):
            return candidate
    return None


def load_config(path: Path) -> Config:
    data = _read_toml(path)
    table = data.get("tool", {}).get("flopcast")
    if table is None:
        return Config(source=path)
    if not isinstance(table, dict):
        raise CheckUsageError(f"{path}: [tool.flopcast] must be a table")
    where = f"{path} [tool.flopcast]"
    values: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = raw_key.replace("_", "-")
        if key not in KNOWN_KEYS:
            raise CheckUsageError(f"{where}: unknown key {raw_key!r}; known keys: {', '.join(KNOWN_KEYS)}")
        values[key] = value
    return Config(
        select=_codes(values.get("select"), where, "select"),
        ignore=_codes(values.get("ignore"), where, "ignore"),
        round=_string(values.get("round"), where, "round"),
        width=_int(values.get("width"), where, "width"),
        depth=_int(values.get("depth"), where, "depth"),
        budget=_int(values.get("budget"), where, "budget"),
        per_file_ignores={
            str(glob): _codes(codes, where, f"per-file-ignores.{glob}") or ()
            for glob, codes in _table(values.get("per-file-ignores"), where).items()
        },
        source=path,
    )


def _codes(value: Any, where: str, key: str) -> Optional[tuple[str, ...]]:
    from flopcast.check.rules import BY_CODE
    from flopcast.check.selection import validate

    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise CheckUsageError(f"{where}: {key} must be a list of rule codes, e.g. [\"FC1\", \"FC201\"]")
    return validate(value, BY_CODE, f"{where} {key}")


def _int(value: Any, where: str, key: str) -> Optional[int]:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, str):
        try:
            return int_expression(value)
        except ValueError:
            pass
    raise CheckUsageError(f"{where}: {key} must be an integer (or a string like \"2**41\"), not {value!r}")


def _string(value: Any, where: str, key: str) -> Optional[str]:
    if value is None or isinstance(value, str):
        return value
    raise CheckUsageError(f"{where}: {key} must be a string, e.g. \"v2-phase2\"")


def _table(value: Any, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CheckUsageError(f"{where}: per-file-ignores must be a table of glob = [codes]")
    return value
