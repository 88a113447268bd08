"""`flopcast verify`: run the estimator under flopscope and diff the count against the prediction.

Exit codes: 0 every point matches; 1 a mismatch, or the estimator failed at some
point (exception, over budget, timeout, crash); 2 a usage error or a flopcast bug
(the static analyzer failing).
"""

from __future__ import annotations

import argparse
import sys

from flopcast.installed import resolve_point
from flopcast.runtime.counter import estimator_file
from flopcast.runtime.diff import ANALYZER_ERROR
from flopcast.runtime.render import render_json, render_text
from flopcast.runtime.verify import PointsError, parse_points, verify_point


def _usage(message: str) -> int:
    print(f"flopcast verify: error: {message}", file=sys.stderr)
    return 2


def run(ns: argparse.Namespace) -> int:
    try:
        path = estimator_file(ns.path)
    except FileNotFoundError as exc:
        return _usage(str(exc))
    if ns.timeout is not None and ns.timeout <= 0:
        return _usage(f"--timeout must be a positive number of seconds, got {ns.timeout:g}")
    if ns.memory is not None and ns.memory <= 0:
        return _usage(f"--memory must be a positive number of MiB, got {ns.memory}")

    base = resolve_point(ns.round_tag, ns.width, ns.depth, ns.budget)
    try:
        points = parse_points(ns.points, base.budget) if ns.points else [base]
    except PointsError as exc:
        return _usage(str(exc))

    results = [
        verify_point(
            path,
            point,
            seed=ns.seed,
            class_name=ns.class_name,
            scorer=getattr(ns, "scorer_cast", True),
            timeout=ns.timeout,
            memory_mib=ns.memory,
        )
        for point in points
    ]

    render = render_json if ns.format == "json" else render_text
    sys.stdout.write(render(path, results, seed=ns.seed))
    if getattr(ns, "html", None):
        from flopcast.report.command import write_verify_page

        if not write_verify_page(ns, results[0]):
            return 2
    if any(r.verdict == ANALYZER_ERROR for r in results):
        return 2
    return 0 if all(r.matched for r in results) else 1
