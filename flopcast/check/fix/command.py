"""`flopcast check --fix` and `--diff`: apply (or show) the fixes, then report what is left.

Exit codes: with `--fix`, those of `flopcast check` for what remains; with `--diff`,
1 when some fix would change a file and 0 when none would (ruff's convention); 2 for a
usage error or an analysis that failed.
"""

from __future__ import annotations

import argparse
import sys

from flopcast.check import fmt
from flopcast.check.settings import settings_for
from flopcast.check.fix.apply import fix_submission
from flopcast.check.output import RENDERERS, Results
from flopcast.check.source import CheckUsageError, load_submission


def run_fix(ns: argparse.Namespace) -> int:
    from flopcast.check.fix.rewrite import unified_diff

    unsafe = getattr(ns, "unsafe_fixes", False)
    diff_only = getattr(ns, "diff", False)
    outcomes = []
    try:
        seen = set()
        for path in ns.paths or ["."]:
            submission = load_submission(path)
            if submission.entry.path in seen:
                continue
            seen.add(submission.entry.path)
            settings = settings_for(path, ns)
            outcomes.append(fix_submission(
                submission, settings.point, settings.selection, unsafe=unsafe,
                scorer_cast=getattr(ns, "scorer_cast", True),
                per_file_ignores=settings.config.per_file_ignores, config_root=settings.config.root))
    except CheckUsageError as exc:
        print(f"flopcast: error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - an analysis that fails is reported, not a traceback
        print(f"flopcast: error: the FLOP analysis failed ({type(exc).__name__}: {exc}); nothing was changed. "
              "Run `flopcast analyze` on it for details.", file=sys.stderr)
        return 2
    changed = 0
    for outcome in outcomes:
        for finding, reason in outcome.refused:
            print(f"{finding.path}:{finding.line}:{finding.span.col + 1}: {finding.code} "
                  f"fix not applied ({finding.fix.title}): {reason}", file=sys.stderr)
        for path, before, after in outcome.changed_files():
            changed += 1
            shown = next(f.display for f in outcome.fixed.files if f.path == path)
            if diff_only:
                sys.stdout.write(unified_diff(shown, before, after))
            else:
                path.write_text(after, encoding="utf-8")
        saved = sum(f.fix.saving or 0 for f in outcome.applied)
        if outcome.applied:
            verb = "Would fix" if diff_only else "Fixed"
            print(f"{verb} {len(outcome.applied)} finding{'s' if len(outcome.applied) != 1 else ''} in "
                  f"{outcome.original.entry.display}, saving {fmt.flops(saved)} FLOPs at "
                  f"{fmt.where_point(outcome.final.point)}.", file=sys.stderr)
    if diff_only:
        return 1 if changed else 0
    results = Results([o.final for o in outcomes])
    sys.stdout.write(RENDERERS[getattr(ns, "format", "text")](results))
    if results.errors and not getattr(ns, "exit_zero", False):
        return 1
    return 0
