"""Tie a running frame to a source span in the user's submission.

The interpreter already knows which expression an instruction belongs to:
``code.co_positions()`` gives (line, end_line, col, end_col) per instruction,
and a frame that is calling into flopscope is parked on the CALL / BINARY_OP
instruction of the expression that makes the call. Those are the same
coordinates ``ast`` gives the Call / BinOp node, which is what the static
analyzer emits, so the two sides join without any fuzzy matching.

Everything here is on the hot path of every charge, so the answers are cached:
per filename (is it the user's code, and its resolved path) and per code object
(its position table).
"""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path
from types import CodeType, TracebackType
from typing import Optional

from flopcast.model import Span

# Folders whestbench never ships (packaging.py's built-in ignores), so code in them
# is not the participant's even when it sits inside the submission folder (a
# project-local .venv is the usual case).
_NEVER_SHIPPED = frozenset({".git", ".venv", "venv", "env", "__pycache__", "site-packages", "dist-packages"})


class Locator:
    """Answers "is this frame the user's code, and at which span is it?"."""

    def __init__(self, submission_dir: str | os.PathLike[str]) -> None:
        self.root = str(Path(submission_dir).resolve())
        self._prefix = self.root.rstrip(os.sep) + os.sep
        # Interpreter and installed-package folders: never user code, even if the
        # submission folder happens to contain them.
        self._foreign = tuple(
            str(Path(p).resolve()).rstrip(os.sep) + os.sep
            for key in ("stdlib", "platstdlib", "purelib", "platlib")
            if (p := sysconfig.get_paths().get(key))
        )
        # co_filename -> absolute resolved path when it is user code, else None.
        # Keyed by the filename string, whose hash Python caches, so the lookup per
        # frame is one dict probe. Public because the meter's hot path reads it directly.
        self.files: dict[str, Optional[str]] = {}
        # id(code) -> (code, positions); the code object is kept alive so its id
        # cannot be reused by another code object while this cache exists.
        self._positions: dict[int, tuple[CodeType, list]] = {}

    def user_path(self, filename: str) -> Optional[str]:
        """The resolved path of ``filename`` if it is the user's code, else None."""
        try:
            return self.files[filename]
        except KeyError:
            pass
        path = self._classify(filename)
        self.files[filename] = path
        return path

    def _classify(self, filename: str) -> Optional[str]:
        if not filename or filename.startswith("<"):
            return None  # <string>, <frozen ...>, <stdin>: no file to point at
        try:
            resolved = str(Path(filename).resolve())
        except (OSError, RuntimeError):
            return None
        if not resolved.startswith(self._prefix):
            return None
        if any(resolved.startswith(p) for p in self._foreign):
            return None
        relative_parts = Path(resolved[len(self._prefix):]).parts[:-1]
        if any(part in _NEVER_SHIPPED for part in relative_parts):
            return None
        return resolved

    def span(self, code: CodeType, lasti: int, path: str) -> Span:
        """The span of the instruction at byte offset ``lasti`` of ``code``."""
        entry = self._positions.get(id(code))
        if entry is None:
            entry = (code, list(code.co_positions()))
            self._positions[id(code)] = entry
        positions = entry[1]
        index = lasti // 2  # f_lasti / tb_lasti are byte offsets; one entry per 2-byte code unit
        if 0 <= index < len(positions):
            line, end_line, col, end_col = positions[index]
            if line is not None:
                return Span(
                    path,
                    line,
                    col if col is not None else 0,
                    end_line if end_line is not None else line,
                    end_col if end_col is not None else 0,
                )
        # No position recorded (python -X no_debug_ranges, or synthetic code):
        # fall back to the line the frame reports.
        line = code.co_firstlineno
        return Span(path, line, 0, line, 0)

    def innermost_user_tb(self, tb: Optional[TracebackType]) -> Optional[TracebackType]:
        """The traceback entry of the innermost user frame an exception passed through."""
        found = None
        while tb is not None:
            if self.user_path(tb.tb_frame.f_code.co_filename) is not None:
                found = tb
            tb = tb.tb_next
        return found

    def tb_span(self, tb: TracebackType) -> Span:
        code = tb.tb_frame.f_code
        path = self.user_path(code.co_filename) or code.co_filename
        return self.span(code, tb.tb_lasti, path)

