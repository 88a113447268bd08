"""The editor carries an analysis over an edit only where a fresh analysis gives the same.

lsp/incremental.py reuses the previous report, its spans moved, after edits that leave the
program the same up to positions or change only bodies that never ran. The specification
is exact equality with a fresh analysis of the edited text: the report (total, every
charge with its span, sites, notes, raises, values, functions) and the editor's folded
costs. Edits are generated from corpus files: comments and blank lines typed anywhere,
constants changed, lines added inside helpers, comparisons flipped (branches changed).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from flopcast.lsp.state import Analysis, Analyzer
from flopcast.model import Point

ROOT = Path(__file__).resolve().parent.parent
FILES = [
    ROOT / "lsp" / "fixtures" / "editor_600.py",
    ROOT / "realistic" / "estimators" / "strassen_match.py",
    ROOT / "realistic" / "estimators" / "mc_control.py",
    ROOT / "realistic" / "estimators" / "sketch_reduce.py",
    ROOT / "realistic" / "estimators" / "topk_split.py",
]
POINT = Point(16, 2, 2**30)


def comment_line(lines: list, rng: random.Random) -> list:
    at = rng.randrange(len(lines) + 1)
    indent = re.match(r"\s*", lines[at] if at < len(lines) else "").group(0)
    return lines[:at] + [f"{indent}# typed {rng.randrange(1000)}"] + lines[at:]


def blank_lines(lines: list, rng: random.Random) -> list:
    at = rng.randrange(len(lines) + 1)
    return lines[:at] + [""] * rng.randint(1, 3) + lines[at:]


def changed_constant(lines: list, rng: random.Random) -> list:
    found = [(i, m) for i, line in enumerate(lines) if not line.lstrip().startswith("#")
             for m in re.finditer(r"(?<![\w.])\d+\.\d+(?:e-?\d+)?(?![\w.])", line)]
    if not found:
        return lines
    i, m = rng.choice(found)
    value = float(m.group(0)) * rng.choice((0.5, 2.0, 1.25))
    return lines[:i] + [lines[i][:m.start()] + repr(value) + lines[i][m.end():]] + lines[i + 1:]


def line_in_a_helper(lines: list, rng: random.Random) -> list:
    defs = [i for i, line in enumerate(lines) if re.match(r"\s*def \w+\(.*\):\s*$", line)]
    if not defs:
        return lines
    i = rng.choice(defs)
    j = i + 1
    while j < len(lines) and not lines[j].strip():
        j += 1
    if j >= len(lines):
        return lines
    indent = re.match(r"\s*", lines[j]).group(0)
    extra = rng.choice([f"{indent}_unused = {rng.randrange(9)}", f"{indent}_scale = 2.0 * {rng.randrange(1, 9)}"])
    return lines[:j] + [extra] + lines[j:]


def flipped_comparison(lines: list, rng: random.Random) -> list:
    found = [i for i, line in enumerate(lines) if re.search(r"\bif .* (<|>) ", line)]
    if not found:
        return lines
    i = rng.choice(found)
    line = re.sub(r" < ", " >= ", lines[i], count=1) if " < " in lines[i] else re.sub(r" > ", " <= ", lines[i], count=1)
    return lines[:i] + [line] + lines[i + 1:]


def docstring_text(lines: list, rng: random.Random) -> list:
    found = [i for i, line in enumerate(lines) if re.match(r'\s*""".*"""\s*$', line)]
    if not found:
        return lines
    i = rng.choice(found)
    at = lines[i].rindex('"""')
    return lines[:i] + [lines[i][:at] + f" (typed {rng.randrange(99)})" + lines[i][at:]] + lines[i + 1:]


EDITS = [comment_line, blank_lines, changed_constant, line_in_a_helper, flipped_comparison, docstring_text]


def same_as_fresh(analyzer: Analyzer, path: str, text: str) -> Analysis:
    """The editor's outcome for ``text``; when it was carried over, it equals a fresh one."""
    count = analyzer.carried
    carried = analyzer.analyze(path, text, POINT)
    if analyzer.carried == count:
        return carried  # analysed afresh itself
    fresh = Analyzer(incremental=False).analyze(path, text, POINT)
    assert type(carried) is type(fresh)
    if isinstance(fresh, Analysis):
        assert carried.report == fresh.report
        assert carried.costs == fresh.costs
    return carried


@pytest.mark.parametrize("source", FILES, ids=lambda p: p.stem)
def test_an_edited_buffer_gets_what_a_fresh_analysis_gives(source: Path, tmp_path: Path) -> None:
    path = tmp_path / "estimator.py"
    text = source.read_text()
    path.write_text(text)
    rng = random.Random(source.stem)
    analyzer = Analyzer()
    assert isinstance(analyzer.analyze(str(path), text, POINT), Analysis)
    for step in range(12):
        edit = EDITS[step % len(EDITS)]
        text = "\n".join(edit(text.split("\n"), rng))
        same_as_fresh(analyzer, str(path), text)
    # Not vacuous: some edits were carried over, others analysed afresh.
    assert 0 < analyzer.carried < 12
    assert analyzer.runs > 1


ESTIMATOR = '''import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


def used(a, b):
    return a @ b


def unused(a):
    return a @ a


def lazy(a):
    yield a @ a


class Estimator(BaseEstimator):
    def predict(self, mlp: MLP, budget: int):
        x = fnp.ones((mlp.width, mlp.width))
        y = used(x, mlp.weights[0])
        lazy(y)
        return fnp.zeros((mlp.depth, mlp.width))
'''


def analyzed_twice(tmp_path: Path, old: str, new: str) -> tuple:
    path = tmp_path / "estimator.py"
    path.write_text(old)
    analyzer = Analyzer()
    before = analyzer.analyze(str(path), old, POINT)
    after = same_as_fresh(analyzer, str(path), new)
    return analyzer, before, after


def test_an_edit_of_a_helper_that_never_ran_is_carried_over(tmp_path: Path) -> None:
    analyzer, before, after = analyzed_twice(tmp_path, ESTIMATOR,
                                             ESTIMATOR.replace("return a @ a", "b = a @ a\n    return b @ a"))
    assert analyzer.carried == 1 and analyzer.runs == 1
    assert after.report.total == before.report.total
    # the edit is at line 10: `used` keeps its lines, predict's charges are one line further down
    assert [c.span.line for c in after.report.charges if c.span.path.endswith(".py")] \
        == [c.span.line + (c.span.line > 10) for c in before.report.charges if c.span.path.endswith(".py")] \
        == [20, 6, 23]


def test_an_edit_of_code_that_ran_is_analysed_afresh(tmp_path: Path) -> None:
    analyzer, before, after = analyzed_twice(tmp_path, ESTIMATOR,
                                             ESTIMATOR.replace("return a @ b", "return (a @ b) @ b"))
    assert analyzer.carried == 0 and analyzer.runs == 2
    assert after.report.total != before.report.total


def test_a_function_called_but_never_run_is_not_reused_when_its_yield_goes(tmp_path: Path) -> None:
    # `lazy(y)` makes a generator and runs none of its body; without the `yield` the body runs.
    analyzer, before, after = analyzed_twice(tmp_path, ESTIMATOR,
                                             ESTIMATOR.replace("    yield a @ a", "    return a @ a"))
    assert analyzer.carried == 0
    assert after.report.total != before.report.total


def test_a_docstring_edited_in_code_that_runs_is_carried_over(tmp_path: Path) -> None:
    old = ESTIMATOR.replace("    def predict(self, mlp: MLP, budget: int):\n",
                            '    def predict(self, mlp: MLP, budget: int):\n        """Ones."""\n')
    new = old.replace('"""Ones."""', '"""Ones,\n        then a product."""')
    analyzer, before, after = analyzed_twice(tmp_path, old, new)
    assert analyzer.carried == 1 and after.report.total == before.report.total


def test_lines_inserted_above_move_every_span(tmp_path: Path) -> None:
    analyzer, before, after = analyzed_twice(tmp_path, ESTIMATOR, "# a comment\n\n" + ESTIMATOR)
    assert analyzer.carried == 1
    assert [c.span.line for c in after.report.charges if c.span.path.endswith(".py")] \
        == [c.span.line + 2 for c in before.report.charges if c.span.path.endswith(".py")]


def test_a_directive_in_a_comment_is_never_carried_over(tmp_path: Path) -> None:
    analyzer, _, _ = analyzed_twice(tmp_path, ESTIMATOR,
                                    ESTIMATOR.replace("        lazy(y)", "        # flopcast: iterations=3\n        lazy(y)"))
    assert analyzer.carried == 0


CLASSY = '''import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP


class Estimator(BaseEstimator):
    SCALE = 2

    def fallback(self, x):
        return x @ x

    def predict(self, mlp: MLP, budget: int):
        x = fnp.ones((mlp.width, mlp.width)) * self.SCALE
        y = x @ mlp.weights[0]
        return fnp.zeros((mlp.depth, mlp.width))
'''


def test_an_edit_of_a_method_that_never_ran_is_carried_over(tmp_path: Path) -> None:
    analyzer, before, after = analyzed_twice(tmp_path, CLASSY, CLASSY.replace("return x @ x", "return x @ x @ x"))
    assert analyzer.carried == 1 and after.report.total == before.report.total


def test_an_edit_of_a_class_attribute_is_analysed_afresh(tmp_path: Path) -> None:
    analyzer, _, _ = analyzed_twice(tmp_path, CLASSY, CLASSY.replace("SCALE = 2", "SCALE = 3"))
    assert analyzer.carried == 0


def test_a_signature_edit_of_a_function_that_never_ran_is_analysed_afresh(tmp_path: Path) -> None:
    # a default is evaluated when the def runs, whether or not the body ever does
    analyzer, _, _ = analyzed_twice(tmp_path, CLASSY, CLASSY.replace("def fallback(self, x):",
                                                                     "def fallback(self, x=fnp.ones(3) * 2):"))
    assert analyzer.carried == 0


def test_after_a_carried_edit_an_edit_of_code_that_ran_is_still_analysed_afresh(tmp_path: Path) -> None:
    # the functions that ran are known by their def lines, which the first edit moved
    moved = "# one\n# two\n" + ESTIMATOR
    path = tmp_path / "estimator.py"
    path.write_text(ESTIMATOR)
    analyzer = Analyzer()
    analyzer.analyze(str(path), ESTIMATOR, POINT)
    same_as_fresh(analyzer, str(path), moved)
    assert analyzer.carried == 1
    after = same_as_fresh(analyzer, str(path), moved.replace("return a @ b", "return (a @ b) @ b"))
    assert analyzer.carried == 1 and analyzer.runs == 2
    assert after.report.total != analyzer.analyze(str(path), moved, POINT).report.total


def test_a_site_whose_reason_names_its_own_line_moves_with_it(tmp_path: Path) -> None:
    # topk_split's count read from data: "... an integer read from data at line N ..."
    text = (ROOT / "realistic" / "estimators" / "topk_split.py").read_text()
    analyzer, before, after = analyzed_twice(tmp_path, text, "# typed\n" + text)
    assert analyzer.carried == 1
    assert any(f"at line {u.span.line}" in u.reason for u in after.report.uncertain)


# A module constant given a new number is carried over only when no run reads it. Each file
# below reads SIZE where its number changes the count (a fill's extent), in one of the ways a
# program can; the edit SIZE = 3 -> 5 must then be analysed afresh (same_as_fresh would find a
# carried report wrong: the totals differ).
CONSTANT = '''import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

SIZE = 3
{extra}

def never(x):
    return fnp.ones((SIZE, SIZE)) @ x


class Estimator(BaseEstimator):
{body}
    def predict(self, mlp: MLP, budget: int):
        y = {use}
        return fnp.zeros((mlp.depth, mlp.width))
'''
UNREAD = dict(extra="", body="", use="fnp.ones((mlp.width, mlp.width)) @ mlp.weights[0]")
READS = {
    "in predict": dict(UNREAD, use="fnp.ones((SIZE, SIZE)) @ fnp.ones((SIZE, SIZE))"),
    "as a default": dict(UNREAD, extra="def fill(n=SIZE):\n    return fnp.ones((n, n))\n", use="fill()"),
    "by a class attribute": dict(UNREAD, body="    K = SIZE\n", use="fnp.ones((self.K, self.K))"),
    "by another constant": dict(UNREAD, extra="OTHER = SIZE + 1\n", use="fnp.ones((OTHER, OTHER))"),
    "in a lambda that runs": dict(UNREAD, extra="fill = lambda: fnp.ones((SIZE, SIZE))\n", use="fill()"),
    "through globals()": dict(UNREAD, use='fnp.ones((globals()["SIZE"], 2))'),
    "in a string": dict(UNREAD, use='fnp.ones((int(eval("SIZE")), 2))'),
}


def test_a_new_number_for_a_constant_no_run_reads_is_carried_over(tmp_path: Path) -> None:
    old = CONSTANT.format(**UNREAD)
    analyzer, before, after = analyzed_twice(tmp_path, old, old.replace("SIZE = 3", "SIZE = 5"))
    assert analyzer.carried == 1 and after.report.total == before.report.total
    # and again, as typing goes on
    for number in ("7", "11"):
        same_as_fresh(analyzer, str(tmp_path / "estimator.py"), old.replace("SIZE = 3", f"SIZE = {number}"))
    assert analyzer.carried == 3 and analyzer.runs == 1


@pytest.mark.parametrize("way", READS, ids=lambda w: w.replace(" ", "_"))
def test_a_new_number_for_a_constant_a_run_reads_is_analysed_afresh(tmp_path: Path, way: str) -> None:
    old = CONSTANT.format(**READS[way])
    analyzer, before, after = analyzed_twice(tmp_path, old, old.replace("SIZE = 3", "SIZE = 5"))
    assert analyzer.carried == 0
    if way != "in a string":  # eval is not modelled: unpriced either way
        assert after.report.total != before.report.total


def test_an_edit_of_the_module_constants_of_editor_600_that_no_run_reads_is_carried_over(tmp_path: Path) -> None:
    # VAR_CLIP is read only by clip_variance, which the mean-field stages call; SPREAD_LIMIT by
    # the sampled correction, which runs on every path that reaches it.
    text = FILES[0].read_text()
    path = tmp_path / "estimator.py"
    path.write_text(text)
    analyzer = Analyzer()
    analyzer.analyze(str(path), text, POINT)
    for clip in ("2e6", "3e6", "5e5"):
        same_as_fresh(analyzer, str(path), text.replace("VAR_CLIP = 1e6", f"VAR_CLIP = {clip}"))
    assert analyzer.carried == 3 and analyzer.runs == 1
    same_as_fresh(analyzer, str(path), text.replace("VAR_CLIP = 1e6", "VAR_CLIP = 5e5")
                  .replace("SPREAD_LIMIT = 4.0", "SPREAD_LIMIT = 4.5"))
    assert analyzer.carried == 3 and analyzer.runs == 2


def test_hover_values_are_recorded_on_request_and_carried_with_the_report(tmp_path: Path) -> None:
    # An edit's analysis records no values (they cost up to a third of it); the first hover
    # asks for them: the same as an analysis that records them. A carried edit moves them.
    from flopcast.analyzer import analyze

    path = tmp_path / "estimator.py"
    path.write_text(ESTIMATOR)
    analyzer = Analyzer()
    plain = analyzer.analyze(str(path), ESTIMATOR, POINT)
    assert plain.values is None and plain.report.values == {}
    valued = analyzer.with_values(str(path), plain, POINT)
    recorded = analyze(str(path), POINT, source=ESTIMATOR, record_values=True, trace=True)
    assert valued.values == recorded.values and valued.values
    assert analyzer.analyze(str(path), ESTIMATOR, POINT) is valued  # cached with its values
    moved = "# a comment\n" + ESTIMATOR
    carried = analyzer.analyze(str(path), moved, POINT)
    assert analyzer.carried == 1
    assert carried.values == analyze(str(path), POINT, source=moved, record_values=True, trace=True).values
    assert carried.report == analyze(str(path), POINT, source=moved, trace=True)


# A helper that never runs (``budget < 0``) but is named, so its text counts in the attributes
# the program only writes (analyzer/write_only.py): with ``self.log`` write-only the four sites
# prove separable (joins.py) and the report shows the widest of the runs made; once the helper
# reads ``self.log`` they do not, every path runs, and the widest path is another.
WRITE_ONLY = '''import flopscope.numpy as fnp
from whestbench import BaseEstimator


def show(est):
    return 0


class Estimator(BaseEstimator):
    def setup(self, context):
        self.log = []

    def predict(self, mlp, budget):
        x = fnp.ones((mlp.width,))
        if budget < 0:
            show(self)
        x = x @ mlp.weights[0]
        if float(fnp.max(x)) > 1e30:
            x = x / 2.0
            self.log.append("a")
        x = x @ mlp.weights[0]
        if float(fnp.min(x)) < -1e30:
            x = x / 2.0
            self.log.append("b")
        x = x @ mlp.weights[0]
        if float(fnp.sum(x)) > 1e30:
            self.log.append("c")
        else:
            x = x / 2.0
        x = x @ mlp.weights[0]
        if float(fnp.mean(x)) > 1e30:
            self.log.append("d")
        else:
            x = x / 2.0
        return fnp.zeros((mlp.depth, mlp.width)) + x
'''


def test_an_edit_of_a_helper_that_never_ran_but_reads_an_attribute_only_written_is_analysed_afresh(
        tmp_path: Path) -> None:
    new = WRITE_ONLY.replace("    return 0\n", "    return len(est.log)\n")
    analyzer, before, after = analyzed_twice(tmp_path, WRITE_ONLY, new)
    assert analyzer.carried == 0
    # Carrying the report over would have been wrong: the fresh one shows another path.
    assert after.report.charges != before.report.charges


def test_an_edit_of_a_helper_that_never_ran_keeping_what_it_reads_is_still_carried_over(tmp_path: Path) -> None:
    new = WRITE_ONLY.replace("    return 0\n", "    return 1 + 2\n")
    analyzer, before, after = analyzed_twice(tmp_path, WRITE_ONLY, new)
    assert analyzer.carried == 1
