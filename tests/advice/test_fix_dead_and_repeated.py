"""FC104 removes work nobody uses; FC105 reuses a result instead of computing it again."""

from __future__ import annotations

from oracle import SAMPLES

from flopcast.analyzer import analyze
from flopcast.model import Point

from .proof import BUDGET, prove


def test_dead_work_is_removed_down_to_the_last_unused_statement(tmp_path):
    sample = SAMPLES / "advice" / "dead_work.py"
    proven = prove(sample, tmp_path, ("FC104",), points=((8, 3), (8, 16), (16, 2)))
    text = proven.fixed_path.read_text()
    assert "spread" not in text.split('"""')[2].replace("# no longer used", "")
    assert "check =" not in text and "fnp.mean(mu)\n" not in text
    assert "# no longer used" not in text  # the comment was on the removed line itself
    before = analyze(sample, Point(8, 3, BUDGET))
    assert proven.saving == sum(c.flops for c in before.charges if c.span.line in (18, 19, 21))


def test_repeated_work_reuses_the_first_result(tmp_path):
    sample = SAMPLES / "advice" / "repeated_work.py"
    proven = prove(sample, tmp_path, ("FC105",), points=((8, 3), (8, 16), (16, 2)))
    assert "var = fnp.diag(gram) * 0.5" in proven.fixed_path.read_text()
    before = analyze(sample, Point(8, 3, BUDGET))
    assert proven.saving == sum(c.flops for c in before.charges if c.span.line == 17 and c.op == "matmul")
