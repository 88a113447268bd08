"""Runtime spans are the interpreter's instruction positions, which are ast's node spans.

That agreement is what lets `verify` join the static and the runtime logs on (span, op).
"""

from __future__ import annotations

import ast

from flopcast.model import Span

from .helpers import ast_spans, fixture, line_of, run_here


def test_two_multiplies_and_an_add_on_one_line_get_the_ast_spans_of_their_binops():
    path = fixture("multi_op_line")
    line = line_of(path, "(a * b + c) * d")
    result = run_here(path)
    on_line = [(c.op, c.span) for c in result.charges if c.span.line == line]
    binops = {(type(n.op).__name__, s) for n, s in _binops_with_spans(path, line)}
    # ast: Mult(a*b), Add(a*b + c), Mult((...) * d); flopscope: multiply, add, multiply
    names = {"Mult": "multiply", "Add": "add"}
    assert sorted(on_line, key=_key) == sorted(((names[k], s) for k, s in binops), key=_key)
    assert len({s for _, s in on_line}) == 3  # told apart by column


def test_a_method_call_gets_the_span_of_the_whole_call():
    path = fixture("call_shapes")
    line = line_of(path, "x.sum()")
    (charge,) = [c for c in run_here(path).charges if c.op == "sum"]
    assert [charge.span] == ast_spans(path, line, ast.Call)


def test_a_call_split_over_lines_gets_its_multi_line_span():
    path = fixture("call_shapes")
    line = line_of(path, "fnp.exp(")
    (charge,) = [c for c in run_here(path).charges if c.op == "exp"]
    assert [charge.span] == ast_spans(path, line, ast.Call)
    assert charge.span.end_line == line + 2


def test_an_operator_in_a_comprehension_gets_the_binop_span():
    path = fixture("call_shapes")
    line = line_of(path, "r * total")
    multiplies = [c for c in run_here(path).charges if c.op == "multiply"]
    assert len(multiplies) == 2  # one per row
    assert {c.span for c in multiplies} == set(ast_spans(path, line, ast.BinOp))


def _binops_with_spans(path, line):
    tree = ast.parse(path.read_text())
    for n in ast.walk(tree):
        if isinstance(n, ast.BinOp) and n.lineno == line:
            yield n, Span(str(path), n.lineno, n.col_offset, n.end_lineno, n.end_col_offset)


def _key(item):
    op, span = item
    return (span.col, span.end_col, op)
