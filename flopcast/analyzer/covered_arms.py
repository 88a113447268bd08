"""A conditional expression whose arms differ only in a float: ``num / den if den > 0 else 0.0``.

Guards like ``cond = float(s[0]) / smallest if smallest > 0 else math.inf`` are everywhere in
diagnostics code. Their test reads data, so each one used to be a value-dependent site, and the
paths doubled with each: portfolio_atlas's diagnostics passed the 64-path cap with three of them
among twelve sites, though no answer charges anything.

When the body is plain Python arithmetic on numbers read from data, it charges nothing and
changes nothing but its value, an unknown float (``Unknown('float')``) that stands for any float
whatever: a float read from data may be 0, an infinity or a NaN, and every use of it that
depends on which one is already a site or unpriced. The orelse, a float literal, is one of those
floats. So the path that takes the body covers the path that takes the orelse: same charges, same
state, but for one float the body's path leaves unknown and the orelse's knows; every run the
orelse's path stands for is a run the body's path stands for. The expression then takes its body
without asking a site, and no answer is lost: the interval and the exactness are as the two paths
gave them together, from half the paths (``tests/test_covered_arms.py``).

What must hold, and is checked before the body is kept (``covering_body``):

* the orelse is a float literal (``0.0``, ``-1.0``, ``math.inf``, ``-math.nan``): evaluating it
  does nothing, and its value is a Python float;
* the body is names, number literals, the MLP's numbers (``mlp.seed``), ``+ - * /``, unary
  ``-``/``+`` and ``float(x)`` of a name or of a known item of a 1-D float array, whose names hold
  Python numbers (known or read from data with no bounds, no watched counter) and, inside
  ``float()``, a float array of one element or a numpy float, of values not known: no operator of
  an array, no user code, nothing priced;
* the body, evaluated as the path that takes it would (the test's bound in force: ``/ den`` after
  ``den > 0`` cannot divide by zero), asks no site, presumes no raise, charges, notes or leaves
  unpriced nothing, and raises nothing: each of those aborts the evaluation before it happens
  (``_Refusals``), and the site is then asked as before;
* its value is a fresh unknown float with nothing known of it (no bounds, no presumption, no
  floor): the orelse's float is one of the values it stands for.

The test's bound (``den > 0``: RunResult.floors) holds only while the body is evaluated: after
the expression the number may be anything the orelse's path allows. A site with a presumption
(a safety net, whose nominal answer the report names) and a replay of observed answers
(calibration) keep asking the site; the guards a path covered are listed (RunResult.covered) so
that the calibration's small run watches them too.

The same holds of any choice between two numbers of one Python type, at least one of them read
from data with nothing known of it, when neither arm does anything but make its number
(``default_rng(mlp.seed or 7)``, ``mlp.seed if mlp.seed else 7``, ``float(fnp.mean(d)) or 1.0``,
``x if t > 0 else 0.5`` of an unknown float ``x``): the number read from data already stands for
every number of its type, so a fresh unknown of that type stands for what either arm gives, and
the path that holds it covers both. Both arms' paths charge the same (the test, evaluated before,
is charged on both; the arms charge nothing) and leave the same state but for that number. So the
choice takes no site, its value is the fresh unknown (``joined``), and every later use reads it as
data: a test of it is a site there with both answers, a size or a trip count made of it is
unbounded. The type must be the same (``seed or 7.0`` is an int or a float, which later arithmetic
promotes apart), and the unknown must carry no bound, no relation to a selection and no
presumption, which the fresh one would lose; it keeps only where the number was read (``machine``,
check rule FC303). A fresh value is tied to nothing: not to the arm it may equal (``s = mlp.seed
or 7`` then ``s == mlp.seed`` is a site, not a known answer), nor to the line (its ``origin`` is
left for the use to place, as ``mlp.seed``'s is), so a data integer read elsewhere is never taken
at the same end as it (``tests/test_joined_arms.py``: a seed default in every layer's loop, a
later test of the joined number, each against the real flopscope).
"""

from __future__ import annotations

import ast
import math
from typing import Optional

from flopcast.analyzer.interpreter.control import PathEnd
from flopcast.analyzer.values import Array, Known, LibRef, MLPVal, NumpyScalar, Unknown, UserRaise, Value

#: The operators of the body: Python's arithmetic on its numbers, which charges nothing.
_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div)
#: The MLP's numbers an arm may read (``mlp.seed``).
_MLP_NUMBERS = frozenset({"width", "depth", "seed"})
#: Floats of the math module an orelse may name.
_MATH_FLOATS = frozenset({"inf", "nan", "pi", "e", "tau"})


def covering_body(interp, node: ast.IfExp) -> Optional[Value]:
    """The value of ``node``'s body when the path taking it covers the one taking its orelse (see
    the module's docstring), evaluated under the test's bound, or the fresh number that stands for
    both arms (``joined``); None when neither (nothing was done: the caller asks the site as before)."""
    if interp.decisions.per_execution:
        return None
    leaves: list = []
    value = _evaluated(interp, node.body, leaves, node.test)
    if value is None:
        return None
    if _float_literal(interp, node.orelse) and value.__class__ is Unknown and value.kind == "float" \
            and value.lo is None and value.hi is None and not value.chain and value.counts is None \
            and value.presumed is None and id(value) not in interp.result.floors \
            and not any(value is leaf for leaf in leaves):
        return value
    return joined(value, _evaluated(interp, node.orelse, []))


def joined_or(interp, node: ast.BoolOp, first: Value) -> Optional[Value]:
    """``first or last`` (``node``'s two last operands, ``first`` the value of the one before the
    last) as the fresh number standing for both (the module's docstring), when ``last`` is plain
    arithmetic that makes a number of ``first``'s type; None when not (nothing was done)."""
    if interp.decisions.per_execution or not _joinable(first):
        return None
    value = joined(first, _evaluated(interp, node.values[-1], []))
    if value is not None:
        interp.unasked += 1
        interp.result.covered.add(interp.node_span(node.values[-2]))
    return value


def joined(one: Optional[Value], other: Optional[Value]) -> Optional[Value]:
    """A fresh unknown number standing for ``one`` and ``other`` (each a known number or one read
    from data, ``_joinable``), when they are of one Python type, int or float, and at least one is
    read from data; None otherwise. A float keeps the bounds both arms share (a norm or its
    default 1.0 is at least 0); an int keeps none, which only an int with none may be."""
    arms = (one, other)
    if None in arms or not any(v.__class__ is Unknown for v in arms) \
            or not all(v.__class__ is Known and type(v.value) in (int, float) or _joinable(v) for v in arms):
        return None
    kinds = {v.kind if v.__class__ is Unknown else type(v.value).__name__ for v in arms}
    if len(kinds) != 1:
        return None
    unknown = next(v for v in arms if v.__class__ is Unknown)
    machine = next((v.machine for v in arms if v.__class__ is Unknown and v.machine is not None), None)
    lo = hi = None
    if unknown.kind == "float":
        ends = [(v.value, v.value) if v.__class__ is Known else (v.lo, v.hi) for v in arms]
        if all(math.isfinite(v.value) for v in arms if v.__class__ is Known):
            lows, highs = [a for a, _ in ends], [b for _, b in ends]
            lo = None if None in lows else min(lows)
            hi = None if None in highs else max(highs)
    return Unknown(unknown.kind, None, unknown.reason, lo=lo, hi=hi, machine=machine)


def _joinable(value: Value) -> bool:
    """A Python number read from data that a fresh one may stand for: an int with nothing known of
    it (a bound or a relation to a selection would be lost, and its sizes with it), or a float of
    any bounds (kept where both arms share them) but no relation to other values or presumption."""
    if value.__class__ is not Unknown or value.chain or value.counts is not None or value.presumed is not None \
            or value.text_or_none:
        return False
    return value.kind == "float" or value.kind == "int" and value.lo is None and value.hi is None


def _evaluated(interp, node: ast.expr, leaves: list, test: Optional[ast.expr] = None) -> Optional[Value]:
    """The value of ``node`` when it is plain arithmetic (``_plain_arithmetic``, whose leaves go to
    ``leaves``), evaluated as the path taking it would (under ``test``'s bound: ``/ den`` after
    ``den > 0``) where asking a site, presuming, charging, noting or leaving anything unpriced is
    refused (``_Refusals``); None when it is not, tried one of those or raised (nothing was done).
    The bound holds only while ``node`` is evaluated."""
    if not _plain_arithmetic(interp, node, leaves):
        return None
    floors = interp.result.floors
    before = dict(floors)
    if test is not None:
        interp.floor_compared(test, True)
    bound = {k: before.get(k) for k in floors if floors[k] is not before.get(k)}
    try:
        with _Refusals(interp):
            return interp.eval(node)
    except (_Refused, UserRaise, PathEnd):
        return None
    finally:
        for k, held in bound.items():
            if held is None:
                floors.pop(k, None)
            else:
                floors[k] = held


def _float_literal(interp, node: ast.expr) -> bool:
    """``0.0``, ``-1e30``, ``math.inf``, ``-math.nan``: a Python float, evaluated by doing nothing."""
    if node.__class__ is ast.UnaryOp and node.op.__class__ in (ast.USub, ast.UAdd):
        node = node.operand
    if node.__class__ is ast.Constant:
        return type(node.value) is float
    if node.__class__ is ast.Attribute and node.attr in _MATH_FLOATS and node.value.__class__ is ast.Name:
        module = interp.peek(node.value)
        return module.__class__ is LibRef and module.path == "py:math"
    return False


def _plain_arithmetic(interp, node: ast.expr, leaves: list) -> bool:
    """Whether ``node`` is arithmetic on Python numbers whose evaluation can price, run or change
    nothing (the module's docstring); the values its names hold go to ``leaves``."""
    cls = node.__class__
    if cls is ast.Constant:
        return type(node.value) in (int, float)
    if cls is ast.Name:
        value = interp.peek(node)
        leaves.append(value)
        return _plain_number(interp, value)
    if cls is ast.UnaryOp:
        return node.op.__class__ in (ast.USub, ast.UAdd) and _plain_arithmetic(interp, node.operand, leaves)
    if cls is ast.BinOp:
        return node.op.__class__ in _OPERATORS and _plain_arithmetic(interp, node.left, leaves) \
            and _plain_arithmetic(interp, node.right, leaves)
    if cls is ast.Attribute:
        # `mlp.seed if mlp.seed else 7`: a field of the MLP, read without running any code (an
        # attribute of the program's objects may be a property that does)
        if node.value.__class__ is not ast.Name or node.attr not in _MLP_NUMBERS \
                or interp.peek(node.value).__class__ is not MLPVal:
            return False
        value = interp.get_attr(interp.peek(node.value), node.attr, interp.node_span(node))
        leaves.append(value)
        return _plain_number(interp, value)
    if cls is ast.Call:
        return node.func.__class__ is ast.Name and node.func.id == "float" and interp.peek(node.func) is None \
            and len(node.args) == 1 and not node.keywords and _float_argument(interp, node.args[0], leaves)
    return False


def _float_argument(interp, node: ast.expr, leaves: list) -> bool:
    """``x`` in ``float(x)``: a plain number, a float array of one element, or ``a[k]`` of a 1-D
    float array by a known index in range (numpy's element, which float() reads for free)."""
    if node.__class__ is ast.Name:
        value = interp.peek(node)
        leaves.append(value)
        return _plain_number(interp, value) or value.__class__ in (Array, NumpyScalar) \
            and str(value.dtype).startswith("float") and value.value is None \
            and (value.__class__ is NumpyScalar or value.size == 1)
    if node.__class__ is ast.Subscript and node.value.__class__ is ast.Name:
        array = interp.peek(node.value)
        index = _literal_int(node.slice)
        leaves.append(array)
        return array.__class__ is Array and len(array.shape) == 1 and str(array.dtype).startswith("float") \
            and index is not None and -array.shape[0] <= index < array.shape[0]
    return False


def _literal_int(node: ast.expr) -> Optional[int]:
    sign = 1
    if node.__class__ is ast.UnaryOp and node.op.__class__ is ast.USub:
        node, sign = node.operand, -1
    if node.__class__ is ast.Constant and type(node.value) is int:
        return sign * node.value
    return None


def _plain_number(interp, value) -> bool:
    """A Python int or float, known or read from data with nothing known of it, that no loop's
    counter watch follows (its arithmetic would be an event of the watch)."""
    watch = interp.counter_watch
    if value.__class__ is Known:
        return type(value.value) in (int, float) and (watch is None or not watch.sees(value))
    # (a float known only to be at least 0, a norm's or a mean of a ReLU's: signs.py, is as plain:
    # the bound only removes raises the body is asked for, and the body's value must still be a
    # float with nothing known of it)
    return value.__class__ is Unknown and value.kind in ("float", "int") \
        and (value.lo is None or value.kind == "float" and value.lo >= 0) \
        and value.hi is None and not value.chain and value.counts is None


class _Refused(Exception):
    """The body tried to do something a covering body may not (see _Refusals)."""


class _Refusals:
    """While the body is evaluated: every way the interpreter asks a site, presumes a raise away,
    charges, notes or leaves something unpriced raises _Refused before it is done, so an aborted
    evaluation has changed nothing (instance attributes shadow the methods, removed after)."""

    _METHODS = ("presume_no_raise", "emit", "_unpriced_at", "note", "raise_on_values")

    def __init__(self, interp) -> None:
        self.interp = interp
        self.decisions = interp.decisions

    def __enter__(self) -> None:
        for name in self._METHODS:
            setattr(self.interp, name, _refuse)
        self.interp.decisions = _NoSites(self.decisions)

    def __exit__(self, *exc) -> None:
        for name in self._METHODS:
            delattr(self.interp, name)
        self.interp.decisions = self.decisions


def _refuse(*args, **kwargs):
    raise _Refused()


class _NoSites:
    """The path's Decisions, but asking or consulting a site is refused."""

    def __init__(self, decisions) -> None:
        self._decisions = decisions

    def __getattr__(self, name: str):
        return getattr(self._decisions, name)

    def choose(self, *args, **kwargs):
        raise _Refused()

    consult_again = choose
