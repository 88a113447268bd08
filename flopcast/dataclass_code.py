"""Compiled dataclass methods kept between processes, so a fresh `flopcast` does not compile them again.

Python's ``dataclasses`` writes each generated method (``__init__``, ``__eq__``, ``__hash__``,
``__setattr__`` of a frozen class, ...) as source text and compiles it with ``exec``. flopcast
defines about 150 dataclasses; compiling their ~370 methods was half of the import time of
``flopcast analyze`` (0.1 of 0.2 CPU s on a loaded machine), paid again by every process.

The code a text compiles to depends only on the text and the interpreter's bytecode version, so
the compiled code is kept in the cache folder, one file per bytecode version (``MAGIC_NUMBER``),
keyed by the whole text: a text never seen is compiled as before, so nothing but speed changes.
Only the command-line process installs this; the runtime child that runs a user's estimator does not.
"""

from __future__ import annotations

import atexit
import builtins
import dataclasses
import importlib.util
import marshal
import os
from pathlib import Path
from types import CodeType
from typing import Any


def install() -> None:
    """Route ``dataclasses``' ``exec`` of generated methods through the kept code (once per process)."""
    if "exec" in vars(dataclasses):
        return  # installed already, or someone else replaced it: leave theirs
    from flopcast.installed import cache_dir

    path = cache_dir() / f"dataclass-code-{importlib.util.MAGIC_NUMBER.hex()}.marshal"
    kept = _read(path)
    used: dict[str, bytes] = {}
    added = False

    def exec_kept(source: Any, *args: Any, **kwargs: Any) -> None:
        nonlocal added
        if isinstance(source, str):
            code = _code(kept.get(source))
            if code is None:
                code = compile(source, "<string>", "exec")
                kept[source] = marshal.dumps(code)
                added = True
            used[source] = kept[source]
            source = code
        builtins.exec(source, *args, **kwargs)

    def keep() -> None:
        if added:
            # Texts of classes since edited would pile up: past twice what a process uses, keep
            # only this process's (another command's few extra are compiled again once).
            _write(path, kept if len(kept) <= 2 * len(used) else used)

    dataclasses.exec = exec_kept  # type: ignore[attr-defined]
    atexit.register(keep)


def _read(path: Path) -> dict[str, bytes]:
    """text -> its code, marshalled: each is unmarshalled only when used (a whole dict of code
    objects takes several times longer to load than a dict of bytes)."""
    try:
        kept = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}  # none yet, or unreadable: compile as Python would
    return kept if isinstance(kept, dict) else {}


def _code(marshalled: Any) -> "CodeType | None":
    if not isinstance(marshalled, bytes):
        return None
    try:
        code = marshal.loads(marshalled)
    except (EOFError, ValueError, TypeError):
        return None
    return code if isinstance(code, CodeType) else None


def _write(path: Path, kept: dict[str, bytes]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            marshal.dump(kept, f)
        tmp.replace(path)  # whole or not at all: a concurrent reader never sees half a file
    except OSError:
        pass  # a read-only home only costs the next process the compiling
