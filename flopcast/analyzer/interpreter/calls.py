"""Calls: which callee a call reaches, and pricing flopscope's operations.
"""

from __future__ import annotations

import ast
from typing import Any, Optional

from flopcast import installed
from flopcast.analyzer import (const_masks, dispatch, dtypes, dunders, memory_limit, ops, overflow, plain_numpy,
                               presumptions, pricing, scalar_values, signs, sizetests, warning_filters)
from flopcast.analyzer.decisions import Site
from flopcast.analyzer.ops import OpError, OpRaises
from flopcast.analyzer.ops.registry import FloatErrorsRaise
from flopcast.analyzer.values import (carrying, Array, BoundLib, BoundMethod, Builtin, changeable, ClassVal, CountKnown,
                                      DICT_MUTATORS, DictVal, DTypeRef, FunctionVal, InstanceVal, key_value, Known,
                                      LibRef, LIST_MUTATORS, ListVal, MLPVal, NumpyScalar, PartialVal, plain_member,
                                      python_raise, SET_MUTATORS, TupleVal, Unknown, UserRaise, Value)
from flopcast.model import NoRaise, Span, Unpriced
from flopcast.analyzer.interpreter.classes import _CACHING_DECORATORS
from flopcast.analyzer.interpreter.contexts import is_held_budget
from flopcast.analyzer.interpreter.control import PathEnd, _LAZY_CONSUMERS, _SHORT_CIRCUITING
from flopcast.analyzer.interpreter.exception_names import _FLOPSCOPE_ONLY, _SHOWN_AS


_MUTATORS_OF = {list: LIST_MUTATORS, dict: DICT_MUTATORS, set: SET_MUTATORS}


class Calls:
    """The Interpreter's methods for calls."""

    def presume_no_raise(self, span: Span, op: str, exc: str, why: str) -> None:
        """The count goes on as if ``op`` does not raise ``exc``, and the report says so: where no
        handler around may catch it (a raise ends the run; builtins.may_raise). An item of a
        generator made ahead of its consumer remembers it (_presumed_ahead)."""
        self.result.no_raise.setdefault((span, exc), NoRaise(span, op, exc, why))
        for made, presumed in self._making_ahead:
            presumed.append(len(made))

    def raise_on_values(self, name: str, args, kwargs, result) -> None:
        """Inside a try statement, the site of an op whether it raises depends on the values
        (_raises_on_values): raises on the path that answers that it does. Outside one the
        count presumes it does not raise (no path ends there), and the report says so."""
        raising = _raises_on_values(name, args, kwargs, result)
        if raising is None:
            return
        exc, why = raising
        if not self.handlers.depth:
            self.presume_no_raise(self.span, f"fnp.{name}", exc, why)
            return
        # a failing Cholesky is a safety net's rare event (the nominal path presumes it
        # away); float32 rounding past the symmetry check is not rare: no presumption
        presumed = False if exc == "LinAlgError" else None
        site = Site(("raise", self.span), (False, True), self.span, "exception",
                    f"whether fnp.{name} raises {exc} depends on the values "
                    f"({why}); the except clause runs if it does",
                    presumed=presumed, presumption=f"fnp.{name} does not raise {exc}" if presumed is not None else "",
                    rounding=exc == "SymmetryError", **self.retry_steering(exc).site_fields())
        self.retry_returning(site.key)
        if self.decisions.choose(site, self.kept_used()):
            raise UserRaise(self.span, f"{exc}: {why}")

    def price_op(self, opname: str, values: list[Value], node) -> Value:
        saved = self.span
        self.span = self.node_span(node)
        mark = len(self.result.charges)
        try:
            result = presumptions.after_op(opname, values, ops.pointwise(self, opname, values))
            result = signs.after_op(opname, values, {}, result, self.counter_watch)
            result = signs.decided_mask(opname, values, result, self.counter_watch)
            overflow.after_op(self, opname, values, {}, result)
            memory_limit.check(self, opname, values, result, mark)
            self.raise_on_values(opname, values, {}, result)
            self._symmetry_loss_may_raise(opname, values, {}, result)
            return const_masks.attach(scalar_values.attach(result, opname, values, {}), opname, values, {})
        except OpError as exc:
            return carrying(self.unpriced(node, opname, str(exc)), exc.machine)
        except OpRaises as exc:
            return self.op_raises(self.span, opname, exc)
        finally:
            self.span = saved

    def expr_Call(self, node: ast.Call) -> Value:
        func = self.eval(node.func)
        saved, self.consumer = self.consumer, (self.frame, self.call_span(node))
        try:
            return self._call_node(node, func)
        finally:
            self.consumer = saved

    def _call_node(self, node: ast.Call, func: Value) -> Value:
        if func.__class__ is Builtin and func.name in _SHORT_CIRCUITING and node.args \
                and isinstance(node.args[0], ast.GeneratorExp) and not node.keywords:
            return self.short_circuit(func.name, node)
        args: list[Value] = []
        lazy = (func.__class__ is Builtin and func.name in ("zip", "enumerate")
                or func.__class__ is LibRef and func.path == "py:itertools.islice")
        eager = (func.__class__ is Builtin and func.name not in _LAZY_CONSUMERS
                 or func.__class__ is LibRef and not func.path.startswith("py:itertools.")
                 or func.__class__ is BoundLib and func.path.startswith(("py.", "numpy.", "flopscope")))
        watch = []
        for a in node.args:
            if lazy and a.__class__ is ast.GeneratorExp:
                args.append(self.genexp_as_generator(a))  # taken as far as the call goes
                watch.append(a)
            elif eager and a.__class__ is ast.GeneratorExp:
                args.append(self.eager_genexp(a))
            elif isinstance(a, ast.Starred):
                seq = self.iterate(self.eval(a.value), a)
                if seq is None:
                    return self.unpriced(node, "call with *args", "the unpacked sequence is not known")
                args.extend(seq)
            else:
                args.append(self.eval(a))
        kwargs: dict[str, Value] = {}
        for kw in node.keywords:
            if kw.arg is None:
                d = self._unpacked_mapping(self.eval(kw.value), node)
                if isinstance(d, DictVal):
                    for k, v in d.items.items():
                        key = key_value(k)
                        if not (isinstance(key, Known) and isinstance(key.value, str)):
                            if isinstance(key, Known) or isinstance(key, (TupleVal, InstanceVal)):
                                # `f(**{1: 2})`: Python's TypeError before the call
                                raise UserRaise(self.node_span(node), "TypeError: keywords must be strings")
                            return self.unpriced(node, "call with **kwargs", "a key of the unpacked mapping is not known")
                        if key.value in kwargs:
                            raise UserRaise(self.node_span(node), f"TypeError: got multiple values for keyword "
                                                                  f"argument '{key.value}'")
                        kwargs[key.value] = v
                else:
                    return self.unpriced(node, "call with **kwargs", "the unpacked mapping is not known")
            else:
                value = self.eval(kw.value)
                if kw.arg in kwargs:  # `f(**{"a": 1}, a=2)` (Python refuses a repeated literal keyword itself)
                    raise UserRaise(self.node_span(node), f"TypeError: got multiple values for keyword argument "
                                                          f"'{kw.arg}'")
                kwargs[kw.arg] = value
        if watch:
            made = self.call(func, args, kwargs, self.call_span(node), node)
            for a in watch:  # zip/enumerate/islice take the generator's items as they are asked
                self._watch_genexp(made, a)
            return made
        return self.call(func, args, kwargs, self.call_span(node), node)

    def call_span(self, node: ast.Call) -> Span:
        """Where Python (3.11 on) places a call: a method call (``obj.name(...)``, no ``*args``
        or ``**kwargs``, ``obj`` not a name the module imports) whose name sits on a later line
        than the call's start (``fnp.stack([..., ...]).astype(t)``) starts at that name, as its CALL instruction's position does, which is
        where flopscope's charge is attributed at run time; any other call (and one with 30
        arguments or more, which CPython compiles as a plain call) is its node's span."""
        span = self.node_span(node)
        func = node.func
        if func.__class__ is not ast.Attribute or func.end_lineno == node.lineno \
                or func.value.__class__ is ast.Name and self._module_imports(func.value.id) \
                or any(a.__class__ is ast.Starred for a in node.args) \
                or any(k.arg is None for k in node.keywords) or func.end_col_offset < len(func.attr) \
                or len(node.args) + len(node.keywords) + bool(node.keywords) >= 30:  # (CPython's stack guideline)
            return span
        cached = getattr(node, "_flopcast_call_span", None)
        if cached is not None and cached.path == span.path:
            return cached
        made = Span(span.path, func.end_lineno, func.end_col_offset - len(func.attr), span.end_line, span.end_col)
        node._flopcast_call_span = made
        return made

    def _module_imports(self, name: str) -> bool:
        """Whether the module's own scope binds ``name`` by an import (CPython compiles
        ``fnp.f(...)`` then as an attribute load and a plain call, placed at the call's start)."""
        module = self.frame.module if self.frame else self.program.main
        found = getattr(module.tree, "_flopcast_imports", None)
        if found is None:
            import symtable

            try:
                top = symtable.symtable(module.text, module.path, "exec")
                found = frozenset(sym.get_name() for sym in top.get_symbols() if sym.is_imported())
            except (SyntaxError, ValueError):
                found = frozenset()
            module.tree._flopcast_imports = found
        return name in found

    def call(self, func: Value, args: list[Value], kwargs: dict, span: Span, node=None) -> Value:
        if isinstance(func, FunctionVal):
            return self.call_user(func, args, kwargs, span)
        if isinstance(func, BoundMethod):
            return self.call_user(func.function, [func.receiver] + args, kwargs, span)
        if isinstance(func, ClassVal):
            return self.instantiate(func, args, kwargs, span)
        if isinstance(func, PartialVal):
            return self.call(func.func, list(func.args) + list(args), {**func.kwargs, **kwargs}, span, node)
        if is_held_budget(func):
            # `@flops.budget(n)`: flopscope's wrapper enters the context at each call
            if len(args) != 1 or kwargs:
                return self._unpriced_at(span, "BudgetContext()", "a call other than as a decorator is not modelled")
            return PartialVal(LibRef(_INSIDE_BUDGET), [args[0]], {})
        if isinstance(func, InstanceVal):
            owner, method = func.cls.lookup("__call__")
            if isinstance(method, FunctionVal):
                return self.call_user(method, [func] + list(args), kwargs, span)
            raise UserRaise(span, f"TypeError: '{func.cls.name}' object is not callable")
        if isinstance(func, LibRef):
            if func.path.startswith("py:math.") and any(isinstance(a, CountKnown) for a in args):
                plain = [Known(a.value) if isinstance(a, CountKnown) else a for a in args]
                return sizetests.through(func.path[3:] if not kwargs else "", args,
                                         self.call_lib(func.path, plain, kwargs, span, node))
            return self.call_lib(func.path, args, kwargs, span, node)
        if isinstance(func, BoundLib):
            return self.call_bound(func, args, kwargs, span, node)
        if isinstance(func, (DTypeRef, Builtin)) \
                and (isinstance(func, DTypeRef) or func.name in _NUMPY_WORK_BUILTINS and "key" not in kwargs) \
                and plain_numpy.has_plain(args) and not plain_numpy.has_flopscope(list(args) + list(kwargs.values())):
            # Python's builtins and numpy's scalar types on numpy's own arrays: numpy's work, unbilled
            flopscope_args = [plain_numpy.as_flopscope(a) for a in args]
            return plain_numpy.free(self, lambda: self.call(func, flopscope_args, kwargs, span, node))
        if isinstance(func, DTypeRef):
            if kwargs or len(args) > 1:
                refused = _scalar_type_call_refusal(func.name, len(args), tuple(kwargs))
                if refused is not None:
                    raise UserRaise(span, f"TypeError: {refused}")
            if args and isinstance(args[0], Array):
                return self.price_call("dtype_call", [args[0], func], {}, node, span)
            if len(args) == 1 and not kwargs and (isinstance(args[0], (ListVal, TupleVal)) or (
                    isinstance(args[0], Known) and isinstance(args[0].value, (list, tuple)))):
                # numpy's scalar type called on a sequence makes numpy's own array of it
                return self.call_raw_numpy("asarray", args, {"dtype": func}, span, node)
            made = plain_numpy.computed(func.name, args, kwargs)  # np.int64(4) is a 4
            if made is None:
                refused = plain_numpy.refusal(func.name, args, kwargs)  # np.int32(2**40): OverflowError
                if refused is not None:
                    raise UserRaise(span, refused)
            return NumpyScalar(func.name, span if func.name == "float64" else None,
                               made.item() if made is not None and str(made.dtype) == func.name else None)
        if isinstance(func, Builtin):
            from flopcast.analyzer.builtins import call_builtin

            if func.name == "bool" and len(args) == 1 and isinstance(args[0], CountKnown):
                return self.size_truth(args[0], node)
            if any(isinstance(a, CountKnown) for a in args):  # `min(len(idx), 8)`: still the count's
                plain = [Known(a.value) if isinstance(a, CountKnown) else a for a in args]
                return sizetests.through(func.name if not kwargs else "", args,
                                         call_builtin(self, func.name, plain, kwargs, span, node))
            if func.name in _NUMERIC_BUILTINS:
                args = [plain_member(a) for a in args]  # `int(Level.FULL)`, `range(Level.FULL)`
            return call_builtin(self, func.name, args, kwargs, span, node)
        if isinstance(func, Known) and callable(func.value) and getattr(func.value, "__self__", None) is not None:
            try:
                plain_args = [_concrete(a) for a in args]
                plain_kwargs = {k: _concrete(v) for k, v in kwargs.items()}
            except _NotConcrete:
                owner = func.value.__self__
                if isinstance(owner, str) and func.value.__name__ == "format" \
                        and any(dunders.holds_text_methods(a) for a in (*args, *kwargs.values())):
                    # str.format asks each object for its text (its __format__, __str__, __repr__)
                    return dunders.text_made(self, owner.format, list(args), dict(kwargs), span)
                if func.value.__name__ in _MUTATORS_OF.get(type(owner), ()):
                    # it would then hold what the analyzer does not know: later reads are guesses
                    self.unfollowed_change(span, f"{type(owner).__name__}.{func.value.__name__}()",
                                           f"changes a {type(owner).__name__} by items the analyzer does not know")
                return Unknown("", span, "result of a method called with values the analyzer does not know")
            try:
                return Known(func.value(*plain_args, **plain_kwargs))
            except Exception as exc:  # noqa: BLE001
                raise python_raise(span, exc) from None
        if isinstance(func, Known) and not callable(func.value) or isinstance(func, (ListVal, TupleVal, DictVal)):
            kind = type(func.value).__name__ if isinstance(func, Known) else \
                {ListVal: "list", TupleVal: "tuple", DictVal: "dict"}[type(func)]
            raise UserRaise(span, f"TypeError: '{kind}' object is not callable")
        if isinstance(func, (Array, NumpyScalar)):
            # `w(3)`, `fnp.float64(1.0)(2)`: an array or a numpy scalar is no callable
            kind = ("numpy.ndarray" if func.plain else "FlopscopeArray") if isinstance(func, Array) \
                else f"numpy.{func.dtype}"
            raise UserRaise(span, f"TypeError: '{kind}' object is not callable")
        if isinstance(func, Unknown):
            # A method of a value the analyzer could not compute (`x.astype(...)` on the result
            # of an unpriced op): the call is unpriced for the same root cause.
            reason = ops.unknown_operand_reason(func)
            handed = next((a for a in (*args, *kwargs.values()) if changeable(a)), None)
            if handed is not None and node is not None:
                # it may change what it is handed (`list.__setitem__(xs, i, v)`, a library's
                # shuffle): going on with the object as it was would be a guess
                self.unfollowed_change(span, "call on an unknown value",
                                       f"{reason}; it is handed {kind_name(handed)} it may change")
            if node is not None and self.metered:
                return carrying(self.unpriced(node, "call on an unknown value", reason), func.machine)
            return Unknown("", func.origin, reason, machine=func.machine)
        if any(isinstance(a, Array) for a in args):
            return self.unpriced(node, "call of an unknown function", "it receives arrays; its charges are unknown")
        return Unknown("", span, "result of an unknown call")

    def price_call(self, name: str, args, kwargs, node, span: Optional[Span] = None) -> Value:
        saved = self.span
        self.span = span or self.node_span(node)
        if any(isinstance(a, InstanceVal) and a.payload is not None for a in args):
            # numpy reads a user subclass of list (or dict) as the container it is
            args = [a.payload if isinstance(a, InstanceVal) and a.payload is not None else a for a in args]
        mark = len(self.result.charges)
        try:
            if self.warning_filters.inside_ops and not self.free and name in installed.op_inventory().remote_unsupported:
                warning_filters.callback_op(self, name, self.span)
            silent, self.float_silent = self.float_silent, warning_filters.float_silent(name, kwargs)
            try:
                result = ops.dispatch(self, name, args, kwargs)
            finally:
                self.float_silent = silent
            memory_limit.check(self, name, args, result, mark)
            # (numpy's own work on its own arrays is free, and its 0-d values are numpy's too; an
            # out= buffer, by keyword or by position, is handed back as it is, numpy's own too)
            into_out = result.__class__ is Array and any(result is v for v in [*args[1:], kwargs.get("out")])
            result = scalar_values.attach(result if self.free or into_out else plain_numpy.fnp_result(name, result),
                                          name, args, kwargs)
            if not into_out:
                result = const_masks.attach(result, name, args, kwargs)
            result = presumptions.after_op(name, args, result)
            result = signs.after_op(name, args, kwargs, result, self.counter_watch)
            if not into_out:
                result = signs.decided_mask(name, args, result, self.counter_watch)
            overflow.after_op(self, name, args, kwargs, result)
            self.raise_on_values(name, args, kwargs, result)
            self._symmetry_loss_may_raise(name, args, kwargs, result)
            return result
        except FloatErrorsRaise as exc:
            raise PathEnd(f"{exc}; any float op after it may raise FloatingPointError, so the cost after it "
                          "is not counted", self.span, what=f"fnp.{name}")
        except OpError as exc:
            return carrying(self.unpriced(node, f"fnp.{name}" if node is not None else name, str(exc)) if node is not None
                            else self._unpriced_at(self.span, f"fnp.{name}", str(exc)), exc.machine)
        except OpRaises as exc:
            if self.free and exc.exc_type in _FLOPSCOPE_ONLY:
                # numpy's own call on its own values: flopscope's refusal (a string operand is not
                # billable) is not numpy's, which raises otherwise or not at all
                # (`np.diagonal("float32")`: numpy's ValueError)
                reason = f"numpy's own {name} where flopscope would raise {exc.exc_type}: what numpy does is not modelled"
                return self.unpriced(node, f"np.{name}", reason) if node is not None \
                    else self._unpriced_at(self.span, f"np.{name}", reason)
            self._charged_before_refusal(name, args, kwargs, mark, exc)
            return self.op_raises(self.span, f"fnp.{name}", exc)
        except (IndexError, KeyError, TypeError, ValueError, ZeroDivisionError) as exc:
            # Not an error the handler checked for (often a call with arguments numpy would
            # refuse, met before any check): unpriced, never claimed as the program's raise.
            reason = f"could not model this call ({type(exc).__name__}: {exc})"
            return self.unpriced(node, f"fnp.{name}", reason) if node is not None else self._unpriced_at(self.span, name, reason)
        finally:
            self.span = saved

    def _charged_before_refusal(self, name: str, args, kwargs: dict, mark: int, exc: OpRaises) -> None:
        """flopscope charges many calls before numpy refuses them (``fnp.reshape(w, (3, 5))``
        bills the copy, ``fnp.sort(w, axis=-3)`` the sort along the axis wrapped around): a
        program that catches the raise has paid it. Where the handler's charge falls short,
        flopscope is asked (``pricing.probe``, on zeros of the arrays' shapes): when that call
        raises the same class, what it charged first is charged; where it does not (the refusal
        reads array values), nothing is added."""
        from flopcast.analyzer.ops.operands import NoSpec, probe_spec

        if self.free or name.startswith(("ndarray.", "flopscope.", "stats.")) or name == "dtype_call":
            return
        try:
            specs = [probe_spec(a) for a in args], {k: probe_spec(v) for k, v in kwargs.items()}
        except NoSpec:
            return
        arrays = [v for v in list(args) + list(kwargs.values()) if isinstance(v, Array)]
        if not pricing.can_probe(*(a.shape for a in arrays)):
            return
        found = pricing.probe(name, *specs)
        charged = sum(c.flops for c in self.result.charges[mark:])
        if found is not None and found[0] not in (exc.exc_type, _SHOWN_AS.get(exc.exc_type)):
            # flopscope refuses these shapes otherwise, or earlier (`fnp.piecewise` counts its
            # functions before it looks at the dtype): which raise the run makes is not modelled.
            # A class among the modelled one's bases is another raise too: the run's TypeError
            # (`fnp.argmax("ij", w, v)` refuses the float out= first) escapes an `except
            # UnsupportedDtypeError:` the modelled class would meet. Only the name numpy shows a
            # class under (its _UFuncOutputCastingError is named UFuncTypeError) is the same raise.
            raise PathEnd(f"fnp.{name}: flopcast's model raises {exc.exc_type}, flopscope on arrays of these "
                          f"shapes {found[0]}: which one the run raises is not modelled", self.span,
                          what=f"fnp.{name}")
        if found is None or found[2] <= charged:
            return
        self.charge(name, found[2] - charged, arrays[0].dtype if arrays else None, measured=True)

    def op_raises(self, span: Span, what: str, exc: OpRaises) -> Value:
        """A call that raises on its operands: the program's own error, raised along the path
        as Python would (an `except` catches it; escaping predict, it is a Raise). When this
        path took a size read from data at one end of its range, the shapes were chosen, not
        known: that end stands for the counts next to it, which may not raise, so the raise is
        not claimed and the call stays unpriced. A selection's count is analysed apart from its
        neighbours next round (sizetests.isolate: ``fnp.max(s[s > tol])`` raises only when
        nothing is kept); once every size this path took is a count of its own, the raise is
        the run's at that count."""
        shaped = [site for site in self.decisions.seen if site.kind == "shape"]
        if any(not self._own_count(site, span) for site in shaped):
            return self._unpriced_at(span, what, f"raises {exc} with the sizes read from data this path "
                                                 "took; whether it raises depends on values")
        raise UserRaise(span, str(exc))

    def _own_count(self, site, span: Span) -> bool:
        """Whether the selection ``site`` took a count analysed apart from its neighbours on this
        path (they are analysed too, or past the range); where the count is an end of the range
        standing for its neighbours, they are asked for next round (``span``: the op that raised)."""
        key = site.key
        count, first = self.decisions.chosen.get(key), self._size_ranges.get(key)
        if key[0] != "size" or not isinstance(count, int) or isinstance(count, bool) or first is None \
                or key in self._size_ranges_moved:
            return False  # (met over another range since: its count there is not the one chosen)
        lo, hi = first
        if sizetests.alone(site.options, count, lo, hi):
            return True
        if count in (lo, hi) and self.count_values.get(key) != sizetests.OPEN:
            self.effects += 1
            sizetests.isolate(self.result, key, lo, hi, count, span.line)
            self.result.isolating.add(key)
        return False

    def _wrote_out(self, kwargs: dict) -> None:
        """numpy's own call wrote its result into ``out=`` (``np.cumsum(a, out=b)``): what was
        known of that buffer's values is gone."""
        out = kwargs.get("out")
        for a in (out.items if out.__class__ is TupleVal else (out,)):
            if a.__class__ is Array and a.plain:
                self.write_in_place(a)

    def _plain_in_place(self, x: Array, method: str, args, kwargs, span: Span) -> Value:
        """An in-place method of numpy's own ndarray (flopscope's arrays refuse them): free, and
        followed only in the forms that cannot raise; what was known of the values is gone."""
        # (a Python int past float64's range raises OverflowError in fill)
        number = len(args) == 1 and isinstance(args[0], Known) and (
            type(args[0].value) in (bool, float) or type(args[0].value) is int and abs(args[0].value) < 2 ** 63)
        if method == "fill" and number and not kwargs and x.dtype.startswith(("float", "complex")):
            self.write_in_place(x)
            return Known(None)
        if method == "sort" and not args and not kwargs and x.ndim >= 1:
            self.write_in_place(x)
            return Known(None)
        return self._unpriced_at(span, f"ndarray.{method}", "this form of numpy's in-place method is not modelled")

    def _unpriced_at(self, span: Span, what: str, reason: str, raises: bool = True) -> Value:
        """``raises``: whether the op may raise at run time (the run then stops there: the path's
        low end counts what came before it, api._floor_at_first_unpriced)."""
        self.unpriced_marks += 1
        if self.free:
            # numpy's own work on plain arrays is free, but a call flopcast does not model may
            # raise there (np.max of an empty array, rng.choice of more than the pool): the
            # run then stops or goes to a handler, so nothing after it is claimed
            reason = f"{reason} (numpy's own call on plain arrays: whether it raises is not known)"
        key = (span, what)
        self.effects += 1
        if key not in self._unpriced_keys:
            self._unpriced_keys.add(key)
            self.result.unpriced.append(Unpriced(span, what, reason, self.frame.qualname if self.frame else ""))
        if self.metered and self._first_unpriced is None:
            self._first_unpriced = len(self.result.charges)
        if self.metered and raises and self._first_raising is None:
            self._first_raising = len(self.result.charges)
        if self.handlers.depth:
            # what flopcast does not price may raise at run time, and a handler around it then runs
            # instead of what follows: going on would count work the run may not do
            raise PathEnd(f"{reason}; inside a try statement it may raise into a handler, so the cost after it "
                          "is not counted", span, what=what)
        return Unknown("", span, reason)

    def call_lib(self, path: str, args, kwargs, span: Span, node) -> Value:
        if path == _INSIDE_BUDGET:
            if self.metered:
                self.refuse_budget_entry(span)
            return self.call(args[0], list(args[1:]), kwargs, span, node)
        if path.startswith("flopscope.numpy."):
            name = path[len("flopscope.numpy."):]
            if ops.handles(name) and name not in _POSITIONALS_CHECKED_BY_HANDLER:
                return self._call_fnp(name, args, kwargs, node, span)
            return self.price_call(name, args, kwargs, node, span)
        if path.startswith("flopscope.stats."):
            name = path[len("flopscope."):]
            params = pricing.parameters(name)
            where = f"{name.rsplit('.', 1)[-1]}()"
            if 0 <= params.capacity < len(args):
                raise UserRaise(span, f"TypeError: {where} takes at most {params.capacity} positional arguments "
                                      f"but {len(args)} were given")
            unexpected = params.unexpected(kwargs)
            if unexpected:
                raise UserRaise(span, f"TypeError: {where} got an unexpected keyword argument {unexpected[0]!r}")
            missing = params.missing(len(args), kwargs)
            if missing:
                raise UserRaise(span, f"TypeError: {where} {missing}")
            return self.price_call(name, args, kwargs, node, span)
        if path.startswith("flopscope."):
            rest = path[len("flopscope."):]
            if rest in ("einsum",):
                return self._unpriced_at(span, f"flops.{rest}", "flopscope has no top-level einsum (AttributeError); "
                                         "use fnp.einsum")
            if rest in ("as_symmetric", "symmetrize", "is_symmetric", "SymmetryGroup.symmetric",
                        "einsum_accumulation_cost", "reduction_accumulation_cost", "tier2_reduction_cost"):
                return self.price_call("flopscope." + rest, args, kwargs, node, span)
            if rest in ("budget", "BudgetContext"):
                return self.held_budget(path, args, kwargs, span)
            if rest == "current_budget":
                return self.budget_snapshot(span)
            if rest == "budget_live":
                # a live display of the budget for `with` (no snapshot: `.flops_remaining` of it raises)
                return InstanceVal(ClassVal("_BudgetLive", "_BudgetLive", [], {}), {})
            if rest == "configure":
                warning_filters.configure(self, kwargs, span)
            if rest in ("configure", "einsum_clear_caches", "clear_cache", "budget_summary"):
                return Known(None)  # budget_summary() prints a table and returns None
            if rest == "budget_summary_dict":
                return self.budget_summary(span)
            if rest == "namespace":
                return self.budget_namespace(args, kwargs, span)
            if rest.split(".")[0] not in installed.op_inventory().top_level:
                return self._unpriced_at(span, f"flops.{rest}", f"flopscope {installed.flopscope_version()} has no "
                                         f"attribute `{rest.split('.')[0]}` (AttributeError when this line runs)")
            return self._unpriced_at(span, f"flops.{rest}", "this flopscope API is not modelled")
        if path.startswith("rawnumpy"):
            return self.call_raw_numpy(path[len("rawnumpy."):], args, kwargs, span, node)
        if path in _CACHING_DECORATORS:
            return self.cache_wrapper(path, args, kwargs, span)
        if path == "py:functools.update_wrapper" and len(args) == 2 and not kwargs \
                and isinstance(args[0], (FunctionVal, InstanceVal)):
            self.update_wrapper(args[0], args[1], span)  # what @wraps(f) does, called by hand
            return args[0]
        if path in dispatch.MAKERS:
            made = dispatch.make(args[0], dispatch.MAKERS[path]) if len(args) == 1 and not kwargs else None
            return made if made is not None else self._unpriced_at(
                span, path[3:], "a dispatcher around something other than a function of the user's is not modelled")
        if path.startswith("py:"):
            from flopcast.analyzer.builtins import call_stdlib

            return call_stdlib(self, path[3:], args, kwargs, span, node)
        if path in _WHESTBENCH_PURE:
            return self.call_whestbench_pure(path, args, kwargs, span)
        if path in ("whestbench.MLP", "whestbench.domain.MLP"):
            return self.make_user_mlp(args, kwargs, span)
        if path.startswith("whestbench"):
            return Unknown("", span, f"{path} result")
        return Unknown("", span, f"result of {path}")

    def _call_fnp(self, name: str, args, kwargs: dict, node, span: Span) -> Value:
        """``fnp.<name>(*args, **kwargs)`` with its arguments bound as flopscope binds them: its
        innermost function's parameters (more by position, or a required one missing: TypeError
        before any charge), then what it spreads into numpy's call (``pricing.spread``) and the
        keywords it passes on (``_price_binding_keywords``)."""
        params = pricing.parameters(name)
        if 0 <= params.capacity < len(args):
            # flopscope's innermost function binds the call before anything is charged
            # (the handlers read numpy's layout, which takes more by position)
            if not params.read_from_code:
                raise PathEnd(f"fnp.{name} states it takes at most {params.capacity} arguments by position "
                              "(a builtin's stated signature, not read from code: not modelled)",
                              span, what=f"fnp.{name}")
            raise UserRaise(span, f"TypeError: {params.too_many(name, len(args))}")
        if params.capacity < 0:
            spread = pricing.spread(name)
            if spread is not None and spread.capacity < len(args):
                return self._refused_after(
                    name, f"fnp.{name}", spread.charged_first, spread.message(len(args)), args, kwargs,
                    lambda: self._price_binding_keywords(name, list(args[:spread.capacity]), kwargs, node, span),
                    span)
        missing = params.missing(len(args), kwargs)
        if missing and not params.unexpected(kwargs):
            raise UserRaise(span, f"TypeError: {name.rsplit('.', 1)[-1]}() {missing}")
        return self._price_binding_keywords(name, args, kwargs, node, span)

    def _bind_own_method(self, method: str, recv: Array, args, kwargs: dict, span: Span, node) -> None:
        """flopscope's array methods that hand their arguments to numpy's own method
        (``_call_numpy(super().copy, *args, **kwargs)``: ``w.copy(bogus=1)``, ``w.flatten('C', 1)``):
        numpy's TypeError for what it has no parameter for, after flopscope's charge where
        numpy is called inside it (the charge is the call's without them). Claimed only where
        what the method does with its arguments is read off plainly (``pricing.spread`` and
        ``pricing.forwarded``, both at one moment of the charge, the charge reading neither)."""
        name = f"ndarray.{method}"
        if pricing.method_delegate(method) is not None:
            return
        spread = pricing.spread(name)
        passed = pricing.forwarded(name) if kwargs else None
        over = spread is not None and spread.capacity < 1 + len(args)
        refused = passed.refused(kwargs) if passed is not None else []
        if not (over or refused) or kwargs and passed is None or \
                passed is not None and ("*" in passed.read or set(refused) & passed.read or
                                        spread is not None and passed.charged_first != spread.charged_first):
            return
        if over:
            found, message = spread, spread.message(1 + len(args))
        else:
            found, message = passed, f"TypeError: {passed.function}() got an unexpected keyword argument {refused[0]!r}"
        kept_args = list(args[:spread.capacity - 1]) if over else list(args)
        kept = {k: v for k, v in kwargs.items() if k not in refused}
        self._refused_after(name, f"array method .{method}()", found.charged_first, message, [recv] + list(args),
                            kwargs, lambda: self.call_bound(BoundLib("numpy." + method, recv), kept_args, kept, span,
                                                            node), span)

    def _refused_after(self, name: str, what: str, charged_first: bool, message: str, args, kwargs, price,
                       span: Span):
        """numpy's refusal (``message``) of arguments flopscope hands it, made inside flopscope's
        charge (``charged_first``: ``price()`` makes that charge, for the call without what numpy
        refuses, which the charge never reads) or before any charge."""
        if not charged_first:
            self._raise_unless_checked(name, args, kwargs, span, message)
        marks = self.unpriced_marks
        try:
            price()
        except UserRaise as exc:
            # flopscope may refuse the arguments before numpy binds them, or numpy after: which
            # one raises first (and what it raises) is not modelled
            raise PathEnd(f"{what}: numpy refuses arguments flopscope hands it ({message}) and the call without "
                          f"them raises ({exc}): which raise comes first is not modelled", span, what=what) from None
        if self.unpriced_marks != marks:
            raise PathEnd(f"{what}: numpy refuses arguments flopscope hands it ({message}) after a charge that is "
                          "not priced", span, what=what)
        raise UserRaise(span, message)

    def _raise_unless_checked(self, name: str, args: list, kwargs: dict, span: Span, message: str) -> None:
        """numpy's refusal of the call's arguments, made before flopscope charges anything; but
        where flopscope checks their values first (``pricing.values_checked``: the legacy samplers
        refuse a non-numeric object, a type included, ``refuse_non_numeric_source``, all but
        ``dtype=``), that check's refusal comes first, and numpy's is claimed only where every
        value is one the check passes: numbers, text, None, numeric arrays and sequences of them."""
        from flopcast.analyzer.ops.random import _refuse_type_objects

        if not pricing.values_checked(name):
            raise UserRaise(span, message)
        try:
            _refuse_type_objects(name, args, kwargs)
        except OpRaises as exc:
            raise UserRaise(span, str(exc)) from None

        def plain(v) -> bool:
            if isinstance(v, Known):
                return v.value is None or type(v.value) in (bool, int, float, complex, str, bytes) or \
                    isinstance(v.value, (tuple, list)) and all(plain(Known(x)) for x in v.value)
            if isinstance(v, (TupleVal, ListVal)):
                return all(plain(x) for x in v.items)
            if isinstance(v, Array):
                return v.dtype.startswith(("float", "int", "uint", "complex", "bool"))
            return isinstance(v, NumpyScalar)

        if not all(plain(v) for v in list(args) + [v for k, v in kwargs.items() if k != "dtype"]):
            raise PathEnd(f"fnp.{name} refuses its arguments ({message}) unless a check of their values "
                          "raises first: not modelled", span, what=f"fnp.{name}")
        raise UserRaise(span, message)

    def _price_binding_keywords(self, name: str, args, kwargs: dict, node, span: Span) -> Value:
        """``fnp.<name>(*args, **kwargs)`` (or an array method that is that call), with its keywords
        bound as flopscope binds them: one its innermost function has no parameter for is a
        TypeError before anything is charged. A function that gathers the keywords past its own
        parameters in ``**kwargs`` hands them to numpy, which refuses one it has no parameter for:
        flopscope makes that call inside its charge (the charge stands, then the raise) or before
        any charge (nothing charged), as ``pricing.forwarded`` reads from flopscope's source."""
        params = pricing.parameters(name)
        unexpected = params.unexpected(kwargs)
        if unexpected:
            raise UserRaise(span, f"TypeError: {name.rsplit('.', 1)[-1]}() got an unexpected keyword "
                                  f"argument {unexpected[0]!r}")
        passed = pricing.forwarded(name) if params.keywords is None and kwargs else None
        refused = passed.refused(kwargs) if passed is not None else []
        if not refused:
            return self.price_call(name, args, kwargs, node, span)
        message = f"TypeError: {passed.function}() got an unexpected keyword argument {refused[0]!r}"
        if not passed.charged_first:
            self._raise_unless_checked(name, args, kwargs, span, message)
        if "*" in passed.read or set(refused) & passed.read:
            return self._unpriced_at(span, f"fnp.{name}", f"numpy refuses the keyword {refused[0]!r} (TypeError) "
                                     "after flopscope charged a cost that reads it: not modelled")
        marks = self.unpriced_marks
        # flopscope's charge never sees the refused keywords (they only reach numpy)
        result = self.price_call(name, args, {k: v for k, v in kwargs.items() if k not in refused}, node, span)
        if self.unpriced_marks != marks:
            return result
        raise UserRaise(span, message)

    def budget_namespace(self, args: list, kwargs: dict, span: Span) -> Value:
        """``flops.namespace(name)``: a label for the records made in its ``with``, no FLOPs;
        flopscope refuses a name that is blank or holds a '.' (ValueError)."""
        name = args[0] if len(args) == 1 and not kwargs else kwargs.get("name") if len(kwargs) == 1 and not args else None
        if not (isinstance(name, Known) and isinstance(name.value, str)):
            if isinstance(name, Known):
                raise UserRaise(span, "ValueError: namespace segment must be a string")
            return self._unpriced_at(span, "flops.namespace", "a name not known statically may be refused "
                                                              "(blank or holding a '.')")
        segment = name.value.strip()
        if not segment:
            raise UserRaise(span, "ValueError: namespace segment must be non-empty")
        if "." in segment:
            raise UserRaise(span, "ValueError: namespace segment must not contain '.'")
        return InstanceVal(ClassVal("_NamespaceScope", "_NamespaceScope", [], {}), {})

    def make_user_mlp(self, args: list, kwargs: dict, span: Span) -> Value:
        """``MLP(width, depth, weights, seed=0, name="")``: whestbench's plain dataclass (it
        validates nothing when built), with the weights the estimator hands it."""
        fields = dict(zip(("width", "depth", "weights", "seed", "name"), args))
        for key, value in kwargs.items():
            if key in fields or key not in ("width", "depth", "weights", "seed", "name"):
                raise UserRaise(span, f"TypeError: MLP.__init__() got an unexpected or repeated argument {key!r}")
            fields[key] = value
        width, depth, weights = fields.get("width"), fields.get("depth"), fields.get("weights")
        if weights is None or width is None or depth is None:
            raise UserRaise(span, "TypeError: MLP.__init__() missing a required argument (width, depth, weights)")
        if not (isinstance(width, Known) and type(width.value) is int and isinstance(depth, Known)
                and type(depth.value) is int and isinstance(weights, ListVal)):
            return Unknown("", span, "an MLP built from values the analyzer does not know")
        return MLPVal(width.value, depth.value, weights, fields.get("seed", Known(0)), fields.get("name", Known("")))


#: whestbench functions that are pure arithmetic on known ints (see call_whestbench_pure).
_WHESTBENCH_PURE = {
    "whestbench.budget.mc_flops_per_sample",
    "whestbench.budget.effective_compute",
}


#: Ops whose success depends on the values (numpy raises LinAlgError, after flopscope charged them).
_NOT_FINITE = "numpy's LAPACK call fails on a matrix holding a NaN or an infinity, after flopscope charged it"


_RAISES_ON_VALUES = {
    "linalg.cholesky": "the matrix is not positive definite",
    "linalg.inv": "the matrix is singular",
    "linalg.solve": "the matrix is singular",
    # measured (flopscope 0.12.4, numpy 2.4): "SVD did not converge", "Eigenvalues did not
    # converge", "Array must not contain infs or NaNs" on a non-finite input; eigh and qr return
    # NaNs for some such inputs, but eigh raised for a NaN row with UPLO="U"
    "linalg.svd": _NOT_FINITE,
    "linalg.svdvals": _NOT_FINITE,
    "linalg.eigh": _NOT_FINITE,
    "linalg.eigvalsh": _NOT_FINITE,
    "linalg.eig": _NOT_FINITE,
    "linalg.eigvals": _NOT_FINITE,
    "linalg.lstsq": _NOT_FINITE,
    "linalg.pinv": _NOT_FINITE,
    "linalg.matrix_rank": _NOT_FINITE,
}


#: matrix norms computed from singular values (an SVD that fails on a non-finite input)
_SVD_NORM_ORDS = (2, -2, "nuc")


#: Result dtypes whose rounding can break flopscope's symmetry check (atol 1e-6, rtol 1e-5).
_LOW_PRECISION = frozenset({"float16", "float32", "complex64"})


def _raises_on_values(name: str, args, kwargs, result) -> Optional[tuple[str, str]]:
    """(exception class, why) when whether this op raises depends on the values, else None.

    Besides the LinAlgError ops: an einsum whose result flopscope infers symmetric (one
    operand passed twice around a symmetric one, ``einsum('ki,kl,lj->ij', w, cov, w)``) is
    checked numerically against that symmetry, and in float32 the rounding of a chain of
    such products passes the tolerance (SymmetryError, seen on the third layer at 1024).
    SVD- and eigen-based calls (svd, eigh, eigvalsh, eig, lstsq, pinv, matrix_rank, a matrix
    2-norm) raise LinAlgError on a matrix holding an inf or a NaN (an overflowed covariance).
    Two operands and no symmetric input (a Gram ``einsum('ni,nj->ij', x, x)``) come out of
    one BLAS product, symmetric to the bit; float64 rounding stays far inside the tolerance."""
    if name in _RAISES_ON_VALUES:
        return "LinAlgError", _RAISES_ON_VALUES[name]
    if name in ("linalg.norm", "linalg.matrix_norm") and args and isinstance(args[0], Array):
        order = kwargs.get("ord", args[1] if len(args) > 1 else Known(None))
        axis = kwargs.get("axis", args[2] if len(args) > 2 else Known(None))
        if name == "linalg.matrix_norm":
            matrix = True
        elif isinstance(axis, Known) and axis.value is None:
            matrix = args[0].ndim == 2
        elif isinstance(axis, Known) and isinstance(axis.value, int):
            matrix = False  # a vector norm along one axis
        else:
            matrix = True  # an axis pair takes a matrix norm over it (or an axis not known)
        if matrix and not (isinstance(order, Known) and order.value not in _SVD_NORM_ORDS):
            return "LinAlgError", _NOT_FINITE
    if name == "power" and len(args) == 2 and _integer(args[0]) and _integer(args[1]) \
            and not (isinstance(args[1], NumpyScalar) and args[1].value is not None) \
            and not (isinstance(args[1], Array) and args[1].vrange is not None and args[1].vrange[0] >= 0):
        # numpy's integer power loop refuses a negative exponent (ops.negative_int_power decides
        # a known one): an integer exponent whose values are not known (np.int64(e), an array)
        return "ValueError", "numpy refuses an integer to a negative integer power"
    if name == "einsum" and isinstance(result, Array) and result.sym and result.dtype in _LOW_PRECISION:
        operands = [a for a in args[1:] if isinstance(a, Array)]
        if len(operands) != 2 or any(a.sym for a in operands):
            return "SymmetryError", f"flopscope checks that the {result.dtype} result is symmetric"
    return None


def _integer(value) -> bool:
    """An array or numpy scalar of an integer dtype."""
    return isinstance(value, (Array, NumpyScalar)) and value.dtype is not None and dtypes.kind(value.dtype) in "iu"


#: fnp functions whose handler refuses extra positional arguments in its own words (bincount's
#: weights, allclose's tolerances: the program's TypeError)
_POSITIONALS_CHECKED_BY_HANDLER = frozenset({"bincount", "allclose"})
#: The function a held budget's decorator makes: it enters the budget, then calls the function.
_INSIDE_BUDGET = "flopcast:inside-budget"


_NUMERIC_BUILTINS = frozenset({"int", "float", "round", "abs", "range", "divmod", "pow", "bool"})


#: Builtins whose work on numpy's own arrays is numpy's (conversions, arithmetic, comparisons,
#: truth, formatting), billed nothing. The others only hold or hand the arrays over (iter, list,
#: zip, dict: the same plain objects) or call the program's functions on them (map, filter,
#: a `key=`), whose fnp calls bill plain operands as any other: they run as any call does.
#: Not len: it bills nothing and counts numpy's arrays as flopscope's, and asking has_plain
#: walks every item of a list (`while len(hist) < n` grows it by one each step: quadratic).
_NUMPY_WORK_BUILTINS = frozenset({"int", "float", "complex", "bool", "round", "abs", "divmod", "pow", "sum", "min",
                                  "max", "sorted", "any", "all", "hash", "str", "repr", "format", "print"})


def kind_name(value: Value) -> str:
    """What a changeable value is, for messages: a list, a Model object, a function of the program."""
    if isinstance(value, InstanceVal):
        return f"a {value.cls.name} object"
    if isinstance(value, (FunctionVal, BoundMethod, PartialVal)):
        return "a function of the program, which it may call"
    if value.__class__ is Array:
        return "a numpy array"
    return {ListVal: "a list", DictVal: "a dict", TupleVal: "a tuple holding objects"}.get(value.__class__, "an object")


_SCALAR_CALL_REFUSALS: dict = {}


def _scalar_type_call_refusal(name: str, positional: int, keywords: tuple) -> Optional[str]:
    """numpy's TypeError for its scalar type ``name`` called with keywords (``fnp.int64(rows,
    axis=0)``) or more than one argument by position (``fnp.int8(x, 0.0)``; ``complex128(re, im)``
    takes two), or None where numpy takes the call. The numeric scalar types parse their
    arguments before reading any value, so numpy itself is asked with stand-in zeros (once per
    form)."""
    key = (name, positional, keywords)
    if key not in _SCALAR_CALL_REFUSALS:
        import numpy as np

        scalar_type, refused = getattr(np, name, None), None
        if isinstance(scalar_type, type) and issubclass(scalar_type, (np.number, np.bool_)):
            try:
                scalar_type(*[0] * positional, **dict.fromkeys(keywords, 0))
            except TypeError as exc:
                refused = str(exc)
            except (ValueError, OverflowError):
                pass
        _SCALAR_CALL_REFUSALS[key] = refused
    return _SCALAR_CALL_REFUSALS[key]


class _NotConcrete(Exception):
    pass


def _concrete(v: Value) -> Any:
    """The Python value of a known value, or of a list or tuple of them (`", ".join(parts)`)."""
    if isinstance(v, Known):
        return v.value
    if isinstance(v, ListVal):
        return [_concrete(x) for x in v.items]
    if isinstance(v, TupleVal):
        return tuple(_concrete(x) for x in v.items)
    raise _NotConcrete
