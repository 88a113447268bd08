"""FC103: work whose operands the loop never changes is computed once before the loop."""

from __future__ import annotations

from oracle import SAMPLES

from flopcast.analyzer import analyze
from flopcast.check.engine import check_target
from flopcast.check.selection import Selection
from flopcast.check.source import load_submission
from flopcast.model import Point

from .proof import BUDGET, prove

SAMPLE = SAMPLES / "advice" / "loop_invariant.py"


def test_hoisting_saves_every_run_but_the_first_exactly_and_keeps_the_output(tmp_path):
    point = Point(8, 3, BUDGET)
    proven = prove(SAMPLE, tmp_path, ("FC103",), points=((8, 3), (8, 16), (16, 2)))
    text = proven.fixed_path.read_text()
    loop = text.index("for w in mlp.weights:")
    # The whole assignment moves when nothing in the loop reads `prior` before it ...
    assert 0 < text.index("prior = fnp.outer(base, base) + self.scale") < loop
    # ... a sub-expression gets a name of its own.
    assert text.index("hoisted = fnp.sqrt(base)") < loop
    assert "* hoisted\n" in text
    # Three layers: two of the three runs of the prior and of the sqrt are saved.
    before = analyze(SAMPLE, point)
    prior = sum(c.flops for c in before.charges if c.span.line == 22)
    sqrt = sum(c.flops for c in before.charges if c.span.line == 23 and c.op == "sqrt")
    assert proven.saving == (prior + sqrt) * 2 // 3
    assert check_target(load_submission(str(proven.fixed_path)), point, Selection(select=("FC103",))).findings == []
