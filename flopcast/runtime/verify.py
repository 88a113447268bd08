"""One verification: the static prediction and an isolated metered run of the same point, joined."""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Optional

from flopcast.model import Point, Report
from flopcast.runtime.diff import PointResult, compare
from flopcast.runtime.isolate import run_isolated
from flopcast.runtime.protocol import RunRequest

DEFAULT_TIMEOUT_S = 120.0
DEFAULT_MEMORY_MIB = 8192


class PointsError(ValueError):
    """A --points value that cannot be read."""


def parse_points(text: str, budget: int) -> list[Point]:
    """``"32x2,64x4"`` -> points at ``budget`` (the round's, or ``--budget``)."""
    points = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        width, sep, depth = item.lower().partition("x")
        try:
            if not sep:
                raise ValueError
            w, d = int(width), int(depth)
        except ValueError:
            raise PointsError(f"--points: cannot read {item!r}; write WIDTHxDEPTH, e.g. --points 32x2,64x4") from None
        if w <= 0 or d <= 0:
            raise PointsError(f"--points: {item!r}: width and depth must be positive")
        points.append(Point(width=w, depth=d, budget=budget))
    if not points:
        raise PointsError("--points is empty; write e.g. --points 32x2,64x4")
    return points


def static_report(path: Path, point: Point, *, class_name: Optional[str], scorer: bool) -> tuple[Optional[Report], Optional[str]]:
    """The analyzer's report, or why there is none (the analyzer failing is a flopcast bug)."""
    try:
        from flopcast.analyzer import analyze
    except ImportError as exc:
        return None, f"the static analyzer is not available ({exc})"
    try:
        return analyze(str(path), point, class_name=class_name, include_scorer_cast=scorer), None
    except Exception as exc:  # noqa: BLE001 - reported per point, the run is still shown
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return None, f"the static analyzer failed: {type(exc).__name__}: {exc} (at {where.filename}:{where.lineno})"


def verify_point(
    path: Path,
    point: Point,
    *,
    seed: int = 0,
    class_name: Optional[str] = None,
    scorer: bool = True,
    timeout: float = DEFAULT_TIMEOUT_S,
    memory_mib: Optional[int] = DEFAULT_MEMORY_MIB,
) -> PointResult:
    """Predict statically while a child runs the point under the meter, and compare."""
    from concurrent.futures import ThreadPoolExecutor

    def request(calls: int) -> RunRequest:
        return RunRequest(
            estimator_path=str(path),
            width=point.width,
            depth=point.depth,
            budget=point.budget,
            seed=seed,
            class_name=class_name,
            scorer=True,  # whestbench always casts; --no-scorer-cast only drops it from the comparison
            memory_mib=memory_mib,
            calls=calls,
        )

    # The child runs while the analysis is made (it waits in its own process): two calls, the
    # least the comparison reads, made again with more when the report follows more.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="flopcast-verify-run") as pool:
        running = pool.submit(run_isolated, request(2), timeout=timeout)
        report, static_error = static_report(path, point, class_name=class_name, scorer=scorer)
        run = running.result()
    # whestbench calls predict on one instance for every MLP: at least a second call, to see
    # state the first leaves for it, and each call the analyzer priced apart plus one.
    # (Not past the calls it followed when the state did not settle: it predicts none of those.)
    calls = max(2, len(report.per_call) + report.per_call_settled) if report is not None else 2
    if calls > 2:
        run = run_isolated(request(calls), timeout=timeout)
    return compare(point, report, run, static_error=static_error, include_scorer=scorer)
