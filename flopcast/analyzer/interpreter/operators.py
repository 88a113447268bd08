"""Boolean, comparison, unary and binary operators, on Python values and on arrays.
"""

from __future__ import annotations

import ast
import builtins
import decimal
import operator
from typing import Any, Optional

from flopcast.analyzer import (bool_keys, chain_maps, covered_arms, dataints, dunders, flags, ops, plain_numpy, presumptions,
                               scalar_values, signs, sizetests, stdlib_containers)
from flopcast.analyzer.decisions import Site
from flopcast.analyzer import spent_ranges
from flopcast.analyzer.spent_ranges import SpentKnown
from flopcast.analyzer.values import (Array, Builtin, ChainMapVal, ClassVal, CountKnown, DequeVal, dict_key, DictVal,
                                      DTypeRef, equal_only_to_itself, FunctionVal, InstanceVal, is_number, key_value,
                                      Known, LibRef, ListVal, make_tuple, may_hold_known_key, not_iterable, NpzFile,
                                      NumpyScalar, plain_member, python_raise, SeqIterator, surely_missing, TupleVal,
                                      Unknown, UserRaise, Value, machine_of)
from flopcast.model import Machine
from flopcast.analyzer.interpreter.classes import _is_enum_member, _python_type_name
from flopcast.analyzer.interpreter.common import _source
from flopcast.analyzer.interpreter.control import PathEnd


_RAISING_OPERATORS = frozenset({"Div", "FloorDiv", "Mod", "Pow"})


def _plain_scalar(v: Value) -> bool:
    """A Python number or constant: comparing two of them charges nothing and runs no user code."""
    return _python_number(v) or v.__class__ is Known and type(v.value) in (str, type(None))


def _chain_false(step: Value, condition) -> Value:
    """A chained comparison's value where a step is false: that step's value (an array step is
    returned as is), False where only its truth is asked or it is a Python bool."""
    if condition is not None or step.__class__ is Unknown and step.kind == "bool":
        return Known(False)
    return step


def _python_number(v: Value) -> bool:
    """A Python int, float or bool, known or read from data (not a numpy scalar, not an array)."""
    if v.__class__ is Known:
        return type(v.value) in (int, float, bool)
    return v.__class__ is Unknown and v.kind in ("int", "float", "bool")


class Operators:
    """The Interpreter's methods for boolean, comparison, unary and binary operators, on Python values and on arrays."""

    def expr_BoolOp(self, node: ast.BoolOp) -> Value:
        """`a and b` / `a or b` with Python's short-circuit: when an operand's truth depends on
        values, the path decides it (a site at the operand), so the operands after it are
        evaluated, and charged, only on the paths where Python evaluates them."""
        is_and = isinstance(node.op, ast.And)
        condition, self._condition = self._condition, None  # operands' own sub-expressions are not it
        by_site = False  # the operand the value came from was decided by a site (Truth.truth reads it)
        try:
            last: Value = Known(is_and)
            for i, v in enumerate(node.values):
                last = self.eval(v)
                by_site = False
                if i < len(node.values) - 1:
                    self.check_array_truth(last, v)
                tested = last
                if isinstance(last, CountKnown):  # only its truth is asked here: `len(idx) and ...`
                    tested = self.size_truth(last, v)
                    last = last if isinstance(tested, Known) else tested
                elif last.__class__ is InstanceVal:
                    if i == len(node.values) - 1:
                        return last  # the last operand's truth is not asked here (an `if` asks the result's)
                    # `Flag(False) or default`: the object, by its __bool__ (asked once: the truth
                    # stands for it when the whole expression is only tested)
                    tested = self.size_truth(last, v)
                    if condition is not None:
                        last = tested
                t = self.known_truth(tested)
                if t is None:
                    if isinstance(last, Array) and i == len(node.values) - 1:
                        return last
                    if not is_and and condition is None and _or_zero(last, node.values[i + 1:]):
                        return last  # `mlp.seed or 0`: a false int is 0, so either way the value is the int's
                    if not is_and and condition is None and i == len(node.values) - 2:
                        # `mlp.seed or 7`: a fresh number read from data stands for either (covered_arms.py)
                        either = covered_arms.joined_or(self, node, last)
                        if either is not None:
                            return either

                    if condition is not None and condition[2] is not None:
                        # A directive decides the whole condition; the first value-dependent operand
                        # takes its verdict (`assume False` on `a and b`: `a` is false, `b` never runs).
                        t = condition[2]
                    else:
                        t = self.decide_operand(v, last, condition[1] if condition else "branch",
                                               condition[0] if condition else None)
                        by_site = True
                    # (an array operand before the last, `fnp.any(bad) or ...`: Python asks its truth
                    # here, and evaluates the operands after it on the paths that do not short-circuit)
                    if isinstance(last, Unknown) and (last.kind == "bool" or condition is not None) \
                            or isinstance(last, Array) and condition is not None:
                        # decided: as the test of an `if`/`while` only its truth matters, so the
                        # statement does not decide the whole condition a second time
                        last = Known(t)
                if is_and and not t:
                    return last
                if not is_and and t:
                    return last
            return last
        finally:
            self._condition = condition
            self.verdict_by_site = by_site

    def _tested_data_int(self, name: str, left: Value, right: Value, node) -> Optional[Known]:
        """`if n == 0:` (`n > 2`, ...) of an integer read from data against a known number: answered
        at the value this path takes for it (dataints.tested); None where it is a site of its own."""
        if dataints.is_data_int(left) and right.__class__ is Known and type(right.value) in (int, float):
            u, c, holds = left, right.value, lambda n: _CMP[name](n, c)
        elif dataints.is_data_int(right) and left.__class__ is Known and type(left.value) in (int, float):
            u, c, holds = right, left.value, lambda n: _CMP[name](c, n)
        else:
            return None
        answered = dataints.tested(self, u, holds, f"`{_source(node)}`")
        return None if answered is None else Known(answered)

    def decide_operand(self, operand: ast.expr, value: Value, kind: str, stmt=None, step: bool = False) -> bool:
        """Whether this path takes a value-dependent operand of `and`/`or` (``step``: a chained
        comparison's step, `lo < x` in `lo < x < hi`, ``operand`` its right side) as true: a site,
        unless the operand compares a float read from data that earlier sites answered about
        (`spread > 0.3 and n > 2` after `if spread <= 0.3:`); a site's answer about such a float is
        recorded as a lone condition's is (compared_floats.py)."""
        compared = None if step else self.compared_test(operand, kind == "loop", stmt)
        if compared is not None:
            followed = self.followed_compared(compared)
            if followed is not None:
                return followed
        if kind == "loop" and stmt is not None:
            self.stops_counted_run(stmt, operand)
            self._loop_operands += 1
        span = self.node_span(operand)
        reason = value.reason if isinstance(value, Unknown) else "depends on array values"
        site = Site((kind, span), (True, False), span, kind, f"`{_source(operand)}` depends on values ({reason})",
                    machine=machine_of(value), **self.steering(stmt if kind == "branch" else None).site_fields(),
                    **self.presumed_truth(operand, value, kind == "loop" or self.exits_loop(stmt), kind == "loop"))
        taken = self.decisions.choose(site, self.kept_used(), self.stop_state(stmt, site.key))
        self.stop_answered(site.key, stmt, operand)
        if compared is not None:
            self.narrow_compared(compared, site, taken)
        return taken

    def expr_Compare(self, node: ast.Compare) -> Value:
        left = self.eval(node.left)
        if len(node.ops) == 1 and self.metered:
            right = self.eval(node.comparators[0])
            if self.spent_ranges is not None and (left.__class__ is SpentKnown or right.__class__ is SpentKnown):
                return self.compare(node.ops[0], left, right, node)  # (checked there, before any watch)
            if self.counter_watch is not None and not (self.counted_compares and node in self.counted_compares):
                watched = self.counter_watch.compare(type(node.ops[0]).__name__, left, right)
                if watched is not None:
                    self.effects += 1
                    self.loop_effects += 1
                    if watched.__class__ is not Known or right.__class__ is not Known \
                            or node.ops[0].__class__ in (ast.Is, ast.IsNot):
                        # a keyed log's membership, `is None`, an answer that names a number read
                        # from data alone (counters.CounterWatch.compare)
                        return watched
                    first = (self.node_span(node), (type(node.ops[0]).__name__, left.__dict__["value"],
                                                    right.__dict__["value"]))
                    self.compare_log.append(first)
                    self.result.compares.setdefault(*first)
                    return watched
            if self.counted_compares and node in self.counted_compares:
                self.effects += 1
                self.loop_effects += 1
                self.counted_compares[node].observe(node, left, right)
            if is_number(left) and is_number(right):
                first = (self.node_span(node), (type(node.ops[0]).__name__, left.value, right.value))
                self.compare_log.append(first)
                self.result.compares.setdefault(*first)
            if node.ops[0].__class__ in (ast.In, ast.NotIn):  # CONTAINS_OP asks an iterator for items
                return self.consuming(self.node_span(node), lambda: self.compare(node.ops[0], left, right, node))
            return self.compare(node.ops[0], left, right, node)
        result: Value = Known(True)
        condition = self._condition
        # `lo < s < hi` is `(lo < s) and (s < hi)`: Python runs the next comparison, and its
        # operand, only when the steps before hold. Undecided steps (``pending``: the first, with its
        # link's right operand) are left to the statement's one test while what follows them is free
        # (a name or constant compared as plain numbers); before anything that may charge, one site
        # decides whether they all hold.
        pending = None
        for i, (op, comp) in enumerate(zip(node.ops, node.comparators)):
            # decided before the operand's evaluation or the comparison, whichever may charge
            if pending is not None and comp.__class__ not in (ast.Name, ast.Constant):
                if not self._chain_step_holds(*pending, condition):
                    return _chain_false(pending[0], condition)
                result, pending = Known(True), None  # this path takes them as true: the later steps decide
            right = self.eval(comp)
            if pending is not None and not (_plain_scalar(left) and _plain_scalar(right)):
                if not self._chain_step_holds(*pending, condition):
                    return _chain_false(pending[0], condition)
                result, pending = Known(True), None
            if self.counted_compares and node in self.counted_compares:  # one operator: see SteadyLoop
                self.effects += 1
                self.loop_effects += 1
                self.counted_compares[node].observe(node, left, right)
            step = self.compare(op, left, right, node)
            if isinstance(step, Array):
                if i == len(node.ops) - 1:
                    return step
                # Python asks the array step's truth (numpy refuses unless it holds one element)
                self.check_array_truth(step, node)
                t = self.known_truth(step)
                if not (self._chain_step_holds(step, comp, condition) if t is None else t):
                    return _chain_false(step, condition)
                left = right
                continue
            t = self.known_truth(step)
            if t is False:
                return Known(False)
            if t is None:
                result = step
                pending = pending or (step, comp)
            left = right
        return result

    def _chain_step_holds(self, step: Value, operand: ast.expr, condition) -> bool:
        """Whether this path takes the value-dependent step of a chained comparison as true."""
        if condition is not None and condition[2] is not None:
            return condition[2]  # a directive decides the whole condition (as for `and`)
        return self.decide_operand(operand, step, condition[1] if condition else "branch",
                                   condition[0] if condition else None, step=True)

    def _lexicographic(self, op: ast.cmpop, left: list, right: list, node) -> Optional[Value]:
        """``(score, -cost) > best`` of tuples (or lists) holding numbers read from data: Python
        compares the first items that differ, so items known equal are passed and the first pair
        known unequal decides (a later unknown item then reads nothing). None where an earlier
        pair's equality is not known, or an item is no number."""
        for a, b in zip(left, right):
            if not (_plain_number(a) and _plain_number(b)):
                return None
            equal = self.known_truth(self.compare(ast.Eq(), a, b, node))
            if equal is None:
                return None
            if not equal:
                return self.compare(op, a, b, node)
        return Known(_CMP[type(op).__name__](len(left), len(right)))

    def array_positions(self, needle: Value, items: list, node, first: bool) -> Optional[list]:
        """Where ``needle`` is among ``items`` when arrays are involved (``x in [a, b]``,
        ``list.index/count/remove``): Python takes an item that is the needle itself, else asks
        ``item == needle`` (billed) and that answer's truth, which numpy refuses for an array of
        more than one element (ValueError). None when an answer depends on values."""
        found = []
        for k, item in enumerate(items):
            if item is needle:
                found.append(k)
                if first:
                    break
                continue
            pair = (item, needle)
            if not any(v.__class__ is Array for v in pair) \
                    or not all(v.__class__ is Array or isinstance(v, NumpyScalar)
                               or isinstance(v, Known) and type(v.value) in (int, float, bool) for v in pair) \
                    or all(v.__class__ is not Array or v.size == 1 for v in pair):
                return None  # (one element a side: the answer's truth depends on the values)
            result = self.compare(ast.Eq(), item, needle, node)
            if isinstance(result, Array):
                if result.size != 1:
                    self.check_array_truth(result, node)
                return None
            truth = self.known_truth(result)
            if truth is None:
                return None
            if truth:
                found.append(k)
                if first:
                    break
        return found

    def compare(self, op: ast.cmpop, left: Value, right: Value, node) -> Value:
        name = type(op).__name__
        if self.spent_ranges is not None and (left.__class__ is SpentKnown or right.__class__ is SpentKnown):
            checked = spent_ranges.compare(self, name, left, right, node)
            if checked is not None:
                return checked
        if self.counter_watch is not None and not (self.counted_compares and node in self.counted_compares):
            watched = self.counter_watch.compare(name, left, right)
            if watched is not None:
                self.effects += 1
                self.loop_effects += 1
                return watched
        if left.__class__ is Known and right.__class__ is Known and name in _CMP:
            # two plain known values ordered or compared (what the steps below come to for them)
            try:
                return Known(_CMP[name](left.value, right.value))
            except TypeError as exc:
                raise UserRaise(self.node_span(node), f"TypeError: {exc}")
            except ArithmeticError as exc:  # `Decimal("NaN") < 1`: decimal's InvalidOperation
                raise python_raise(self.node_span(node), exc) from None
        if name in _CMP and (left.__class__ is Unknown or right.__class__ is Unknown):
            settled = _settled_by_range(name, left, right)
            if settled is not None:
                return settled
            if self._condition is not None and self._condition[1] == "branch" and self._condition[2] is None \
                    and not self.counted_stop(self._condition[0]):
                answered = self._tested_data_int(name, left, right, node)
                if answered is not None:
                    return answered
        if (left.__class__ is InstanceVal or right.__class__ is InstanceVal) and name in _ORDER_AND_EQ:
            left, right = plain_member(left), plain_member(right)  # `level > Level.MEAN` of an IntEnum
            if left.__class__ is InstanceVal or right.__class__ is InstanceVal:
                done = dunders.compare(self, name, left, right, self.node_span(node))  # the user's __eq__, __lt__, ...
                if done is not None:
                    return done
        if (left.__class__ is ListVal and left.is_set or right.__class__ is ListVal and right.is_set) \
                and name not in ("In", "NotIn", "Is", "IsNot"):
            return self.unpriced(node, "set comparison", "a set of objects or enum members: its comparisons are not modelled")
        if (left.__class__ is DictVal and left.ordered or right.__class__ is DictVal and right.ordered) \
                and name in _ORDER_AND_EQ:
            return self.unpriced(node, "OrderedDict comparison", "two OrderedDicts compare in order: not modelled")
        if (left.__class__ is ListVal and left.view_of is not None or right.__class__ is ListVal
                and right.view_of is not None) and name not in ("In", "NotIn", "Is", "IsNot"):
            return self.unpriced(node, "dict view comparison", "a dict's keys/values/items view: its comparisons "
                                                               "are not modelled")
        if (left.__class__ is DequeVal) != (right.__class__ is DequeVal) and name in _ORDER_AND_EQ \
                and (isinstance(left, (ListVal, TupleVal)) or isinstance(right, (ListVal, TupleVal))
                     or isinstance(left, Known) and isinstance(left.value, (list, tuple))
                     or isinstance(right, Known) and isinstance(right.value, (list, tuple))):
            # a deque equals only a deque; it is ordered only against one
            if name in ("Eq", "NotEq"):
                return Known(name == "NotEq")
            raise UserRaise(self.node_span(node), f"TypeError: '{_CMP_SYMBOLS[name]}' not supported between "
                                                  f"instances of '{_python_type_name(left)}' and "
                                                  f"'{_python_type_name(right)}'")
        if isinstance(left, CountKnown) or isinstance(right, CountKnown):
            return self.size_test(op, left, right, node)
        if isinstance(op, (ast.Eq, ast.NotEq)) and (left.__class__ is ChainMapVal or right.__class__ is ChainMapVal) \
                and isinstance(left, (ChainMapVal, DictVal)) and isinstance(right, (ChainMapVal, DictVal)):
            # Mapping.__eq__: `dict(self.items()) == dict(other.items())`
            left, right = (chain_maps.read(self, v, node) if isinstance(v, ChainMapVal) else v for v in (left, right))
        if (isinstance(left, Array) or isinstance(right, Array)) and not plain_numpy.has_flopscope((left, right)) \
                and name in ops.COMPARE_OPERATORS:
            made = plain_numpy.free(self, lambda: self.compare_arrays(name, left, right, node))
            return plain_numpy.with_elements(made, ops.COMPARE_OPERATORS[name], [left, right], {})
        if isinstance(left, Array) or isinstance(right, Array):
            if name in ops.COMPARE_OPERATORS:
                return self.compare_arrays(name, left, right, node)
        if isinstance(op, (ast.Eq, ast.NotEq)) and isinstance(left, DTypeRef) and isinstance(right, DTypeRef):
            # `x.dtype == fnp.float32`: numpy's dtype equals its scalar type, and types of one name are one
            return Known((left.name == right.name) == isinstance(op, ast.Eq))
        if isinstance(op, (ast.Eq, ast.NotEq)) and isinstance(left, Builtin) and isinstance(right, Builtin):
            return Known((left.name == right.name) == isinstance(op, ast.Eq))  # `type(n) == int`
        if isinstance(op, (ast.Eq, ast.NotEq)) and left.__class__ is LibRef and right.__class__ is LibRef \
                and {_class_identity(left.path), _class_identity(right.path)} & _ARRAY_CLASSES:
            # classes compare by identity (`type(x) == fnp.ndarray`)
            same = _class_identity(left.path) == _class_identity(right.path)
            return Known(same == isinstance(op, ast.Eq))
        if isinstance(op, (ast.Eq, ast.NotEq)) and left.__class__ is LibRef and right.__class__ is LibRef:
            # other classes and functions compare by identity too (`exc_type == np.linalg.LinAlgError`)
            from flopcast.analyzer.builtins import same_library_object

            same = _class_identity(left.path) == _class_identity(right.path) \
                or same_library_object(left.path, right.path)
            if same is not None:
                return Known(same == isinstance(op, ast.Eq))
        if isinstance(op, (ast.Is, ast.IsNot)) and left.__class__ is LibRef and right.__class__ is LibRef \
                and _class_identity(left.path) != _class_identity(right.path):
            # two names of one library object (`exc_type is flops.BudgetExhaustedError`, handed the
            # class as flopscope.errors holds it): asked of the objects themselves
            from flopcast.analyzer.builtins import same_library_object

            same = same_library_object(left.path, right.path)
            if same is None:
                return Unknown("bool", self.node_span(node), "`is` of library objects flopcast cannot find")
            return Known(same == isinstance(op, ast.Is))
        if isinstance(op, (ast.Is, ast.IsNot)):
            same = left is right or (isinstance(left, Known) and isinstance(right, Known) and left.value is right.value) \
                or (left.__class__ is LibRef and right.__class__ is LibRef
                    and _class_identity(left.path) == _class_identity(right.path)) \
                or (isinstance(left, Builtin) and isinstance(right, Builtin) and left.name == right.name) \
                or (isinstance(left, DTypeRef) and isinstance(right, DTypeRef) and left.name == right.name
                    and left.instance == right.instance)  # numpy's scalar types and builtin dtypes are singletons
            if isinstance(left, Known) and isinstance(right, Known):
                return Known(same if isinstance(op, ast.Is) else not same)
            if isinstance(right, Known) and right.value is None:
                if isinstance(left, Unknown) and left.kind not in ("int", "float", "bool"):
                    return Unknown("bool", left.origin, left.reason, machine=left.machine)  # an unknown may be None
                is_none = isinstance(left, Known) and left.value is None
                return Known(is_none if isinstance(op, ast.Is) else not is_none)
            if not same and (isinstance(left, Unknown) or isinstance(right, Unknown)):
                unknown = left if isinstance(left, Unknown) else right
                return Unknown("bool", unknown.origin, unknown.reason, machine=unknown.machine)  # (`type(s) is float`)
            return Known(same if isinstance(op, ast.Is) else not same)
        if isinstance(op, (ast.In, ast.NotIn)):
            if right.__class__ is InstanceVal:
                held = flags.contains(left, right, self.node_span(node))  # `Mode.B in mode` of a Flag
                if held is not None:
                    return Known(held == isinstance(op, ast.In))
            if right.__class__ is ClassVal:
                held = self._class_membership(left, right, node)
                if held is not None:
                    return held if isinstance(held, Unknown) else Known(held == isinstance(op, ast.In))
            contains = dunders.user_method(right, "__contains__")
            if contains is not None:  # the user's __contains__: its result's truth
                truth = dunders.truth_of(self, dunders.call_method(self, right, contains, [left], self.node_span(node)),
                                         self.node_span(node))
                if truth is None:
                    return Unknown("bool", self.node_span(node), "a user __contains__ that depends on values")
                return Known(truth == isinstance(op, ast.In))
            if isinstance(right, InstanceVal) and right.payload is not None:
                right = right.payload
            if isinstance(right, (InstanceVal, NumpyScalar)):
                wrong = not_iterable(right, "__contains__", "__iter__", "__getitem__")
                if wrong is not None:  # `x in obj` of a class with none of them: Python's TypeError
                    raise UserRaise(self.node_span(node), f"TypeError: argument of type '{wrong}' is not iterable")
            if isinstance(right, ChainMapVal):
                right = chain_maps.read(self, right, node)  # `any(key in m for m in self.maps)`
            if isinstance(right, NpzFile):
                right = plain_numpy.npz_mapping(right)  # `if "prior" in data:`
            if isinstance(right, SeqIterator) and isinstance(left, Known):
                return Known(self._iterator_holds(left, right, node) == isinstance(op, ast.In))
            if right.__class__ is Array and not right.plain and right.ndim > 0 and not right.sym \
                    and (isinstance(left, Known) and type(left.value) in (int, float, bool)
                         or isinstance(left, NumpyScalar) or left.__class__ is Array and not left.plain and left.ndim == 0 and not left.sym):
                # numpy's ndarray.__contains__ is `(a == x).any()`, whose ufuncs flopscope routes to its
                # own and bills: an `equal` and an `any` over every element; the answer depends on values
                equal = self.compare(ast.Eq(), right, left, node)
                if isinstance(equal, Array) and equal.shape == right.shape and not equal.sym:
                    found = self.price_call("any", [equal], {}, node)
                    if isinstance(found, Array):
                        return Unknown("bool", self.node_span(node), "membership in an array's values")
            if right.__class__ is Array and not right.plain:
                # numpy's ndarray.__contains__ is `(a == x).any()`, whose ufuncs flopscope routes to its
                # own and bills (an `equal` and an `any` over every element)
                return self.unpriced(node, "membership test", "`x in array` of a flopscope array: numpy compares "
                                     "every element through flopscope's billed ufuncs (not modelled)")
            if isinstance(right, Known) and not hasattr(right.value, "__contains__") \
                    and not hasattr(right.value, "__iter__"):  # `h in 0`
                raise UserRaise(self.node_span(node),
                                f"TypeError: argument of type '{type(right.value).__name__}' is not iterable")
            if isinstance(left, (ListVal, TupleVal)):
                from flopcast.analyzer.builtins import _NOT_PLAIN, _py

                plain = _py(left)
                if plain is not _NOT_PLAIN:
                    left = Known(plain)
            left = bool_keys.settled(self, right, left, node.left if node.__class__ is ast.Compare else None,
                                     self.node_span(node))
            if isinstance(right, DictVal) and not may_hold_known_key(right) \
                    and (left.__class__ is NumpyScalar or dataints.is_data_int(left)):
                left = self._data_int_key(left, node)  # `k in experts` as `experts[k]` looks k up
            if not isinstance(left, Known) and isinstance(right, DictVal) and dict_key(left) in right.items:
                return Known(isinstance(op, ast.In))  # the same object is a key (an enum member)
            if isinstance(right, DictVal) and surely_missing(left, right):
                return Known(not isinstance(op, ast.In))  # compared by its fields: no key equals it
            if isinstance(left, DTypeRef) and isinstance(right, (ListVal, TupleVal)) \
                    and all(isinstance(i, DTypeRef) for i in right.items):
                found = any(i.name == left.name for i in right.items)  # `x.dtype in (fnp.float16, fnp.float32)`
                return Known(found == isinstance(op, ast.In))
            if isinstance(right, (ListVal, TupleVal)):
                found = dunders.contains(self, left, right.items, self.node_span(node))  # `P(1) in [P(2), P(1)]`
                if found is not None:
                    truth = self.known_truth(found)
                    return found if truth is None else Known(truth == isinstance(op, ast.In))
            if equal_only_to_itself(left) and isinstance(right, (ListVal, TupleVal, DictVal)):
                found = _identity_membership(left, right.items if not isinstance(right, DictVal)
                                             else [key_value(k) for k in right.items])
                if found is not None:
                    return Known(found if isinstance(op, ast.In) else not found)
            items = right.items if isinstance(right, (ListVal, TupleVal)) and not getattr(right, "is_set", False) \
                else right.value if isinstance(right, Known) and isinstance(right.value, (list, tuple)) else ()
            if items and any(v.__class__ is Array and not v.plain for v in (left, *items)):
                hits = self.array_positions(left, list(items), node, first=True)
                if hits is not None:
                    return Known(bool(hits) == isinstance(op, ast.In))
                # `m in [0.0, 1.0]`: Python asks `item == m` until one holds, and flopscope bills
                # each comparison of its arrays: how many it asks depends on the values
                return self.unpriced(node, "membership test", "it compares flopscope arrays with `==`, each "
                                     "comparison billed, until one holds: how many depends on values")
            if isinstance(left, Known) and isinstance(right, (Known, ListVal, TupleVal, DictVal)):
                if isinstance(right, DictVal):
                    found = left.value in right.items
                    if not found and may_hold_known_key(right):
                        return Unknown("bool", None, "membership in a dict with a key that is not known")
                elif isinstance(right, Known):
                    found = left.value in right.value
                else:
                    from flopcast.analyzer.builtins import _NOT_PLAIN, _py

                    vals = [_py(x) for x in right.items]
                    if any(v is _NOT_PLAIN for v in vals):
                        return Unknown("bool", None, "membership in a list of unknowns")
                    found = left.value in vals
                return Known(found if isinstance(op, ast.In) else not found)
            if isinstance(right, LibRef) and right.path == "py:os.environ":
                return Unknown("bool", None, "whether a variable is set in os.environ, read from the environment",
                               machine=Machine.ENVIRONMENT)
            return Unknown("bool", None, "membership test on unknown values")
        if name in ("Eq", "NotEq") and left.__class__ in (TupleVal, ListVal) and right.__class__ is left.__class__ \
                and not (left.__class__ is ListVal and (left.is_set or right.is_set)) \
                and any(v.__class__ is Array for v in (*left.items, *right.items)):
            same = self._sequence_eq(list(left.items), list(right.items), node, left.__class__ is ListVal)
            return Known(same == (name == "Eq")) if isinstance(same, bool) else same
        if isinstance(left, (ListVal, TupleVal, DictVal)) or isinstance(right, (ListVal, TupleVal, DictVal)):
            from flopcast.analyzer.builtins import _NOT_PLAIN, _py

            a, b = _py(left), _py(right)
            if a is not _NOT_PLAIN and b is not _NOT_PLAIN:
                left, right = Known(a), Known(b)
            elif name in _ORDER:
                a, b = _ordered_items(left), _ordered_items(right)
                decided = self._lexicographic(op, a[1], b[1], node) if a is not None and b is not None \
                    and a[0] is b[0] else None
                if decided is not None:
                    return decided
        if name in ("Eq", "NotEq") and (_is_enum_member(left) or _is_enum_member(right)):
            same = left is right or (isinstance(left, InstanceVal) and isinstance(right, Known)
                                     and left.cls.attrs.get("__int_like__") and left.attrs["value"].value == right.value)
            return Known(same if name == "Eq" else not same)
        if isinstance(left, Known) and isinstance(right, Known):
            try:
                return Known(_CMP[name](left.value, right.value))
            except TypeError as exc:
                raise UserRaise(self.node_span(node), f"TypeError: {exc}")
        for v in (left, right):
            if isinstance(v, Unknown) and v.kind == "":
                return v  # the result of something unpriced stays unknown
        if name in _CMP and (isinstance(left, NumpyScalar) or isinstance(right, NumpyScalar)):
            made = scalar_values.compute(ops.COMPARE_OPERATORS[name], [left, right])  # numpy scalars of known value
            if made is not None:
                return Known(bool(made[0]))
        if name in _CMP and self._condition is not None and self._condition[1] == "loop" \
                and _bounded_data_ints(left, right):
            # `while i < k` with k read from data and bounded: the path takes k at one end of
            # its range, as everywhere else it is used, so the trip count is an interval. (A
            # branch, `if k == 0:`, stays a branch site: it may be a safety net.)
            # `while i < k` runs longer as k grows, `while k < i` (counting down) shorter
            grows = {"Lt": (-1, 1), "LtE": (-1, 1), "Gt": (1, -1), "GtE": (1, -1)}.get(name, (1, 1))
            a, b = (Known(dataints.materialise(self, dataints.as_data_int(v, self.node_span(node)), "a comparison", g))
                    if isinstance(v, Unknown) else v for v, g in zip((left, right), grows))
            return self.compare(op, a, b, node)
        reason = next((v.reason for v in (left, right) if isinstance(v, Unknown)), "a value computed from arrays")
        origin = next((v.origin for v in (left, right) if isinstance(v, Unknown)), None)
        symbol = {"Gt": ">", "GtE": ">=", "Lt": "<", "LtE": "<=", "Eq": "==", "NotEq": "!="}.get(name)
        return Unknown("bool", origin, reason, presumed=presumptions.comparison(symbol, left, right) if symbol else None,
                       machine=machine_of(left, right))

    def _data_int_key(self, key: Value, node) -> Value:
        """A numpy integer or an integer read from data tested for membership in a dict of known
        keys: the value it takes on this path, each value of its range a path of the site its
        lookup ``d[key]`` consults (lookups.py), so the test and the lookup agree; ``key`` itself
        where its range is not known or too wide."""
        span = self.node_span(node)
        if key.__class__ is NumpyScalar:
            key = dataints.dict_key(key, span)
        at = dataints.picked_position(self, key, span, dataints.DICT_LOOKUP)
        return key if at is None else Known(at)

    def _sequence_eq(self, a: list, b: list, node, lists: bool):
        """``a == b`` of two tuples (or two ``lists``) holding arrays, as CPython compares them:
        lists of unequal lengths are unequal at once (tuples compare their common items first);
        item by item, the same object equal without asking, else its ``==`` (an array's is
        flopscope's billed ``equal``, whose truth numpy refuses for more than one element:
        ValueError) until a pair is unequal. A bool, or an unknown."""
        if lists and len(a) != len(b):
            return False
        for i, (x, y) in enumerate(zip(a, b)):
            if x is y:
                continue
            r = self.compare(ast.Eq(), x, y, node)
            self.check_array_truth(r, node)
            t = None if isinstance(r, Array) else self.known_truth(self.size_truth(r, node))
            if t is None:
                if any(p is not q and (p.__class__ is Array or q.__class__ is Array) for p, q in zip(a[i + 1:], b[i + 1:])):
                    return self.unpriced(node, "sequence comparison", "whether the later items are compared (each "
                                         "array comparison billed) depends on values")
                return Unknown("bool", self.node_span(node), "a comparison of sequences holding values read from data")
            if not t:
                return False
        return len(a) == len(b)

    def expr_UnaryOp(self, node: ast.UnaryOp) -> Value:
        v = self.eval(node.operand)
        if isinstance(node.op, ast.Not):
            v = self.size_truth(v, node.operand)
            self.check_array_truth(v, node.operand)
            t = self.known_truth(v)
            if isinstance(v, Array):
                # Python's `not` asks the array's __bool__: free, and its truth depends on values
                # (numpy raises for more than one element)
                if v.size != 1:
                    raise UserRaise(self.node_span(node), "ValueError: The truth value of an array with more "
                                                          "than one element is ambiguous. Use a.any() or a.all()")
                if t is not None:
                    return Known(not t)  # a 0-d array of a known value (`not fnp.all(mask)` of a decided mask)
                return Unknown("bool", self.node_span(node.operand), "the truth of an array's value",
                               presumed=presumptions.negate(v.presumed))
            return Known(not t) if t is not None else Unknown("bool", None, "negated unknown",
                                                              presumed=presumptions.negate(presumptions.of(v)))
        if isinstance(v, Array) and v.plain:
            opname = ops.UNARY_OPERATORS[type(node.op).__name__]
            return _complement(v, node.op, plain_numpy.with_elements(
                plain_numpy.free(self, lambda: self.price_op(opname, [v], node)), opname, [v], {}))
        if isinstance(v, Array):
            return _complement(v, node.op, self.price_op(ops.UNARY_OPERATORS[type(node.op).__name__], [v], node))
        if isinstance(v, CountKnown) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return v if isinstance(node.op, ast.UAdd) else sizetests.through("USub", [v], Known(-v.value))
        if v.__class__ is InstanceVal:
            if isinstance(node.op, ast.Invert):
                done = flags.invert(v, self.node_span(node))  # `~mode` of a Flag
                if done is not None:
                    return done
            done = dunders.unary(self, type(node.op).__name__, v, self.node_span(node))  # the user's __neg__, ...
            if done is not None:
                return done
        v = plain_member(v)  # `-Level.FULL` of an IntEnum
        if isinstance(v, Known):
            try:
                return Known({"USub": operator.neg, "UAdd": operator.pos, "Invert": operator.invert}[
                    type(node.op).__name__](v.value))
            except TypeError as exc:  # (`-"text"`, `-(1, 2)`: the values are Python's own)
                raise UserRaise(self.node_span(node), f"TypeError: {exc}") from None
        if isinstance(v, NumpyScalar):
            return v
        if dataints.is_data_int(v) and isinstance(node.op, ast.USub):
            return dataints.derive(v, "mul", -1)
        refused = _unary_refused(v)
        if refused is not None:
            # `-property` (a decorator's `@` mistyped) raises when the class body runs: the module
            # does not load, where going on as `property` priced a program that never runs
            symbol = {"USub": "-", "UAdd": "+", "Invert": "~"}[type(node.op).__name__]
            raise UserRaise(self.node_span(node), f"TypeError: bad operand type for unary {symbol}: '{refused}'")
        return v

    def expr_BinOp(self, node: ast.BinOp) -> Value:
        return self.binop(node.op, self.eval(node.left), self.eval(node.right), node)

    def binop(self, op: ast.operator, left: Value, right: Value, node) -> Value:
        name = type(op).__name__
        if self.spent_ranges is not None and (left.__class__ is SpentKnown or right.__class__ is SpentKnown):
            ranged = spent_ranges.binop(name, left, right)
            if ranged is not None:
                return ranged
        if self.counter_watch is not None:
            watched = self.counter_watch.binop(name, left, right)
            if watched is not None:
                self.effects += 1
                self.loop_effects += 1
                return watched
        if name == "Mod" and left.__class__ is Known and isinstance(left.value, str) \
                and (isinstance(right, Array) or right.__class__ is TupleVal):
            made = dunders.percent_format_of_arrays(left.value, right, self.node_span(node))
            if made is not None:
                return made  # `"%.3f" % x`: str's formatting, not numpy's remainder
        if name == "Mod" and left.__class__ is Known and isinstance(left.value, str) \
                and dunders.holds_text_methods(right):
            # `"%s" % obj`: str's own formatting asks the objects for their text (their __str__, __repr__)
            fmt = left.value
            return dunders.text_made(self, lambda *parts: fmt % (parts if right.__class__ is TupleVal else parts[0]),
                                     list(right.items) if right.__class__ is TupleVal else [right], {},
                                     self.node_span(node))
        if left.__class__ is InstanceVal or right.__class__ is InstanceVal:
            done = flags.binary(name, left, right, self.node_span(node))  # `Mode.A | Mode.C` of a Flag
            if done is not None:
                return done
            done = dunders.binary(self, name, left, right, self.node_span(node))  # the user's __add__, ...
            if done is not None:
                return done
            left, right = plain_member(left), plain_member(right)  # `2 * Level.FULL` of an IntEnum
        if left.__class__ is Known and right.__class__ is Known:  # plain numbers (a cost model): the common case
            return self.known_binop(name, left.value, right.value, node)
        if (isinstance(left, Array) or isinstance(right, Array)) and not plain_numpy.has_flopscope((left, right)):
            made = plain_numpy.free(self, lambda: self.array_binop(name, left, right, node))
            return plain_numpy.with_elements(made, ops.BINARY_OPERATORS[name], [left, right], {})
        if isinstance(left, Array) or isinstance(right, Array):
            return self.array_binop(name, left, right, node)
        if isinstance(left, Known) and isinstance(right, Known):
            if isinstance(left, CountKnown) or isinstance(right, CountKnown):  # `len(idx) - 1`: still the count's
                return sizetests.through(name, [left, right], self.known_binop(name, left.value, right.value, node))
            return self.known_binop(name, left.value, right.value, node)
        if isinstance(left, DictVal) and isinstance(right, DictVal) and name == "BitOr" \
                and left.factory is None and right.factory is None:
            return DictVal({**left.items, **right.items})  # `defaults | overrides` (Python 3.9)
        if left.__class__ is ListVal and left.is_set or right.__class__ is ListVal and right.is_set:
            return self.unpriced(node, "set operator", "a set of objects or enum members: its operators are not modelled")
        if left.__class__ is ListVal and left.view_of is not None or right.__class__ is ListVal and right.view_of is not None:
            return self.unpriced(node, "dict view operator", "a dict's keys/values/items view: its operators are not modelled")
        if name in ("Add", "Mult"):
            # `(Step(...),) + rest` with rest the literal `()`: a tuple of known items is a Known
            left, right = _as_sequence(left, right), _as_sequence(right, left)
            if name == "Mult" and isinstance(left, Known) and isinstance(right, (ListVal, TupleVal)):
                left, right = right, left  # `3 * [x]` repeats as `[x] * 3`
        if isinstance(left, (ListVal, TupleVal)) and isinstance(right, (ListVal, TupleVal)) and name == "Add":
            if type(left) is not type(right):
                mine = "deque" if left.__class__ is DequeVal else _SEQUENCE_NAMES[type(left)]
                raise UserRaise(self.node_span(node), f'TypeError: can only concatenate {mine} (not '
                                                      f'"{_SEQUENCE_NAMES[type(right)]}") to {mine}')
            items = list(left.items) + list(right.items)
            watch = self.counter_watch
            if left.__class__ is TupleVal and watch is not None and watch.carried and watch.follows_any(items):
                return TupleVal(tuple(items))  # a call counter in `notes + (f"call {n}",)` stays watched (expr_Tuple)
            return _same_kind(left, items)
        if isinstance(left, (ListVal, TupleVal)) and isinstance(right, (ListVal, TupleVal)) and name == "Mult":
            raise UserRaise(self.node_span(node), f"TypeError: can't multiply sequence by non-int of type "
                                                  f"'{_python_type_name(right)}'")
        if isinstance(left, (ListVal, TupleVal)) and isinstance(right, Known) and name == "Mult":
            if not isinstance(right.value, int) or len(left.items) * right.value > 100_000:
                return self.unpriced(node, "huge repetition", "too large to evaluate")
            items = list(left.items) * right.value
            return _same_kind(left, items)
        if name in _RAISING_OPERATORS and _python_number(left) and _python_number(right):
            from flopcast.analyzer.builtins import operator_may_raise

            operator_may_raise(self, name, left, right, self.node_span(node))
        if name in _DATA_INT_STEPS and (left.__class__ is Unknown or right.__class__ is Unknown):
            # Python counts a bool as 0 or 1 (`2 + (x > t)`, `count += x > t`): a bounded data int
            span = self.node_span(node)
            left, right = dataints.counted_bool(left, span), dataints.counted_bool(right, span)
            if name == "Add":
                summed = dataints.bounded_sum(left, right, span)
                if summed is not None:
                    return summed
        derived = _data_int_arithmetic(name, left, right)
        if derived is not None:
            return derived
        if name == "Mod":
            remainder = _data_int_remainder(left, right, self.node_span(node))
            if remainder is not None:
                return remainder
        if name == "BitAnd":
            masked = _data_int_mask(left, right, self.node_span(node))
            if masked is not None:
                return masked
        free = ops.free_scalar_arithmetic([left, right]) if all(
            isinstance(v, (Known, Unknown, NumpyScalar)) for v in (left, right)) else None
        if free is not None:
            if isinstance(free, NumpyScalar) and name in ops.BINARY_OPERATORS:
                # `np.int8(3) * 300`: numpy (NEP 50) cannot make 300 an int8
                problem = ops.weak_int_overflow(ops.BINARY_OPERATORS[name], [left, right])
                if problem is not None:
                    raise UserRaise(self.node_span(node), f"OverflowError: {problem}")
                if ops.negative_int_power(ops.BINARY_OPERATORS[name], [left, right]):
                    raise UserRaise(self.node_span(node), "ValueError: Integers to negative integer powers are not allowed.")
                made = scalar_values.compute(ops.BINARY_OPERATORS[name], [left, right])  # numpy's value, if known
                if made is not None and made[1] == free.dtype:
                    free.value = made[0]
            return free
        if name == "MatMult" and all(_python_number(v) for v in (left, right)):
            # Python's numbers have no `@` whatever their values (`mlp.seed @ 99`)
            kinds = [type(v.value).__name__ if isinstance(v, Known) else v.kind for v in (left, right)]
            raise UserRaise(self.node_span(node), f"TypeError: unsupported operand type(s) for @: "
                                                  f"'{kinds[0]}' and '{kinds[1]}'")
        hole = next((v for v in (left, right) if v.__class__ is Unknown and v.kind == ""), None)
        if hole is not None:
            return hole  # the result of something unpriced stays unknown (its entry names the cause)
        if left.__class__ is InstanceVal or right.__class__ is InstanceVal:
            # an instance of the user's whose operator flopcast did not ask (beside an unknown that
            # is no plain number): its result is no number flopcast knows the kind of
            return self.unpriced(node, "operator", f"`{dunders._SYMBOL.get(name, name)}` of {_python_type_name(left)} and "
                                                   f"{_python_type_name(right)} is not modelled")
        bounded = signs.python_sum_or_product(name, left, right, self.counter_watch)  # `1.0 + norm`: still past 0
        if bounded is not None:
            return bounded
        reason = next((v.reason for v in (left, right) if isinstance(v, Unknown)), "arithmetic on unknown values")
        origin = next((v.origin for v in (left, right) if isinstance(v, Unknown)), None)
        kind = "float" if any(isinstance(v, Unknown) and v.kind == "float" or isinstance(v, Known) and isinstance(v.value, float) for v in (left, right)) or name == "Div" else "int"
        return Unknown(kind, origin, reason, machine=machine_of(left, right))

    def _iterator_holds(self, left: Known, it: SeqIterator, node) -> bool:
        """``left in it``: Python takes items from the iterator up to the first equal one."""
        from flopcast.analyzer.builtins import _NOT_PLAIN, _py, check_sources

        if it.seen:
            check_sources(self, it, self.node_span(node))
        i = it.consumed
        while it.ready(i + 1):
            v = _py(it.item(i))
            i += 1
            if v is _NOT_PLAIN:
                raise PathEnd(f"{self.node_span(node)}: how far `in` reads the iterator depends on values; the "
                              "cost after it is not counted", self.node_span(node))
            if v == left.value:
                it.consumed = i
                return True
        it.consumed = i
        return False

    def array_binop(self, name: str, left: Value, right: Value, node) -> Value:
        opname = ops.BINARY_OPERATORS[name]
        if opname == "matmul":
            return self.price_call("matmul", [left, right], {}, node)
        if isinstance(left, NumpyScalar) and isinstance(right, Array):
            # the numpy scalar's own operator calls the ufunc, recorded by its __name__
            opname = ops.NUMPY_SCALAR_LEFT.get(opname, opname)
            if not right.plain:
                self.routed_warning(opname, self.node_span(node))
        return self.price_op(opname, [left, right], node)

    def compare_arrays(self, name: str, left: Value, right: Value, node) -> Value:
        opname = ops.COMPARE_OPERATORS[name]
        if ops.comparison_is_reflected(left, right):
            return self.price_op(ops.REFLECTED_COMPARE[opname], [right, left], node)
        return self.price_op(opname, [left, right], node)

    def known_binop(self, name: str, a: Any, b: Any, node) -> Value:
        if name == "Pow" and isinstance(b, (int, float)) and isinstance(a, (int, float)) and abs(b) > 4096 and abs(a) > 1:
            return self.unpriced(node, "huge power", "the exponent is too large to evaluate")
        if name == "Mult" and isinstance(a, (str, tuple, list)) and isinstance(b, int) and b > 100_000:
            return self.unpriced(node, "huge repetition", "too large to evaluate")
        if name == "LShift" and isinstance(b, int) and b > 4096:
            return self.unpriced(node, "huge shift", "too large to evaluate")
        if name == "Div" and isinstance(a, str) and isinstance(b, str):
            import os

            return Known(os.path.join(a, b))  # pathlib's `Path(dir) / "file"`, kept as a string
        try:
            return Known(_BINOPS[name](a, b))
        except ZeroDivisionError as exc:
            if isinstance(a, decimal.Decimal) or isinstance(b, decimal.Decimal):
                raise python_raise(self.node_span(node), exc) from None  # decimal's DivisionByZero
            raise UserRaise(self.node_span(node), "ZeroDivisionError")
        except ArithmeticError as exc:
            if isinstance(a, decimal.Decimal) or isinstance(b, decimal.Decimal):
                raise python_raise(self.node_span(node), exc) from None  # Overflow, InvalidOperation
            if dunders.plain_value(a) and dunders.plain_value(b):
                raise UserRaise(self.node_span(node), f"{type(exc).__name__}: {exc}") from None
            return self.unpriced(node, "arithmetic", f"{type(exc).__name__}: {exc}")
        except (TypeError, ValueError) as exc:
            if dunders.plain_value(a) and dunders.plain_value(b):
                # numbers and text as Python has them: its refusal is the program's error (`"a" * 1.5`)
                raise UserRaise(self.node_span(node), f"{type(exc).__name__}: {exc}") from None
            return self.unpriced(node, "arithmetic", f"{type(exc).__name__}: {exc}")
        except Exception as exc:  # noqa: BLE001 - a value standing for something Python would not refuse alike
            return self.unpriced(node, "arithmetic", f"{type(exc).__name__}: {exc}")


#: LibRef paths that name one library class (`fnp.ndarray` is flopscope's FlopscopeArray)
_CLASS_ALIASES = {"flopscope.numpy.ndarray": "flopscope.FlopscopeArray", "rawnumpy.ndarray": "numpy.ndarray",
                  # the class of a LinAlgError an op raised, handed to a user `__exit__` (contexts.py),
                  # is numpy's own: `et is np.linalg.LinAlgError` holds
                  "rawnumpy.linalg.LinAlgError": "numpy.linalg.LinAlgError"}


#: the array classes type() of an array gives
_ARRAY_CLASSES = frozenset({"flopscope.FlopscopeArray", "flopscope.SymmetricTensor", "numpy.ndarray"})


def _class_identity(path: str) -> str:
    """The one name of the library object a LibRef path reaches (``type(x) is fnp.ndarray``)."""
    return _CLASS_ALIASES.get(path, path)


_ORDER_AND_EQ = frozenset({"Lt", "LtE", "Gt", "GtE", "Eq", "NotEq"})
_ORDER = frozenset({"Lt", "LtE", "Gt", "GtE"})


def _ordered_items(v: Value) -> Optional[tuple]:
    """(tuple or list, items) of a tuple or a list (not a set) Python orders item by item; None for
    anything else."""
    if v.__class__ is Known and type(v.value) in (tuple, list):
        return type(v.value), [Known(x) for x in v.value]
    if v.__class__ is TupleVal or v.__class__ is ListVal and not v.is_set:
        return (tuple if v.__class__ is TupleVal else list), list(v.items)
    return None


def _plain_number(v: Value) -> bool:
    """A Python number, known or read from data (its comparisons are plain, and charge nothing); a
    known NaN is not one (Python passes an item that is the same object, equal or not)."""
    if v.__class__ is Known:
        return type(v.value) is int or type(v.value) is float and v.value == v.value
    return v.__class__ is Unknown and v.kind in ("int", "float")


#: builtins that take an IntEnum member as the number it is
def _as_sequence(value: Value, other: Value) -> Value:
    """A Known tuple or list beside a TupleVal or ListVal operand, as the TupleVal or ListVal of
    its items, so the two concatenate item by item (a known list is one a known value's method
    made: `"a,b".split(",") + ["c"]`)."""
    if isinstance(value, Known) and isinstance(other, (ListVal, TupleVal)):
        if type(value.value) is tuple:
            return TupleVal(tuple(Known(v) for v in value.value))
        if type(value.value) is list:
            return ListVal([Known(v) for v in value.value])
    return value


def _identity_membership(left: InstanceVal, items) -> Optional[bool]:
    """``left in items`` for an ``left`` equal only to itself: true when an item is it; false when
    no item can claim equality (plain values and other identity-equal instances); else unknown."""
    if any(item is left for item in items):
        return True
    plain = (type(None), bool, int, float, str, bytes)
    if all(isinstance(item, Known) and type(item.value) in plain or equal_only_to_itself(item) for item in items):
        return False
    return None


def _or_zero(value: Value, rest: list) -> bool:
    """Whether ``value or <rest>`` is ``value`` whatever its truth: an int of unknown value
    followed only by the literal int ``0`` (a false int is 0 itself)."""
    if value.__class__ is not Unknown or value.kind != "int" or len(rest) != 1:
        return False
    zero = rest[0]
    return isinstance(zero, ast.Constant) and type(zero.value) is int and zero.value == 0


_BINOPS = {
    "Add": operator.add, "Sub": operator.sub, "Mult": operator.mul, "Div": operator.truediv,
    "FloorDiv": operator.floordiv, "Mod": operator.mod, "Pow": operator.pow, "LShift": operator.lshift,
    "RShift": operator.rshift, "BitAnd": operator.and_, "BitOr": operator.or_, "BitXor": operator.xor,
    "MatMult": operator.matmul,
}


_CMP = {
    "Gt": operator.gt, "GtE": operator.ge, "Lt": operator.lt, "LtE": operator.le, "Eq": operator.eq,
    "NotEq": operator.ne,
}


_CMP_SYMBOLS = {"Gt": ">", "GtE": ">=", "Lt": "<", "LtE": "<="}


#: the names Python's concatenation errors give the sequences flopcast follows
_SEQUENCE_NAMES = {ListVal: "list", TupleVal: "tuple", DequeVal: "collections.deque"}


def _same_kind(like: Value, items: list) -> Value:
    """A new list, tuple or deque (with ``like``'s maxlen, its oldest items dropped past it) of ``items``."""
    if like.__class__ is DequeVal:
        made = DequeVal(items, like.maxlen)
        stdlib_containers.trim(made, left=True)
        return made
    return ListVal(items) if isinstance(like, ListVal) else make_tuple(items)


_DATA_INT_STEPS = {"Add": ("add", "add"), "Sub": ("sub", "rsub"), "Mult": ("mul", "mul"), "FloorDiv": ("floordiv", None),
                   "LShift": ("lshift", "shl"), "RShift": ("shr", None)}


def _data_int_arithmetic(name: str, left: Value, right: Value) -> Optional[Value]:
    """``k + 1``, ``n - k``, ``2 * k``, ``k // 2`` of an integer read from data: the same
    function of the value read at its origin (see analyzer/dataints.py)."""
    steps = _DATA_INT_STEPS.get(name)
    if steps is None:
        return None
    if dataints.is_data_int(left) and isinstance(right, Known) and steps[0] is not None:
        return dataints.derive(left, steps[0], right.value)
    if dataints.is_data_int(right) and isinstance(left, Known) and steps[1] is not None:
        return dataints.derive(right, steps[1], left.value)
    return None


def _data_int_remainder(left: Value, right: Value, span) -> Optional[Unknown]:
    """``k % c`` of an integer read from data and a known non-zero int: Python's remainder has the
    divisor's sign, so it lies in 0..c-1 (c+1..0 for a negative c) whatever ``k`` is. It is not
    monotone in ``k``, so it is no step of ``k``'s chain (dataints.derive) but an integer read
    from data of its own with that range: a list indexed by it (``mlp.weights[k % mlp.depth]``)
    picks each item on a path of its own (dataints.position), and a size taken from it is
    analysed at its ends. (Taking it apart from ``k`` explores pairs of values no run can give
    together, never fewer than it can.)"""
    if not (dataints.is_data_int(left) and right.__class__ is Known and type(right.value) is int and right.value):
        return None
    c = right.value
    lo, hi = (0, c - 1) if c > 0 else (c + 1, 0)
    return Unknown("int", span, f"a remainder modulo {c} of {left.reason}", lo=lo, hi=hi, machine=left.machine)


def _data_int_mask(left: Value, right: Value, span) -> Optional[Unknown]:
    """``k & c``, ``k & (k - 1)``: an and with a side that is at least 0 keeps only that side's
    bits, so it lies in 0..that side's largest value whatever the other is (a negative int has
    infinitely many leading ones in Python). Not monotone in ``k``, so, as a remainder is
    (_data_int_remainder), an integer read from data of its own with that range."""
    if not (dataints.is_data_int(left) or dataints.is_data_int(right)):
        return None
    tops = []
    for v in (left, right):
        if v.__class__ is Known and type(v.value) is int and v.value >= 0:
            tops.append(v.value)
        elif dataints.is_data_int(v):
            low, high = dataints.ends(v)
            if low >= 0 and not dataints.unbounded(high):
                tops.append(high)
    if not tops or not all(v.__class__ is Known and type(v.value) is int or dataints.is_data_int(v)
                           for v in (left, right)):
        return None
    data = left if dataints.is_data_int(left) else right
    return Unknown("int", span, f"a bitwise and of {data.reason}", lo=0, hi=min(tops), machine=data.machine)


def _settled_by_range(name: str, left: Value, right: Value) -> Optional[Known]:
    """An integer read from data compared with a known number, when every value of its range
    answers alike (its chain is monotone, so its two ends decide): `k > 2` once `k - 1`
    repeated has brought the range below 3. A data-dependent loop that shrinks such an integer
    ends where the range settles its test, instead of running to the iteration cap."""
    if dataints.is_data_int(left) and isinstance(right, Known) and type(right.value) in (int, float):
        answers = {_CMP[name](end, right.value) for end in dataints.ends(left)}
        ends = dataints.ends(left)
    elif dataints.is_data_int(right) and isinstance(left, Known) and type(left.value) in (int, float):
        answers = {_CMP[name](left.value, end) for end in dataints.ends(right)}
        ends = dataints.ends(right)
    else:
        return None
    if any(dataints.unbounded(e) for e in ends) or len(answers) != 1:
        return None
    if name in ("Eq", "NotEq") and ends[0] != ends[1]:
        # equality is not monotone: both ends unequal to c say nothing of the values between
        other = right.value if dataints.is_data_int(left) else left.value
        if ends[0] <= other <= ends[1]:
            return None
    return Known(answers.pop())


def _bounded_data_ints(left: Value, right: Value) -> bool:
    """Both operands are known numbers or integers read from data with bounds on both sides."""
    seen = False
    for v in (left, right):
        if dataints.is_data_int(v):
            if any(dataints.unbounded(e) for e in dataints.ends(v)):
                return False
            seen = True
        elif not (isinstance(v, Known) and isinstance(v.value, (int, float))):
            return False
    return seen


def _complement(mask: Array, op: ast.AST, made: Value) -> Value:
    """``~mask`` of a boolean array whose count of True is known: the rest of its elements."""
    if isinstance(op, ast.Invert) and mask.dtype == "bool" and mask.true_count is not None \
            and isinstance(made, Array) and made.dtype == "bool" and made.shape == mask.shape:
        made.true_count = mask.size - mask.true_count
    return made


def _unary_refused(v: Value) -> Optional[str]:
    """The type name Python's TypeError gives for `-v`, `+v`, `~v` of a value no unary operator
    applies to (a builtin, a function, a class with no metaclass of the user's, a list, a tuple,
    a dict); None for any other value (numbers, instances, unknowns are answered elsewhere)."""
    if v.__class__ is Builtin:
        found = getattr(builtins, v.name, None)
        return None if found is None else type(found).__name__
    if v.__class__ is FunctionVal and v.kind == "function":
        return "function"
    if v.__class__ is ClassVal and v.metaclass is None:
        return "type"
    return {ListVal: "list", TupleVal: "tuple", DictVal: "dict"}.get(v.__class__)
