"""Differential fuzzing of the interpreter's Python semantics: random control flow on known values.

test_differential.py fuzzes straight-line flopscope calls. This file fuzzes the Python
around them: a hypothesis strategy draws a whole estimator module — module-level
constants, 1–3 helper functions (defaults, keyword-only arguments, ``*args``/``**kwargs``,
bounded recursion), sometimes a small class hierarchy (class attributes, ``__init__``,
``super()``, a property, a classmethod) — and a ``predict`` whose control flow depends only
on known values: width, depth, budget, ``flops.current_budget().flops_remaining``, loop
indices, list lengths, ints derived with ``//``, ``%``, ``min``, ``max``, ``abs``,
``round``, ``math.*``, conditional expressions, bool ops and chained comparisons. Loops
are ``range`` with steps (also negative), ``enumerate``/``zip``/``reversed`` over
``mlp.weights`` and lists, ``while`` loops with known exits, ``break``/``continue`` and
``for``/``while``-``else``; lists, dicts and tuples are built, mutated, sliced and
unpacked (starred too); closures and lambdas read locals late-bound; ``try`` blocks catch
``ZeroDivisionError``/``IndexError``/``KeyError``/``ValueError`` raised by Python code on
some iterations only.

The flopscope ops themselves are simple (``h @ w``, ``fnp.tanh``, ``fnp.exp(h[:k])``,
``fnp.sum(w[:k], axis=0)``, ``h * float(n)``), but how many run and on what shapes is
decided by the control flow. The program keeps one (width,) float32 vector ``h`` and a
list ``rows`` of such vectors; it returns ``fnp.stack(rows[:depth])`` when there are enough
rows, zeros otherwise — always shape (depth, width).

The programs are safe by construction (every divisor, index and loop bound is guarded
or caught); the real run is the arbiter anyway: a program flopscope cannot run (an
exception escaping predict, an exhausted budget) is rejected, not compared. Otherwise the
static total and per-op totals must equal flopscope's exactly, with nothing unpriced.

The committed run is derandomized and modest (CI draws fewer programs than
``FLOPCAST_FUZZ_FULL=1``: tests/fuzz_counts.py). To hunt, run e.g.::

    FLOPCAST_FUZZ_EXAMPLES=3000 FLOPCAST_FUZZ_SEED=7 .venv/bin/pytest tests/fuzz/test_control_flow.py -q
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, reject, seed, settings
from hypothesis import strategies as st
from fuzz_counts import fuzz_examples
from oracle import measure

from flopcast.analyzer import analyze
from flopcast.model import Point

from oracle import assert_exact_match  # noqa: E402

HEADER = '''\
import math

import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator, MLP

'''

RETURN = ("        return fnp.stack(rows[:mlp.depth]) if len(rows) >= mlp.depth "
          "else fnp.zeros((mlp.depth, mlp.width), dtype=fnp.float32)")

BUDGETS = [2**41, 2**41, 10**6, 2 * 10**6, 5 * 10**5]
THRESHOLDS = ["10**5", "10**6", "2 * 10**6", "10**7", "10**9"]


class Scope:
    """What a block may use: int names, list-of-int names, the array names, loop status."""

    def __init__(self, ints, lists=(), in_loop=False, weights="mlp.weights", h="h", depth_name="mlp.depth",
                 has_rows=True, has_dict=False, in_function=False):
        self.ints = list(ints)
        self.lists = list(lists)
        self.in_loop = in_loop
        self.weights = weights  # an expression for the list of weight matrices (None: use `w`)
        self.h = h
        self.depth_name = depth_name
        self.has_rows = has_rows
        self.has_dict = has_dict
        self.in_function = in_function

    def child(self, **changes):
        s = Scope(self.ints, self.lists, self.in_loop, self.weights, self.h, self.depth_name, self.has_rows,
                  self.has_dict, self.in_function)
        for k, v in changes.items():
            setattr(s, k, v)
        return s


class CFGen:
    def __init__(self, draw):
        self.draw = draw
        self.count = 0
        self.helpers: list[tuple[str, str]] = []  # (name, kind)
        self.cls = None  # (name of the class to instantiate, its method names)
        self.constants: list[str] = []

    def fresh(self, prefix="n"):
        self.count += 1
        return f"{prefix}{self.count}"

    def choice(self, options):
        return self.draw(st.sampled_from(options))

    def chance(self, k: int) -> bool:
        """True with probability 1/k."""
        return self.draw(st.integers(0, k - 1)) == 0

    # ------------------------------------------------------------ expressions
    def int_expr(self, scope: Scope, depth: int = 0) -> str:
        leaves = list(scope.ints) + self.constants + ["0", "1", "2", "3", "5", "7"]
        if scope.lists:
            leaves += [f"len({name})" for name in scope.lists]
        if depth >= 2 or self.chance(3):
            return self.choice(leaves)
        a = self.int_expr(scope, depth + 1)
        form = self.choice(["+", "-", "*", "//", "%", "min", "max", "abs", "sqrt", "ceil", "floor", "log2",
                            "round", "ifexp", "bool", "len_comp", "int_div", "neg", "divmod", "sum_list"])
        if form in ("+", "-", "*"):
            return f"({a} {form} {self.int_expr(scope, depth + 1)})"
        if form in ("//", "%"):
            d = self.choice(["2", "3", "4" if scope.in_function else "(mlp.depth + 1)",
                             f"max(1, {self.int_expr(scope, depth + 1)})", "-2"])
            return f"({a} {form} {d})"
        if form in ("min", "max"):
            return f"{form}({a}, {self.int_expr(scope, depth + 1)})"
        if form == "abs":
            return f"abs({a})"
        if form == "sqrt":
            return f"int(math.sqrt(abs({a})))"
        if form in ("ceil", "floor"):
            return f"math.{form}({a} / {self.choice(['2', '3', '4.0'])})"
        if form == "log2":
            return f"int(math.log2(abs({a}) + 1))"
        if form == "round":
            return f"round({a} / {self.choice(['2', '4', '3'])})"
        if form == "ifexp":
            return f"({a} if {self.cond(scope, depth + 1)} else {self.int_expr(scope, depth + 1)})"
        if form == "bool":
            return f"int({self.cond(scope, depth + 1)})"
        if form == "len_comp":
            return f"len([q for q in range(min({a}, 6)) if q % {self.choice(['2', '3'])} {self.choice(['==', '!='])} 0])"
        if form == "int_div":
            return f"int({a} / {self.choice(['2', '3', '2.5'])})"
        if form == "neg":
            return f"-{a}"
        if form == "divmod":
            return f"divmod({a}, {self.choice(['3', '4'])})[{self.choice(['0', '1'])}]"
        if scope.lists:
            return f"sum({self.choice(scope.lists)})"
        return a

    def small(self, scope: Scope, hi: int = 5) -> str:
        """An int expression clamped to [lo, hi] for loop bounds."""
        return f"min({self.int_expr(scope)}, {hi})"

    def cond(self, scope: Scope, depth: int = 0) -> str:
        form = self.choice(["cmp", "cmp", "chain", "budget", "remaining", "mod", "not", "and", "or", "list",
                            "in", "isinstance"])
        if depth >= 2 and form in ("not", "and", "or"):
            form = "cmp"
        a = self.int_expr(scope, depth + 1)
        if form == "cmp":
            return f"{a} {self.choice(['<', '<=', '>', '>=', '==', '!='])} {self.int_expr(scope, depth + 1)}"
        if form == "chain":
            return f"{a} {self.choice(['<', '<='])} {self.int_expr(scope, depth + 1)} {self.choice(['<', '<='])} " \
                   f"{self.int_expr(scope, depth + 1)}"
        if form == "budget":
            return f"budget {self.choice(['>', '<=', '>='])} {self.choice(THRESHOLDS)}" if not scope.in_function \
                else f"{a} > 3"
        if form == "remaining":
            return f"flops.current_budget().flops_remaining {self.choice(['>', '<'])} " \
                   f"{self.choice(['4 * 10**5', '9 * 10**5', '10**6 - 3000', '10**7'])}"
        if form == "mod":
            return f"{a} % 2 == {self.choice(['0', '1'])}"
        if form == "not":
            return f"not ({self.cond(scope, depth + 1)})"
        if form in ("and", "or"):
            return f"({self.cond(scope, depth + 1)}) {form} ({self.cond(scope, depth + 1)})"
        if form == "list" and scope.lists:
            return self.choice(scope.lists)
        if form == "in" and scope.lists:
            return f"{a} {self.choice(['in', 'not in'])} {self.choice(scope.lists)}"
        if form == "isinstance":
            return f"isinstance({a}, int)"
        return f"{a} > {self.int_expr(scope, depth + 1)}"

    def weight(self, scope: Scope) -> str:
        if scope.weights is None:
            return "w"
        return f"{scope.weights}[{self.int_expr(scope)} % {scope.depth_name}]"

    # ------------------------------------------------------------ statements
    def op_stmt(self, scope: Scope, out: list, ind: str) -> None:
        h = scope.h
        form = self.choice(["matmul", "matmul", "exp_slice", "sum_rows", "scale", "relu", "append", "step_slice",
                            "dot_slice", "helper", "helper", "method"])
        if form == "matmul":
            out.append(f"{ind}{h} = fnp.tanh({h} @ {self.weight(scope)})")
        elif form == "exp_slice":
            out.append(f"{ind}{h} = {h} + fnp.sum(fnp.exp({h}[:{self.int_expr(scope)}]))")
        elif form == "sum_rows":
            out.append(f"{ind}{h} = fnp.tanh({h} + fnp.sum({self.weight(scope)}[:{self.int_expr(scope)}], axis=0))")
        elif form == "scale":
            out.append(f"{ind}{h} = fnp.tanh({h} * float({self.int_expr(scope)}))")
        elif form == "relu":
            out.append(f"{ind}{h} = fnp.maximum({h}, 0.0)")
        elif form == "append" and scope.has_rows:
            out.append(f"{ind}rows.append({self.choice([h, f'fnp.tanh({h})', f'{h} * 0.5'])})")
        elif form == "step_slice":
            step = self.choice(["2", "3", "-1", "-2"])
            out.append(f"{ind}{h} = {h} + fnp.sum({h}[{self.int_expr(scope)}::{step}] ** 2)")
        elif form == "dot_slice":
            k = self.fresh("k")
            out.append(f"{ind}{k} = {self.int_expr(scope)}")
            out.append(f"{ind}{h} = {h} - fnp.mean({h}[{k}:]) if len({h}[{k}:]) > 0 else {h}")
        elif form == "helper" and self.helpers:
            name, kind = self.choice(self.helpers)
            out.append(f"{ind}{h} = {self.helper_call(name, kind, scope)}")
        elif form == "method" and self.cls is not None and not scope.in_function:
            name, _ = self.cls
            out.append(f"{ind}{h} = {name}({self.int_expr(scope)}).apply({h}, {self.weight(scope)})")
        else:
            out.append(f"{ind}{h} = fnp.tanh({h} @ {self.weight(scope)})")

    def helper_call(self, name: str, kind: str, scope: Scope) -> str:
        h, w = scope.h, self.weight(scope)
        if kind == "rec":
            return f"{name}({h}, {w}, {self.small(scope, 4)})"
        if kind == "kw":
            args = [h, w]
            if self.draw(st.booleans()):
                args.append(self.int_expr(scope))
            if self.draw(st.booleans()):
                args.append(f"times={self.small(scope, 3)}")
            return f"{name}({', '.join(args)})"
        if kind == "varargs":
            extra = [self.int_expr(scope) for _ in range(self.draw(st.integers(0, 3)))]
            kw = self.choice(["", ", k=2", ", k=0, scale=3", ", **{'k': 1}"])
            star = self.choice(["", f", *[{self.int_expr(scope)}, 1]"])
            return f"{name}({h}, {w}{''.join(', ' + e for e in extra)}{star}{kw})"
        return f"{name}({h}, {w})"

    def block(self, scope: Scope, ind: str, depth: int, n=None) -> list:
        out: list = []
        n = n if n is not None else self.draw(st.integers(1, 3))
        for _ in range(n):
            self.stmt(scope, out, ind, depth)
        if not out:
            out.append(f"{ind}pass")
        return out

    def stmt(self, scope: Scope, out: list, ind: str, depth: int) -> None:
        kinds = ["op", "op", "int", "int", "if", "list"]
        if depth < 3:
            kinds += ["for", "for", "while", "try", "if"]
            if not scope.in_function:
                kinds += ["closure", "lambda"]
        if scope.in_loop:
            kinds += ["jump"]
        kind = self.choice(kinds)
        getattr(self, "stmt_" + kind)(scope, out, ind, depth)

    def stmt_op(self, scope, out, ind, depth):
        self.op_stmt(scope, out, ind)

    def stmt_int(self, scope, out, ind, depth):
        form = self.choice(["plain", "plain", "aug", "tuple", "walrus"])
        if form == "aug" and scope.ints:
            name = self.choice(scope.ints)
            if name[0] in "nk" and name[1:].isdigit():
                out.append(f"{ind}{name} {self.choice(['+=', '-=', '*=', '//=', '%='])} "
                           f"{self.choice(['2', '3', 'mlp.depth' if not scope.in_function else '2'])}")
                return
        name = self.fresh()
        if form == "tuple":
            other = self.fresh()
            out.append(f"{ind}{name}, {other} = {self.int_expr(scope)}, {self.int_expr(scope)}")
            if self.draw(st.booleans()):
                out.append(f"{ind}{name}, {other} = {other}, {name}")
            scope.ints += [name, other]
            return
        if form == "walrus":
            out.append(f"{ind}if ({name} := {self.int_expr(scope)}) > {self.int_expr(scope)}:")
            out.append(f"{ind}    {name} = {name} - 1")
            scope.ints.append(name)
            return
        out.append(f"{ind}{name} = {self.int_expr(scope)}")
        scope.ints.append(name)

    def stmt_if(self, scope, out, ind, depth):
        out.append(f"{ind}if {self.cond(scope)}:")
        out += self.block(scope.child(), ind + "    ", depth + 1)
        for _ in range(self.draw(st.integers(0, 2))):
            out.append(f"{ind}elif {self.cond(scope)}:")
            out += self.block(scope.child(), ind + "    ", depth + 1)
        if self.draw(st.booleans()):
            out.append(f"{ind}else:")
            out += self.block(scope.child(), ind + "    ", depth + 1)

    def stmt_jump(self, scope, out, ind, depth):
        out.append(f"{ind}if {self.cond(scope)}:")
        out.append(f"{ind}    {self.choice(['break', 'continue'])}")

    def stmt_list(self, scope, out, ind, depth):
        form = self.choice(["new", "new", "append", "pop", "slice", "unpack", "comp", "dict", "extend",
                            "insert", "sort", "concat", "tuple_unpack", "dict_iter", "index", "del", "setitem",
                            "slice_assign", "remove", "alias", "set", "dict_del"])
        if form == "new" or not scope.lists:
            name = self.fresh("lst")
            src = self.choice([
                f"[{self.int_expr(scope)}, {self.int_expr(scope)}]",
                f"list(range({self.small(scope, 6)}))",
                f"list(range({self.small(scope, 6)}, -1, -2))",
                f"[i * 2 for i in range({self.small(scope, 5)}) if i != 1]",
                "[len(w) for w in mlp.weights]" if not scope.in_function else "[1, 2, 3]",
                f"sorted([{self.int_expr(scope)}, {self.int_expr(scope)}, 3], reverse=True)",
                f"[x for x in [{self.int_expr(scope)}, 4] for _ in range(2)]",
            ])
            out.append(f"{ind}{name} = {src}")
            scope.lists.append(name)
            return
        lst = self.choice(scope.lists)
        if form == "append":
            out.append(f"{ind}{lst}.append({self.int_expr(scope)})")
        elif form == "pop":
            idx = self.choice(["", "0", "-1"])
            name = self.fresh()
            out.append(f"{ind}{name} = {lst}.pop({idx}) if {lst} else {self.int_expr(scope)}")
            scope.ints.append(name)
        elif form == "slice":
            out.append(f"{ind}{lst} = {lst}[{self.choice(['1:', ':-1', '::2', '::-1', ':3', '-2:'])}]")
        elif form == "unpack":
            a, b = self.fresh(), self.fresh("lst")
            out.append(f"{ind}{a}, *{b} = {lst} + [{self.int_expr(scope)}]")
            scope.ints.append(a)
            scope.lists.append(b)
        elif form == "comp":
            name = self.fresh("lst")
            out.append(f"{ind}{name} = [v {self.choice(['+', '*', '-'])} {self.int_expr(scope)} for v in {lst} "
                       f"if v {self.choice(['>', '<', '!='])} {self.int_expr(scope)}]")
            scope.lists.append(name)
        elif form == "dict":
            d, name = self.fresh("d"), self.fresh()
            out.append(f"{ind}{d} = {{'a': {self.int_expr(scope)}, 'b': len({lst})}}")
            out.append(f"{ind}{d}[{self.choice(['a', 'c'])!r}] = {self.int_expr(scope)}")
            out.append(f"{ind}{name} = {d}.get({self.choice(['a', 'b', 'c', 'z'])!r}, {self.int_expr(scope)}) + "
                       f"len({d}) + sum({d}.values())")
            scope.ints.append(name)
        elif form == "extend":
            out.append(f"{ind}{lst}.extend([{self.int_expr(scope)}] * {self.choice(['0', '1', '2'])})")
        elif form == "insert":
            out.append(f"{ind}{lst}.insert({self.choice(['0', '1', '-1', '10'])}, {self.int_expr(scope)})")
        elif form == "sort":
            out.append(f"{ind}{lst}.sort({self.choice(['', 'reverse=True'])})")
            name = self.fresh()
            out.append(f"{ind}{name} = {lst}[0] if {lst} else 0")
            scope.ints.append(name)
        elif form == "concat":
            out.append(f"{ind}{lst} = {lst} + {self.choice(scope.lists)}[:2]")
        elif form == "tuple_unpack":
            a, b, c = self.fresh(), self.fresh(), self.fresh()
            out.append(f"{ind}({a}, {b}), {c} = ({self.int_expr(scope)}, len({lst})), {self.int_expr(scope)}")
            scope.ints += [a, b, c]
        elif form == "dict_iter":
            d, name = self.fresh("d"), self.fresh()
            out.append(f"{ind}{d} = {{v: i for i, v in enumerate({lst})}}")
            out.append(f"{ind}{name} = 0")
            out.append(f"{ind}for key, val in {d}.items():")
            out.append(f"{ind}    {name} += key * val")
            scope.ints.append(name)
        elif form == "del":
            out.append(f"{ind}if {lst}:")
            out.append(f"{ind}    del {lst}[{self.choice(['0', '-1'])}]")
        elif form == "setitem":
            out.append(f"{ind}if len({lst}) > 1:")
            out.append(f"{ind}    {lst}[{self.choice(['0', '-1', '1'])}] = {self.int_expr(scope)}")
        elif form == "slice_assign":
            out.append(f"{ind}{lst}[{self.choice(['1:', ':1', ':'])}] = [{self.int_expr(scope)}, {self.int_expr(scope)}]")
        elif form == "remove":
            x = self.int_expr(scope)
            out.append(f"{ind}if {x} in {lst}:")
            out.append(f"{ind}    {lst}.remove({x})")
        elif form == "alias":
            alias = self.fresh("lst")
            out.append(f"{ind}{alias} = {lst}")
            out.append(f"{ind}{alias} += [{self.int_expr(scope)}]")
            scope.lists.append(alias)
        elif form == "set":
            name = self.fresh()
            out.append(f"{ind}{name} = len({{{self.int_expr(scope)} % 3, {self.int_expr(scope)} % 3, 1}}) + "
                       f"len(set({lst}))")
            scope.ints.append(name)
        elif form == "dict_del":
            d, name = self.fresh("d"), self.fresh()
            out.append(f"{ind}{d} = {{v: v for v in {lst}}}")
            out.append(f"{ind}if {d}:")
            out.append(f"{ind}    del {d}[list({d})[{self.choice(['0', '-1'])}]]")
            out.append(f"{ind}{name} = len({d})")
            scope.ints.append(name)
        elif form == "index":
            name = self.fresh()
            x = self.int_expr(scope)
            out.append(f"{ind}{name} = {lst}.index({x}) + {lst}.count({x}) if {x} in {lst} else -1")
            scope.ints.append(name)

    def stmt_for(self, scope, out, ind, depth):
        i = self.fresh("i")
        body_scope = scope.child(in_loop=True)
        body_scope.ints = scope.ints + [i]
        form = self.choice(["range", "range", "range2", "range_step", "range_neg", "enum_w", "zip", "reversed",
                            "list", "enum_list"])
        if form == "range":
            header = f"for {i} in range({self.small(scope)}):"
        elif form == "range2":
            header = f"for {i} in range({self.int_expr(scope)} % 3, {self.small(scope, 6)}):"
        elif form == "range_step":
            header = f"for {i} in range({self.int_expr(scope)} % 2, {self.small(scope, 8)}, {self.choice(['2', '3'])}):"
        elif form == "range_neg":
            header = f"for {i} in range({self.small(scope, 5)}, {self.choice(['-1', '0', '2'])}, " \
                     f"{self.choice(['-1', '-2'])}):"
        elif form == "enum_w" and scope.weights is not None:
            body_scope.weights = None  # `w` is in scope
            header = f"for {i}, w in enumerate({scope.weights}{self.choice(['', '[::-1]', '[1:]'])}):"
        elif form == "zip" and scope.weights is not None:
            body_scope.weights = None
            header = f"for w, {i} in zip({self.choice([scope.weights, f'reversed({scope.weights})'])}, " \
                     f"range({self.int_expr(scope)} % 4, 9)):"
        elif form == "reversed" and scope.lists:
            header = f"for {i} in reversed({self.choice(scope.lists)}[:5]):"
        elif form == "list" and scope.lists:
            header = f"for {i} in {self.choice(scope.lists)}[:4]:"
        elif form == "enum_list" and scope.lists:
            j = self.fresh("i")
            body_scope.ints.append(j)
            header = f"for {j}, {i} in enumerate({self.choice(scope.lists)}[:4], {self.choice(['0', '1'])}):"
        else:
            header = f"for {i} in range({self.small(scope)}):"
        out.append(ind + header)
        out += self.block(body_scope, ind + "    ", depth + 1)
        if self.chance(3):
            out.append(f"{ind}else:")
            out += self.block(scope.child(), ind + "    ", depth + 1)

    def stmt_while(self, scope, out, ind, depth):
        j = self.fresh("j")
        body_scope = scope.child(in_loop=True)
        body_scope.ints = scope.ints + [j]
        form = self.choice(["bound", "true", "drain"])
        out.append(f"{ind}{j} = {self.choice(['0', '1', '-1'])}")
        if form == "bound":
            out.append(f"{ind}while {j} < {self.small(scope, 4)}:")
            out.append(f"{ind}    {j} += 1")
        elif form == "true":
            out.append(f"{ind}while True:")
            out.append(f"{ind}    {j} += {self.choice(['1', '2'])}")
            out.append(f"{ind}    if {j} > {self.small(scope, 4)}:")
            out.append(f"{ind}        break")
        else:
            stack = self.fresh("stack")
            out.append(f"{ind}{stack} = list(range({self.small(scope, 4)}))")
            out.append(f"{ind}while {stack}:")
            out.append(f"{ind}    {j} = {stack}.pop()")
        out += self.block(body_scope, ind + "    ", depth + 1)
        if self.chance(3):
            out.append(f"{ind}else:")
            out += self.block(scope.child(), ind + "    ", depth + 1)

    def stmt_try(self, scope, out, ind, depth):
        form = self.choice(["zero", "index", "key", "value", "raise_in_helper", "nested", "user_exc"])
        inner = scope.child()
        out.append(f"{ind}try:")
        body = ind + "    "
        if self.draw(st.booleans()):
            out += self.block(inner.child(), body, depth + 1, n=1)
        q = self.fresh()
        if form == "zero":
            a = self.int_expr(scope)
            out.append(f"{body}{q} = {self.int_expr(scope)} {self.choice(['//', '%', '/'])} ({a} - {a} % 3)")
            catch = self.choice(["ZeroDivisionError", "ArithmeticError", "Exception", "(ValueError, ZeroDivisionError)"])
        elif form == "index":
            lst = self.choice(scope.lists) if scope.lists else "[1, 2]"
            out.append(f"{body}{q} = {lst}[{self.int_expr(scope)}]")
            catch = self.choice(["IndexError", "LookupError", "(KeyError, IndexError)"])
        elif form == "key":
            out.append(f"{body}{q} = {{'a': 1, 'b': 2}}[{self.choice(['a', 'c'])!r}] + 0")
            catch = self.choice(["KeyError", "LookupError"])
        elif form == "value":
            out.append(f"{body}if {self.cond(scope)}:")
            out.append(f"{body}    raise ValueError('chosen')")
            out.append(f"{body}{q} = 1")
            catch = self.choice(["ValueError", "Exception"])
        elif form == "user_exc":
            out.append(f"{body}if {self.cond(scope)}:")
            out.append(f"{body}    raise {self.choice(['BadStep', 'WorseStep'])}('chosen')")
            out.append(f"{body}{q} = 1")
            catch = self.choice(["ValueError", "BadStep", "(KeyError, BadStep)", "Exception"])
        elif form == "raise_in_helper":
            out.append(f"{body}{q} = checked({self.int_expr(scope)})")
            catch = "ValueError"
        else:
            out.append(f"{body}try:")
            out.append(f"{body}    {q} = [1, 2, 3][{self.int_expr(scope)}]")
            out.append(f"{body}except KeyError:")
            out.append(f"{body}    {q} = 5")
            catch = self.choice(["IndexError", "LookupError"])
        out += self.block(inner.child(), body, depth + 1, n=self.draw(st.integers(0, 2)))
        out.append(f"{ind}except {catch}{self.choice(['', ' as err'])}:")
        out += self.block(scope.child(), ind + "    ", depth + 1, n=self.draw(st.integers(1, 2)))
        if self.chance(2):
            out.append(f"{ind}else:")
            out += self.block(scope.child(), ind + "    ", depth + 1, n=1)
        if self.chance(3):
            out.append(f"{ind}finally:")
            out += self.block(scope.child(in_loop=False), ind + "    ", depth + 1, n=1)

    def stmt_closure(self, scope, out, ind, depth):
        name = self.fresh("inner")
        m = self.fresh("m")
        captured = self.choice(scope.ints) if scope.ints else "mlp.width"
        out.append(f"{ind}def {name}(v, {m}={self.int_expr(scope)}):")
        out.append(f"{ind}    for _ in range(min({m} + {captured}, 3) % 3):")
        out.append(f"{ind}        v = fnp.tanh(v @ mlp.weights[({m} + {captured}) % mlp.depth])")
        out.append(f"{ind}    return v")
        if self.chance(3):
            counter = self.fresh("n")
            out.append(f"{ind}{counter} = 0")
            out.append(f"{ind}def {name}_count():")
            out.append(f"{ind}    nonlocal {counter}")
            out.append(f"{ind}    {counter} += 1")
            for _ in range(self.draw(st.integers(1, 3))):
                out.append(f"{ind}{name}_count()")
            scope.ints.append(counter)
        if scope.ints and self.draw(st.booleans()):
            tgt = self.choice([n for n in scope.ints if n.startswith("n")] or [None])
            if tgt:
                out.append(f"{ind}{tgt} = {self.int_expr(scope)}")  # late binding: the call sees this value
        out.append(f"{ind}{scope.h} = {name}({scope.h}{self.choice(['', ', 1', f', {m}=2'])})")

    def stmt_lambda(self, scope, out, ind, depth):
        f = self.fresh("f")
        out.append(f"{ind}{f} = lambda a, b={self.choice(['2', '3'])}: "
                   f"{self.choice(['a * b + 1', 'a // b', 'max(a, b) - min(a, b)', '(a, b)[a % 2]'])}")
        name = self.fresh()
        if scope.lists and self.draw(st.booleans()):
            out.append(f"{ind}{name} = sum(map({f}, {self.choice(scope.lists)})) + "
                       f"len(list(filter(lambda z: z % 2, {self.choice(scope.lists)})))")
        else:
            out.append(f"{ind}{name} = {f}({self.int_expr(scope)}) + {f}(1, b={self.int_expr(scope)} % 5 + 1)")
        scope.ints.append(name)

    # ------------------------------------------------------------ functions and classes
    def helper(self, index: int) -> list:
        kind = self.choice(["rec", "kw", "varargs", "plain"])
        name = f"helper{index}"
        hs = Scope(["n"] if kind == "rec" else [], weights=None, depth_name="1", has_rows=False, in_function=True)
        lines = []
        if kind == "rec":
            lines.append(f"def {name}(h, w, n):")
            lines.append("    if n <= 0:")
            lines.append("        return h")
            lines += self.block(hs.child(ints=["n"]), "    ", 2, n=self.draw(st.integers(1, 2)))
            lines.append(f"    return {name}(fnp.tanh(h @ w), w, n - {self.choice(['1', '2'])})")
        elif kind == "kw":
            default = self.choice(["1", "2"] + [c for c in self.constants if c == "SHIFT"])
            lines.append(f"def {name}(h, w, k={default}, *, times=2):")
            lines.append("    for _ in range(max(0, min(times, 3))):")
            lines += self.block(hs.child(ints=["k", "times"], in_loop=True), "        ", 2,
                                n=self.draw(st.integers(1, 2)))
            lines.append("    return h")
        elif kind == "varargs":
            lines.append(f"def {name}(h, w, *args, **kw):")
            lines.append("    total = sum(args) + len(kw) + kw.get('k', 1) * kw.get('scale', 1)")
            lines += self.block(hs.child(ints=["total", "len(args)"]), "    ", 2, n=self.draw(st.integers(1, 3)))
            lines.append("    return h")
        else:
            lines.append(f"def {name}(h, w):")
            lines += self.block(hs.child(ints=["h.shape[0]"]), "    ", 2, n=self.draw(st.integers(1, 3)))
            lines.append("    return h")
        self.helpers.append((name, kind))
        return lines

    def classes(self) -> list:
        base_steps = self.choice(["self.k + self.SCALE", "self.k % 3", "len(self.parts)", "self.steps_of(self.k)"])
        lines = [
            "class Cell:",
            f"    SCALE = {self.choice(['0', '1', '2'])}",
            "",
            f"    def __init__(self, k, extra={self.choice(['1', '2'])}):",
            "        self.k = k",
            "        self.extra = extra",
            "        self.parts = [p for p in range(k % 4)]",
            "",
            "    @classmethod",
            "    def steps_of(cls, k):",
            "        return (k + cls.SCALE) % 3",
            "",
            "    @property",
            "    def steps(self):",
            f"        return max(0, min({base_steps}, 3))",
            "",
            "    def apply(self, h, w):",
            "        for _ in range(self.steps):",
            "            h = fnp.tanh(h @ w)",
            "        return h",
        ]
        name = "Cell"
        if self.draw(st.booleans()):
            lines += [
                "",
                "",
                "class SubCell(Cell):",
                f"    SCALE = {self.choice(['1', '3'])}",
                "",
                "    def __init__(self, k):",
                f"        super().__init__(k + {self.choice(['0', '1'])}, extra={self.choice(['2', '3'])})",
                "",
                "    def apply(self, h, w):",
                "        h = super().apply(h, w)",
                f"        if self.extra {self.choice(['>', '<'])} 2:",
                "            h = h * float(self.extra)",
                "        return h",
            ]
            name = "SubCell"
        self.cls = (name, ["apply"])
        return lines


@st.composite
def programs(draw):
    width = draw(st.integers(4, 12))
    depth = draw(st.integers(1, 4))
    budget = draw(st.sampled_from(BUDGETS))
    gen = CFGen(draw)
    module: list = []
    for name in ("SHIFT", "LIMIT")[: draw(st.integers(0, 2))]:
        module.append(f"{name} = {draw(st.integers(-2, 6))}")
        gen.constants.append(name)
    module += ["", "", "class BadStep(ValueError):", "    pass", "", "", "class WorseStep(BadStep):", "    pass"]
    module += ["", "", "def checked(v):", "    if v % 3 == 0:", "        raise ValueError(f'bad {v}')",
               "    return v // 3"]
    for index in range(draw(st.integers(1, 3))):
        module += ["", ""] + gen.helper(index)
    if draw(st.integers(0, 2)) == 0:
        module += ["", ""] + gen.classes()
    scope = Scope(["W", "D"])
    body = [
        "        W, D = mlp.width, mlp.depth",
        "        h = fnp.ones(W, dtype=fnp.float32)",
        "        rows = []",
    ]
    body += gen.block(scope, "        ", 0, n=draw(st.integers(2, 6)))
    source = HEADER + "\n".join(module) + "\n\n\nclass Estimator(BaseEstimator):\n" \
        "    def predict(self, mlp: MLP, budget: int):\n" + "\n".join(body) + "\n" + RETURN + "\n"
    return width, depth, budget, source


STATS = {"compared": 0, "rejected_raises": 0, "rejected_budget": 0}


def check_program(width: int, depth: int, budget: int, source: str, folder: Path) -> None:
    path = Path(tempfile.mkdtemp(dir=folder)) / "estimator.py"
    path.write_text(source)
    point = Point(width, depth, budget)
    where = f"\n--- at width={width} depth={depth} budget={budget}:\n{source}"
    try:
        measured = measure(path, point)
    except Exception as exc:  # noqa: BLE001
        if type(exc).__name__ == "BudgetExhaustedError":
            STATS["rejected_budget"] += 1
        else:
            STATS["rejected_raises"] += 1
            if os.environ.get("FLOPCAST_FUZZ_SHOW_REJECTS"):
                print(f"REJECT {type(exc).__name__}: {exc}{where}")
        reject()
    STATS["compared"] += 1
    report = analyze(path, point)
    assert not report.unpriced, f"unpriced: {report.unpriced}{where}"
    assert_exact_match(report, measured, where)


#: 75 programs in CI (session 48 halved the 250 to 125, session 52 cut to 75: the suite's time); the
#: 125 under FLOPCAST_FUZZ_FULL=1. How many were compared and rejected: test_print_fuzz_statistics
#: under `pytest -s`.
_EXAMPLES = fuzz_examples(committed=75, full=125)
_SEED = os.environ.get("FLOPCAST_FUZZ_SEED")
#: The programs are drawn in shards, each its own test, so xdist's workers share them: one test of
#: 250 programs was the suite's longest (40-64 s), carried by one worker at the end. Hypothesis
#: seeds each parametrized case apart (its node id joins the derandomized digest), so the shards
#: draw different programs.
_SHARDS = 5


@pytest.mark.parametrize("shard", range(_SHARDS))
@settings(max_examples=max(1, _EXAMPLES // _SHARDS), deadline=None, derandomize=_SEED is None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(programs())
def test_control_flow_static_count_equals_flopscope(tmp_path, shard, case):
    width, depth, budget, source = case
    check_program(width, depth, budget, source, tmp_path)


if _SEED is not None:
    test_control_flow_static_count_equals_flopscope = seed(int(_SEED))(test_control_flow_static_count_equals_flopscope)


def test_print_fuzz_statistics():
    """Not a check: `pytest -s` shows how many programs were compared and rejected."""
    print(f"\ncontrol-flow fuzz: {STATS}")
