"""libcst rewrites keep every untouched byte, and refuse edits that would change meaning."""

from __future__ import annotations

import pytest

from flopcast.check.fix.model import InsertBefore, RemoveStmt, ReplaceExpr
from flopcast.check.fix.rewrite import FixError, apply_edits
from flopcast.model import Span

SOURCE = '''\
def f(a, b, r):
    # about y
    y = b / a ** 2  # trailing
    for i in r:  # the loop
        w = a @ b; q = 1
    # about dead
    dead = a * b
    return y
'''


def at(line, col, end_col, end_line=None):
    return Span("f.py", line, col, end_line or line, end_col)


def test_an_expression_is_replaced_in_place_with_the_parentheses_its_context_needs():
    out = apply_edits(SOURCE, [ReplaceExpr(at(3, 12, 18), "a * a")])
    assert out == SOURCE.replace("b / a ** 2", "b / (a * a)")


def test_insert_and_replace_together_hoist_an_expression_out_of_a_loop():
    out = apply_edits(SOURCE, [InsertBefore(at(4, 4, 25, 5), "ab = a @ b"), ReplaceExpr(at(5, 12, 17), "ab")])
    assert out == SOURCE.replace("    for i in r:", "    ab = a @ b\n    for i in r:").replace("w = a @ b;", "w = ab;")


def test_removing_a_statement_keeps_the_comments_above_it():
    out = apply_edits(SOURCE, [RemoveStmt(at(7, 4, 16))])
    assert out == SOURCE.replace("    dead = a * b\n", "")
    assert "# about dead" in out


def test_removing_one_of_two_statements_on_a_line_keeps_the_other():
    out = apply_edits(SOURCE, [RemoveStmt(at(5, 8, 17))])
    assert "        q = 1\n" in out and "a @ b" not in out


def test_emptying_a_block_leaves_pass():
    src = "for i in r:\n    x = i * 2\ny = 1\n"
    assert apply_edits(src, [RemoveStmt(at(2, 4, 13))]) == "for i in r:\n    pass\ny = 1\n"


def test_an_edit_whose_target_moved_is_refused():
    with pytest.raises(FixError, match="no longer there"):
        apply_edits(SOURCE, [ReplaceExpr(at(3, 13, 18), "a * a")])


def test_a_replacement_that_does_not_parse_is_refused():
    with pytest.raises(FixError, match="does not parse"):
        apply_edits(SOURCE, [ReplaceExpr(at(3, 12, 18), "a *")])
