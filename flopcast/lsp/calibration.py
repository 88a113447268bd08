"""The ``calibrate`` setting: the calibrated total on predict's code lens, computed off the edit path.

Calibrating runs the estimator (``flopcast analyze --calibrate``), which only the file on
disk can do, and takes seconds. So it runs once per saved text of a file, point and
setting, on open and on save, in a separate ``flopcast`` process: the analysis worker
and the ≤ 20 ms re-analysis path never wait for it. The lens shows the result only while
the analysed buffer is that saved text.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Protocol

from flopcast.lsp.state import LRU, digest
from flopcast.model import Point


class Host(Protocol):
    """What calibration needs from the language server: its settings, a warning, a refresh."""

    settings: Any

    def show_warning(self, message: str) -> None: ...

    def refresh_views(self) -> None: ...


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Calibrated:
    """One finished calibration: the total, where it was observed, or why it failed."""

    total: Optional[int] = None
    observed_at: Optional[str] = None  # "32×2"
    lower_bound: bool = False
    error: Optional[str] = None


class CalibrationCache:
    """Calibrations per (file, saved text, point, scorer cast, size setting), bounded."""

    def __init__(self, maxsize: int = 16) -> None:
        self.done: LRU[tuple, Calibrated] = LRU(maxsize)
        self.jobs: dict[str, tuple[tuple, asyncio.Task]] = {}

    @staticmethod
    def key(path: str, text: str, point: Point, scorer_cast: bool, size: str) -> tuple:
        return (path, digest(text), point, scorer_cast, size)

    def get(self, path: str, text: str, point: Point, scorer_cast: bool, size: Optional[str]) -> Optional[Calibrated]:
        if not size:
            return None
        return self.done.get(self.key(path, text, point, scorer_cast, size))

    def schedule(self, ls: Host, uri: str, path: str, point: Point) -> None:
        """Calibrate the saved file in the background unless already done (or running) for its text."""
        size = ls.settings.calibrate
        if not size:
            return
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError:
            return
        key = self.key(path, text, point, ls.settings.scorer_cast, size)
        if self.done.get(key) is not None:
            return
        job = self.jobs.get(uri)
        if job is not None:
            if job[0] == key and not job[1].done():
                return
            job[1].cancel()  # superseded by a newer save
        task = asyncio.ensure_future(self._run(ls, key, path, point, size))
        self.jobs[uri] = (key, task)

    async def _run(self, ls: Host, key: tuple, path: str, point: Point, size: str) -> None:
        argv = [sys.executable, "-m", "flopcast", "analyze", path, "--format", "json", "--no-formula",
                "--width", str(point.width), "--depth", str(point.depth), "--budget", str(point.budget),
                "--calibrate", size]
        if not ls.settings.scorer_cast:
            argv.append("--no-scorer-cast")
        proc = await asyncio.create_subprocess_exec(*argv, stdout=asyncio.subprocess.PIPE,
                                                    stderr=asyncio.subprocess.PIPE)
        try:
            out, err = await proc.communicate()
        except asyncio.CancelledError:
            proc.kill()
            raise
        result = parse(out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), proc.returncode)
        if result.error:
            ls.show_warning(f"flopcast: calibration of {Path(path).name} failed: {result.error}")
        self.done.put(key, result)
        ls.refresh_views()

    def cancel_all(self) -> None:
        for _key, task in self.jobs.values():
            task.cancel()
        self.jobs.clear()


def parse(out: str, err: str, code: Optional[int]) -> Calibrated:
    """What `flopcast analyze --calibrate --format json` said."""
    if code == 0:
        try:
            data = json.loads(out)
            total, frm = data["total"], data["total"]["calibrated_from"]
            return Calibrated(int(total["calibrated"]), f"{frm['width']}×{frm['depth']}",
                              bool(data["calibration"]["lower_bound"]))
        except (ValueError, KeyError, TypeError):
            pass
    lines = [line for line in err.strip().splitlines() if line.strip()]
    message = lines[-1] if lines else f"exit code {code}"
    return Calibrated(error=message.removeprefix("flopcast: error: "))
