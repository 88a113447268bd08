"""The four proofs every fix kind owes, against the real flopscope.

(a) the static prediction after the fix is the prediction before minus the saving the
finding announced, exactly; (b) the real run of the fixed code counts exactly the new
prediction; (c) a safe fix leaves predict's output bitwise equal (at two points);
(d) a second `--fix` changes nothing.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from oracle import assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.check.fix.apply import FixResult, fix_submission
from flopcast.check.selection import Selection
from flopcast.check.source import load_submission
from flopcast.model import Point

BUDGET = 2**41


@dataclass
class Proven:
    result: FixResult
    fixed_path: Path
    saving: int


def fix_copy(sample: Path, tmp_path: Path, point: Point, codes: tuple[str, ...], unsafe: bool = False) -> Proven:
    """Fix a copy of ``sample`` in ``tmp_path`` with the rules ``codes`` at ``point``."""
    target = tmp_path / sample.name
    shutil.copy(sample, target)
    result = fix_submission(load_submission(str(target)), point, Selection(select=codes), unsafe=unsafe)
    assert not result.refused, f"refused: {[(f.message, why) for f, why in result.refused]}"
    for path, _, after in result.changed_files():
        path.write_text(after)
    saving = sum(f.fix.saving for f in result.applied)
    return Proven(result, target, saving)


def prove(sample: Path, tmp_path: Path, codes: tuple[str, ...], *, unsafe: bool = False,
          points=((8, 2), (16, 3))) -> Proven:
    """Fix at the first point and prove (a)-(d); (a) and (b) at every point are re-derived
    from a fresh check there, since the saving depends on the point."""
    first = Point(*points[0], BUDGET)
    before = analyze(sample, first)
    proven = fix_copy(sample, tmp_path, first, codes, unsafe)
    assert proven.result.applied, "no fix was applied"
    after = analyze(proven.fixed_path, first)
    # (a)
    assert after.total.exact and before.total.exact
    assert after.total.lo == before.total.lo - proven.saving, (
        f"after {after.total.lo:,} != before {before.total.lo:,} - saving {proven.saving:,}")
    for w, d in points:
        point = Point(w, d, BUDGET)
        fixed_report = analyze(proven.fixed_path, point)
        run_after = measure(proven.fixed_path, point)
        # (b)
        assert_exact_match(fixed_report, run_after, f" — fixed {sample.name} at {w}x{d}")
        if not unsafe:
            # (c)
            assert measure(sample, point).output == run_after.output, f"output changed at {w}x{d}"
    # (d)
    again = fix_submission(load_submission(str(proven.fixed_path)), first, Selection(select=codes), unsafe=unsafe)
    assert not again.applied and not again.changed_files()
    return proven
