"""Answers of the installed numpy and flopscope kept on disk, so a later run need not import them.

An analysis asks the libraries small questions (numpy's promotion of two dtypes, whether a
flopscope array has an attribute); importing numpy to answer them is a tenth of a second of a
cold analysis. Each :class:`DiskAnswers` is one JSON file in the user's cache folder, named by
the versions its answers depend on: a new version starts an empty file, so answers never
outlive the library that gave them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable, Optional

from flopcast import installed

_ALL: list["DiskAnswers"] = []


def flush_all() -> None:
    """Write every file's new answers (once per command: each write merges the whole file)."""
    for answers in _ALL:
        answers.flush()


class DiskAnswers:
    """``ask(key, compute)``: the answer kept under ``key``, else ``compute()`` kept for later
    runs (written by :meth:`flush`). Answers must be JSON values."""

    def __init__(self, path: Callable[[], Path]) -> None:
        self._path = path  # called lazily: naming the file reads installed versions
        self._answers: Optional[dict] = None
        self._dirty = False
        _ALL.append(self)

    def ask(self, key: str, compute: Callable[[], Any]) -> Any:
        answers = self._loaded()
        if key not in answers:
            answers[key] = compute()
            self._dirty = True
        return answers[key]

    def get(self, key: str) -> Any:
        """The answer kept under ``key``, or None."""
        return self._loaded().get(key)

    def put(self, key: str, answer: Any) -> None:
        self._loaded()[key] = answer
        self._dirty = True

    def _loaded(self) -> dict:
        if self._answers is None:
            try:
                self._answers = json.loads(self._path().read_text())
            except (OSError, ValueError):
                self._answers = {}
        return self._answers

    def flush(self) -> None:
        if not self._dirty or self._answers is None:
            return
        self._dirty = False
        try:
            path = self._path()
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                # Another process may have written answers since this one read the file: keep them.
                merged = json.loads(path.read_text())
            except (OSError, ValueError):
                merged = {}
            merged.update(self._answers)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(merged))
            tmp.replace(path)
        except OSError:
            pass  # an unwritable cache only costs the next run the libraries' import


#: the installed flopscope's and numpy's answers (``hasattr``, whether two paths name one object,
#: an exception class's bases), kept on disk per their versions
LIBRARY_ANSWERS = DiskAnswers(lambda: installed.cache_dir() / (
    f"library-flopscope-{installed.flopscope_version()}-numpy-{installed.version_of('numpy')}.json"))
