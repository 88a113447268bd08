"""Calls into libraries other than flopscope's priced operations: whestbench, plain numpy,
np.vectorize, budget summaries, random samplers, bound methods of library objects.
"""

from __future__ import annotations

from typing import Callable, Optional

from flopcast import installed
from flopcast.analyzer import (dataints, dispatch, exit_stack, loggers, lru, memory_limit, ops, plain_numpy, pricing,
                               scalar_values, stdlib_random, submission_files)
from flopcast.analyzer import spent_ranges
from flopcast.analyzer.ops import OpError, OpRaises
from flopcast.analyzer.ops.methods import IN_PLACE_METHODS
from flopcast.analyzer.values import (Array, BoundLib, Builtin, ClassVal, DictVal, DTypeRef, FunctionVal, Generator,
                                      InstanceVal, Known, ListVal, make_tuple, NpzFile, NumpyScalar, OPAQUE,
                                      PartialVal, PyGenerator, TupleVal, Unknown, UserRaise, Value)
from flopcast.model import Span
from flopcast.analyzer.interpreter import limits
from flopcast.analyzer.interpreter.classes import _is_flops_module, _module_state, _namedtuple_fields


class LibraryCalls:
    """The Interpreter's methods for calls into libraries other than flopscope's priced operations."""

    def call_whestbench_pure(self, path: str, args, kwargs, span: Span) -> Value:
        """whestbench's cost-model helpers are pure integer functions of the round's
        geometry; calling the installed library with known ints keeps a budget-derived
        sample count exact (this runs whestbench's code, never the estimator's)."""
        if not all(isinstance(a, Known) for a in list(args) + list(kwargs.values())):
            return Unknown("int", span, f"{path.rsplit('.', 1)[1]}() of values that depend on data")
        import importlib

        module, _, name = path.rpartition(".")
        if module == "whestbench.budget":
            fn = getattr(installed.whestbench_budget_module(), name)
        else:
            fn = getattr(importlib.import_module(module), name)
        try:
            return Known(fn(*[a.value for a in args], **{k: v.value for k, v in kwargs.items()}))
        except (TypeError, ValueError) as exc:
            raise UserRaise(span, f"{type(exc).__name__}: {exc}")

    def call_raw_numpy(self, name: str, args, kwargs, span, node) -> Value:
        """A plain ``np.<name>(...)`` call: see plain_numpy.py for the rule."""
        method = name[len("ndarray."):] if name.startswith("ndarray.") else ""
        if method and args and args[0].__class__ is Array and args[0].plain and ops.dtypes.ndarray_method(method):
            # numpy's unbound method on its own array (`np.ndarray.sort(a)` sorts `a` in place):
            # the method, not flopscope's refusal of an in-place sort
            return self.call_bound(BoundLib("numpy." + method, args[0]), list(args[1:]), kwargs, span, node)
        if "sig" not in kwargs:
            # numpy binds its arguments before anything (its dispatcher has the function's
            # signature): a keyword it has no parameter for is a TypeError, nothing charged
            import inspect

            import numpy as np

            from flopcast.analyzer.builtins import refuse_binding

            function = np
            for part in name.split("."):
                function = getattr(function, part, None)
            # so are more arguments by position than it has room for (`np.kron(a, b, c)`), where
            # the signature is the Python one numpy binds: a C function's text signature can be
            # narrower than what it takes (`np.divmod`'s two outs, `np.add.reduce`'s keepdims),
            # so there only the keywords are bound, against the places the signature names
            if type(function).__name__ == "_ArrayFunctionDispatcher" or inspect.isfunction(function):
                refuse_binding(function, len(args), kwargs, span)
            elif kwargs:
                refuse_binding(function, min(len(args), _named_places(function)), kwargs, span)
        if name == "vectorize":
            return self._vectorize(args, kwargs, span)
        values = list(args) + list(kwargs.values())
        if name.startswith("polynomial."):
            try:
                return plain_numpy.free(self, lambda: ops.polynomial.numpy_polynomial(self, name, args, kwargs))
            except OpError as exc:
                return self._unpriced_at(span, f"np.{name}", str(exc))
        dispatched = plain_numpy.dispatch_values(name, args, kwargs)
        if len(dispatched) < len(values) and plain_numpy.has_flopscope(values) \
                and not plain_numpy.has_flopscope(dispatched):
            # numpy's own asarray of the sequence (a copy, unbilled): its implementation runs on that
            args = [plain_numpy.copied_plain(args[0])] + list(args[1:])
            values = list(args) + list(kwargs.values())
        method_target = installed.op_inventory().ufunc_methods.get(name)
        if method_target is not None and args and isinstance(args[0], Array) and not args[0].plain:
            self.routed_warning(name.split(".")[0], span)
            args, kwargs = plain_numpy.ufunc_method_call(name, method_target, args, kwargs)
            self.note(span, f"np.{name} on a flopscope array runs fnp.{method_target} through flopscope's numpy "
                            "protocol and is billed as such")
            return self.price_call(method_target, args, kwargs, node, span)
        generic = ops.elementwise.ufunc_outer if name.endswith(".outer") and plain_numpy.has_flopscope(values) \
            else ops.reductions.ufunc_reduction if name.endswith((".reduce", ".accumulate")) and args \
            and args[0].__class__ is Array and not args[0].plain else None
        if generic is not None:
            self.routed_warning(name.split(".")[0], span)
            self.note(span, f"np.{name} on a flopscope array runs flopscope's generic ufunc-method path and is "
                            "billed as such")
            saved, self.span = self.span, span
            try:
                return generic(self, name, args, kwargs)
            except OpError as exc:
                return self._unpriced_at(span, f"np.{name}", str(exc))
            finally:
                self.span = saved
        if plain_numpy.has_flopscope(dispatched):
            kind, target = plain_numpy.protocol(name)
            if kind == "routed":
                self.routed_warning(name, span)
                self.note(span, f"np.{name} on a flopscope array runs fnp.{target} through flopscope's numpy "
                                "protocol and is billed as such (numpy is not available on the grader)")
                return self.price_call(target, args, kwargs, node, span)
            if kind == "free" and name in ("shape", "ndim", "size") and len(args) == 1 and isinstance(args[0], Array):
                return self.get_attr(args[0], name, span)
            if kind in ("free", "converts"):
                return plain_numpy.free(self, lambda: self.price_call(name, args, kwargs, node, span))
            if kind == "same":
                return args[0] if args else Unknown("", span, f"np.{name}() result")
            if kind == "raises" and not plain_numpy.has_plain(values):
                raise UserRaise(span, plain_numpy.type_error(name, values))
            reason = ("numpy's own implementation runs on a mix of flopscope and numpy arrays" if kind == "raises"
                      else "flopscope's numpy protocol for this function is not modelled")
            return self._unpriced_at(span, f"np.{name} on a flopscope array", reason)
        if name in plain_numpy.VALUE_SHAPED:
            made = plain_numpy.computed_plain(name, args, kwargs, span)  # shapes read off known values
            if made is not None:
                return made
        if name in ops.HANDLERS or (plain_numpy.has_plain(values) or plain_numpy.has_number_sequence(args)
                                    and not name.startswith("random.")) and ops.handles(name):
            # numpy's own work on its own arrays (np.cos of a plain ndarray), or on a list of numbers
            # it converts to one (np.mean([v[0], v[1]]), np.std of floats read from data): free, plain results
            value = plain_numpy.free(self, lambda: self.price_call(name, args, kwargs, node, span))
            self._wrote_out(kwargs)
            plain_numpy.joined_to_operands(value, values)
            if not plain_numpy.has_plain(values):
                value = plain_numpy.with_known_value(plain_numpy.scalar_result(value, name), name, args, kwargs)
                value = dataints.clamped_scalar(value, name, args, kwargs, span)
            return plain_numpy.with_elements(value, name, args, kwargs)
        scalars = all(isinstance(a, (NumpyScalar, Unknown)) or (isinstance(a, Known) and isinstance(
            a.value, (int, float, bool))) for a in list(args) + list(kwargs.values()))
        if scalars and name in _RAW_NUMPY_SCALAR_FUNCS:
            # numpy's own dtype and value where every argument is known (np.maximum(3, 4) is an
            # int64 4); else numpy's dtype of the arguments' types, of unknown value
            out = plain_numpy.computed(name, args, kwargs)
            if out is not None and out.dtype.kind in "biuf":
                return NumpyScalar(str(out.dtype), span, out.item())
            dtype = plain_numpy.scalar_dtype(name, args, kwargs)
            if dtype is None:
                return Unknown("", span, f"np.{name}() of a number whose type is not known")
            # np.maximum(k, 2) of an integer read from data: numpy's default integer, bounded
            return dataints.clamped_scalar(NumpyScalar(dtype, span), name, args, kwargs, span)
        # a plain numpy function with no fnp model (np.polynomial...): its result is not
        # tracked; never guess a scalar for it. It may write into an array it is handed
        # (`np.add.at(a, idx, 1)`): what was known of their values is gone
        for value in values:
            for a in plain_numpy.arrays_in(value):
                if a.plain:
                    self.write_in_place(a)
        return Unknown("", span, f"plain numpy np.{name}(): its result is not modelled")

    def _vectorize(self, args, kwargs, span: Span) -> Value:
        """``np.vectorize(pyfunc[, otypes=])``: a callable whose calls ``call_vectorized`` models;
        its other options (``excluded``, ``cache``, ``signature``) are not modelled."""
        given = dict(zip(("pyfunc", "otypes"), args), **kwargs)
        if len(args) > 2 or set(given) - {"pyfunc", "otypes", "doc"} or "pyfunc" not in given:
            return self._unpriced_at(span, "np.vectorize", "options other than otypes= are not modelled")
        otypes = given.get("otypes", Known(None))
        return PartialVal(Builtin("numpy.vectorize"), [given["pyfunc"], Known(not (isinstance(otypes, Known)
                                                                                  and otypes.value is None))], {})

    def call_vectorized(self, pyfunc: Value, otypes: bool, args, kwargs, span: Span) -> Value:
        """A call of ``np.vectorize(pyfunc)``. Without ``otypes`` numpy first calls ``pyfunc`` once
        on the first element of each argument (numpy scalars of ``np.asarray``'s), refusing empty
        ones (ValueError); then it hands each argument as an object array to a ufunc made by
        ``frompyfunc``, which a flopscope array's ``__array_ufunc__`` answers NotImplemented:
        TypeError. Calls numpy runs elementwise (no flopscope array) are not modelled."""
        if kwargs or not args or not any(a.__class__ is Array and not a.plain for a in args) or not all(
                a.__class__ in (Array, NumpyScalar) or a.__class__ is Known and type(a.value) in (int, float, bool)
                for a in args):
            return self._unpriced_at(span, "np.vectorize(...)()", "numpy calls the function on each element "
                                                                   "(or with keywords): not modelled")
        if not otypes:
            if any(a.__class__ is Array and a.size == 0 for a in args):
                raise UserRaise(span, "ValueError: cannot call `vectorize` on size 0 inputs unless `otypes` is set")
            firsts = []
            for a in args:
                if a.__class__ is Known:
                    import numpy as np

                    first = np.asarray(a.value)
                    firsts.append(NumpyScalar(first.dtype.name, None, first.item()))
                else:
                    firsts.append(a if a.__class__ is NumpyScalar else NumpyScalar(a.dtype))
            self.call(pyfunc, firsts, {}, span)
        kinds = {"flopscope._symmetric.SymmetricTensor" if a.sym else "flopscope._ndarray.FlopscopeArray"
                 for a in args if a.__class__ is Array and not a.plain}
        raise UserRaise(span, "TypeError: operand type(s) all returned NotImplemented from __array_ufunc__ "
                              f"({', '.join(sorted(kinds))})")

    def budget_summary(self, span: Span) -> Value:
        """``flops.budget_summary_dict()``: flopscope sums it over every budget context recorded in
        the process (whestbench's earlier predictions too), so its numbers are not known here."""
        self.budget_reads += 1
        number = {"flop_budget": "int", "flops_used": "int", "flops_remaining": "int", "wall_time_s": "float",
                  "flopscope_backend_time_s": "float", "flopscope_overhead_time_s": "float",
                  "residual_wall_time_s": "float"}
        items: dict = {k: Unknown(kind, span, f"budget_summary_dict()[{k!r}]: summed over every budget "
                                              "context of the process") for k, kind in number.items()}
        items["operations"] = Unknown("", span, "budget_summary_dict()['operations'] is not modelled")
        return DictVal(items)

    def spent_unfollowed(self) -> Optional[str]:
        """Why the FLOPs spent so far on this path are not the run's, or None. A generator body
        runs whole on its first consumption, so its charges come before its consumer's that the
        run interleaves with them; an unpriced op's charge is missing."""
        if self._first_unpriced is not None:
            return "an op before it is not priced"
        if self.ended_sizes:
            # the cost is taken at the ends of a size's range, where it bounds the runs between;
            # what a budget read steers is not monotone in it (a loop that spends what is left
            # stops dearest just before a middle size), so the site is analysed at every value
            # next round (dataints.enumeration) and, where it cannot be, the read is not known
            self.result.picks |= dataints.enumerable(self.result, self.ended_sizes)
            key, line = next(iter(self.ended_sizes.items()))
            return (f"the FLOPs spent depend on a size read from data at line {line}, analysed at the ends "
                    "of its range")
        if self._starting_generator is not None or any(
                (g.end is None or g.end[1] != g.start[1]) and not self._used_up(g) for g in self._ran_generators):
            return "a generator's body ran ahead of its consumer (its charges are not interleaved as at run time)"
        if any(f is not None and f.generator is not None and f.generator.items
               for f in (self.frame, *self._outer_frames)):
            # a body running ahead past its first item: the run's consumer charged in between
            return "a generator's body runs ahead of its consumer (the consumer's charges after its first item come later)"
        return None

    @staticmethod
    def _used_up(gen: PyGenerator) -> bool:
        """A generator consumed to its end: every charge its body made, the run made too by now."""
        return gen.items is not None and gen.end is not None and gen.consumed >= len(gen.items) and gen.past_last \
            and not gen.looping

    def budget_snapshot(self, at: Optional[Span] = None) -> Value:
        self.budget_reads += 1
        used = self.used
        snap = ClassVal("BudgetSnapshot", "BudgetSnapshot", [], {})
        why = self.spent_unfollowed()
        if why is not None:
            # never a number that is not the run's: a test of it is then a value-dependent site
            span = at or self.span or self.program.main_span
            return InstanceVal(snap, {
                "flop_budget": Known(self.budget),
                "flops_used": Unknown("int", span, f"current_budget().flops_used: {why}"),
                "flops_remaining": Unknown("int", span, f"current_budget().flops_remaining: {why}"),
            })
        self.told_spent(snapshot=True)
        rid = spent_ranges.read_id(self._read_counts, at or self.span)
        self.result.read_log.append((rid, used, len(self.decisions.met)))
        watch = self.counter_watch
        followed = watch.budget_read(used) if watch is not None else None
        if followed is not None:
            # a steady loop's watched iteration: the answers of the skipped ones are worked out
            # from the FLOPs charged when each begins (counters.CounterWatch.budget_read)
            so_far, left = followed
            self.spend_steers(at or self.span, "a watch works out the reads of iterations it does not run")
        elif self.spent_ranges is not None:
            so_far, left = self._ranged_read(rid, used, at or self.span)
        else:
            so_far, left = Known(used), Known(self.budget - used)
        return InstanceVal(snap, {"flop_budget": Known(self.budget), "flops_used": so_far, "flops_remaining": left})

    def _ranged_read(self, rid: tuple, used: int, span) -> tuple:
        """(flops_used, flops_remaining) of a read on a run checking its reads are moot: each the
        range a mixed run may have there (spent_ranges.py), a plain number where that is one value."""
        if self.spent_ranges.ranges is None:  # (a run collecting what the paths spend: api._MootReads)
            return Known(used), Known(self.budget - used)
        lo, hi = self.spent_ranges.ranges.get(rid, (None, None))
        if lo is None or not lo <= used <= hi:
            self.spend_steers(span, "no path read the budget here as this one does")
            return Known(used), Known(self.budget - used)
        if lo == hi:
            return Known(used), Known(self.budget - used)
        steered = lambda: self.spend_steers(span, "the FLOPs spent are used otherwise than in order tests")  # noqa: E731
        return (spent_ranges.SpentKnown(used, lo, hi, steered),
                spent_ranges.SpentKnown(self.budget - used, self.budget - hi, self.budget - lo, steered))

    def _legacy_draw(self, path: str, args: list, kwargs: dict, span: Span) -> Value:
        """A method of a RandomState (``fnp.random.RandomState(seed).randn(n, w)``), priced by the
        legacy global function of its name under its own op name (ops.legacy_method)."""
        method = path[len("random.RandomState."):]
        price = ops.legacy_method(path)
        if price is None:
            return self._unpriced_at(span, f"RandomState.{method}", f"RandomState.{method} is not modelled by flopcast")
        return self._sampler(span, f"RandomState.{method}", path, args, lambda: price(self, list(args), dict(kwargs)))

    def _sampler(self, span: Span, what: str, op: Optional[str], args, price: Callable[[], Value]) -> Value:
        """A generator's method, priced by ``price()`` at ``span`` and its result checked against
        the memory limit (as ``op``; None: it allocates nothing); what the handler cannot price
        is unpriced, and what numpy refuses is the program's raise."""
        saved = self.span
        self.span = span
        try:
            mark = len(self.result.charges)
            drawn = price()
            if op is not None:
                memory_limit.check(self, op, args, drawn, mark)
            return drawn
        except OpError as exc:
            return self._unpriced_at(span, what, str(exc))
        except OpRaises as exc:
            return self.op_raises(span, what, exc)
        finally:
            self.span = saved

    def _scalar_read_with_arguments(self, method: str, recv: Array, args, kwargs: dict, span: Span):
        """numpy's ``tolist``/``__float__`` take nothing and ``item`` takes indices (none only for
        one element): what they refuse, before anything is charged, is the program's raise (a
        TypeError, ValueError or IndexError); an element ``item`` picks by known indices in range
        reads array values (None: the caller goes on as for ``item()``); any other form is not
        modelled. These were read as if the arguments were not there (``mu.tolist(fnp.float32)``,
        ``mu.item()`` of a vector: claimed to go through)."""
        if method == "tolist" and kwargs:
            raise UserRaise(span, "TypeError: ndarray.tolist() takes no keyword arguments")
        if method == "tolist":
            raise UserRaise(span, f"TypeError: function takes exactly 0 arguments ({len(args)} given)")
        if method == "__float__" and not kwargs:
            raise UserRaise(span, f"TypeError: expected 0 arguments, got {len(args)}")
        if method == "__float__" or kwargs:
            return self._unpriced_at(span, f".{method}()", f".{method}() with keywords is not modelled")
        if not args:
            raise UserRaise(span, "ValueError: can only convert an array of size 1 to a Python scalar")
        for a in args:
            if isinstance(a, Known) and (a.value is None or type(a.value) in (float, str, complex)):
                raise UserRaise(span, f"TypeError: '{type(a.value).__name__}' object cannot be interpreted as "
                                      "an integer")
            if isinstance(a, DTypeRef) and not a.instance:
                raise UserRaise(span, "TypeError: 'type' object cannot be interpreted as an integer")
            if not (isinstance(a, Known) and type(a.value) is int):
                return self._unpriced_at(span, ".item()", ".item() of indices that are not known ints is not modelled")
        if len(args) == 1 and len(args) != recv.ndim:
            extents = [recv.size]
        elif len(args) == recv.ndim:
            extents = list(recv.shape)
        else:
            raise UserRaise(span, "ValueError: incorrect number of indices for array")
        if any(not -n <= a.value < n for a, n in zip(args, extents)):
            return self._unpriced_at(span, ".item()", "an index of .item() out of range (numpy's IndexError) is "
                                                      "not modelled")
        return Unknown("float", span, "`.item()` reads array values")

    def _spawn(self, args, kwargs, span: Span) -> Value:
        # flopscope's spawn(self, n_children): one argument, by position or by that name
        given = list(args) + [kwargs[k] for k in kwargs if k == "n_children"]
        if len(given) != 1 or set(kwargs) - {"n_children"}:
            raise UserRaise(span, "TypeError: _CountedGenerator.spawn() takes exactly one argument (n_children)")
        return ListVal([Generator() for _ in range(max(ops.known_int(given[0], "n"), 0))])

    def call_bound(self, func: BoundLib, args, kwargs, span, node) -> Value:
        path, recv = func.path, func.receiver
        if path in (dispatch.REGISTER, dispatch.REGISTER_AS):
            return dispatch.register(self, path, recv, args, kwargs, span)
        if path == "py:functools.cmp_to_key.key":  # sorted() orders by it; nothing else is modelled
            return self._unpriced_at(span, "functools.cmp_to_key", "a cmp_to_key key used outside sorted() "
                                     "or list.sort() is not modelled")
        if path == "py:abc.register" and len(args) == 1 and not kwargs and isinstance(args[0], (ClassVal, Builtin)):
            # a virtual subclass: isinstance of the ABC and of every ABC it derives from answers for it
            for c in recv.mro():
                if not any(r is args[0] for r in c.registered or ()):  # (a register run again adds nothing)
                    c.registered = [*(c.registered or ()), args[0]]
            return args[0]
        if path == "py:namedtuple._replace" and isinstance(recv, InstanceVal) and not args:
            return self.replace_fields(recv, kwargs, span)
        if path == "py:namedtuple._asdict" and isinstance(recv, InstanceVal) and not args and not kwargs:
            return DictVal({n.value: recv.attrs.get(n.value, OPAQUE) for n in _namedtuple_fields(recv.cls).items})
        if path == "py:namedtuple._make" and isinstance(recv, ClassVal) and len(args) == 1 and not kwargs:
            items = self.iterate(args[0], node)
            fields = len(_namedtuple_fields(recv).items)
            if items is not None and len(items) != fields:
                # tuple.__new__ of the items, counted: no defaults fill a short iterable
                raise UserRaise(span, f"TypeError: Expected {fields} arguments, got {len(items)}")
            return self.call(recv, items, {}, span)
        if path == "py:functools.lru_cache.wrap":
            if len(args) != 1 or kwargs or not isinstance(args[0], FunctionVal):
                return self._unpriced_at(span, "lru_cache", "a cache wrapper around something other than a function "
                                         "of the user's is not modelled")
            return self.cached_copy(args[0], None if recv.value is None else lru.CacheSpec(*recv.value))
        if path.startswith("py:Random."):
            return stdlib_random.call(self, recv, path[len("py:Random."):], list(args), dict(kwargs), span, node)
        if path.startswith("py:logger."):
            return loggers.call(self, recv, path[len("py:logger."):], list(args), dict(kwargs), span)
        if path.startswith("py:ExitStack."):
            return exit_stack.call(self, recv, path[len("py:ExitStack."):], list(args), dict(kwargs), span)
        if path == "py:generator.send" and len(args) == 1 and not kwargs:
            return self._generator_send(recv, args[0], span)
        if path == "py:npz.get" and 1 <= len(args) <= 2 and not kwargs and isinstance(args[0], Known):
            # each lookup reads the member anew
            return plain_numpy.npz_member(recv, args[0].value) if args[0].value in recv.arrays else \
                args[1] if len(args) == 2 else Known(None)
        if path == "py:npz.close" and not args and not kwargs:
            return Known(None)  # the arrays already read stay (numpy's NpzFile hands out copies)
        if path == "py:generator.close" and not args and not kwargs:
            self.close_generator(recv)
            return Known(None)
        if path == "py:functools.lru_cache.cache_clear":
            if args or kwargs:
                raise UserRaise(span, "TypeError: cache_clear() takes no arguments")
            self.cache_clear(recv)
            return Known(None)
        if path == "py:functools.lru_cache.cache_info":
            if args or kwargs:
                raise UserRaise(span, "TypeError: cache_info() takes no arguments")
            # (its counts are not followed: a log line of them is text read from data, a test of
            # them a value-dependent site; it charges nothing and changes no table)
            return Unknown("", span, f"{recv.qualname}.cache_info(): the table's hit and miss counts")

        if getattr(recv, "plain", False) and not plain_numpy.has_flopscope(list(args) + list(kwargs.values())):
            # a method of numpy's own ndarray or generator: numpy's work, unbilled
            if isinstance(recv, Array) and path.startswith("numpy.") and path[6:] in IN_PLACE_METHODS:
                return self._plain_in_place(recv, path[6:], args, kwargs, span)
            method = path[len("numpy."):] if path.startswith("numpy.") else ""
            if method in ("tolist", "item") and not args and not kwargs and recv.__class__ is Array \
                    and recv.value is not None and recv.shape:
                return plain_numpy.python_items(getattr(recv.value, method)())  # elements numpy computed
            flopscope_recv = recv.with_(plain=False, presumed=recv.presumed, value=recv.value) \
                if isinstance(recv, Array) else Generator(legacy=recv.legacy)
            made = plain_numpy.free(self, lambda: self.call_bound(BoundLib(path, flopscope_recv), args, kwargs, span, node))
            self._wrote_out(kwargs)  # (`rng.permuted(a, out=a)` too)
            if isinstance(recv, Array):
                if made.__class__ is Array and made is not recv:
                    # a view (`.reshape`, `.ravel`, `.view`, `.astype(copy=False)`) or a copy: joined either
                    # way, so a write through it forgets what is known of `recv` (a copy only forgets more)
                    plain_numpy.same_buffer(made, recv)
                if method in plain_numpy.ELEMENT_METHODS:
                    made = plain_numpy.with_elements(made, method, args, kwargs, method_of=recv)
            return made
        if path.startswith("random.RandomState."):
            return self._legacy_draw(path, args, kwargs, span)
        if path.startswith("random.Generator."):
            method = path[len("random.Generator."):]
            if method == "spawn":
                return self._sampler(span, f"rng.{method}", None, args, lambda: self._spawn(args, kwargs, span))
            return self._sampler(span, f"rng.{method}", path, args, lambda: ops.random_draw(self, method, args, kwargs))
        if path.startswith("numpy."):
            method = path[len("numpy."):]
            if method in ("item", "tolist", "__float__") and isinstance(recv, Array) and (
                    args or kwargs or method == "item" and recv.size != 1):
                read = self._scalar_read_with_arguments(method, recv, args, kwargs, span)
                if read is not None:
                    return read
            if method in ("item", "tolist") and not args and not kwargs and recv.__class__ is Array \
                    and recv.value is not None:
                known = scalar_values.python_value(method, recv)  # a 0-d array of known value
                if known is not None:
                    return known
            if method == "item" and isinstance(recv, Array) and recv.size == 1 \
                    and dataints.value_range(recv) is not None:
                return dataints.from_array(recv, "int", span, "`.item()` reads array values")
            if method == "tolist" and isinstance(recv, Array) and recv.ndim >= 1 and recv.size <= limits.MAX_LOOP_ITERATIONS:
                return dataints.to_list(recv, span)
            if method in ("item", "__float__") and recv.__class__ is Array and recv.size == 1 and recv.fbounds is not None \
                    and recv.dtype.startswith("float"):
                return dataints.from_array(recv, "float", span, f"`.{method}()` reads array values")  # a norm's sign
            if method in ("item", "tolist", "__float__"):
                return Unknown("float", span, f"`.{method}()` reads array values")
            if (args or kwargs) and isinstance(recv, Array) and not recv.sym:
                self._bind_own_method(method, recv, args, kwargs, span, node)
            if method == "flatten":
                x = recv
                saved = self.span
                self.span = span
                try:
                    self.charge("copy", max(x.size, 1), x.dtype, x.dtype_origin)
                finally:
                    self.span = saved
                return x.with_(shape=(x.size,), sym=None)
            if method == "reshape" and len(args) > 1:
                if isinstance(recv, Array) and recv.sym:
                    # SymmetricTensor.reshape(*shape) passes the sizes on positionally to
                    # fnp.reshape(a, newshape, order): the second size lands in `order`.
                    self._unpriced_at(span, "SymmetricTensor.reshape(n, m)",
                                      "flopscope's SymmetricTensor.reshape raises TypeError for sizes given "
                                      "as separate arguments; pass a tuple: .reshape((n, m))")
                    raise UserRaise(span, "TypeError: order must be str, not int")
                args = [make_tuple(args)]
            if method == "transpose" and args:
                args = [make_tuple(args) if len(args) > 1 else args[0]]
            if method in ops.ARRAY_METHOD_OPS:
                op = ops.ARRAY_METHOD_OPS[method]
                if kwargs and isinstance(recv, Array) and not recv.sym:
                    # flopscope's method binds its arguments first (`w.astype(t, bogus=1)`: TypeError)
                    from flopcast.analyzer.builtins import refuse_binding
                    from flopscope._ndarray import FlopscopeArray

                    refuse_binding(getattr(FlopscopeArray, method, None), len(args) + 1, kwargs, span)
                if isinstance(recv, Array) and not recv.sym and pricing.method_delegate(method) == op:
                    named = pricing.method_named(method)
                    if named is not None and 1 + len(args) >= named:
                        # flopscope's method is `fnp.<op>(self, *args, **kwargs)`: bound as that call
                        return self._call_fnp(op, [recv] + list(args), kwargs, node, span)
                    if kwargs:  # (it regroups the arguments by position first: its keywords bound as there)
                        return self._price_binding_keywords(op, [recv] + list(args), kwargs, node, span)
                return self.price_call(op, [recv] + list(args), kwargs, node, span)
            return self._unpriced_at(span, f"array method .{method}()", "not modelled")
        if path.startswith("flopscope.Module."):
            return self.call_module_method(path[len("flopscope.Module."):], recv, args, kwargs, span, node)
        if path.startswith("fs."):
            return submission_files.call_path_method(self, path[3:], recv, list(args), span)
        if path.startswith("py."):
            from flopcast.analyzer.builtins import call_container_method

            return call_container_method(self, path[3:], recv, args, kwargs, span, node)
        if path.startswith("text.") and all(isinstance(a, Known) and isinstance(a.value, (str, tuple))
                                            for a in (*args, *kwargs.values())):
            from flopcast.analyzer.interpreter.lookups import UNKNOWN_TEXT_METHODS

            return Unknown(UNKNOWN_TEXT_METHODS[path[5:]], recv.origin, recv.reason, machine=recv.machine)
        if path == "dataint.bit_length" and not args and not kwargs:
            stepped = dataints.derive(recv, "bit_length", 0)
            return stepped if stepped is not None else Unknown("int", recv.origin, recv.reason, machine=recv.machine)
        if path == "dataint.bit_count" and not args and not kwargs:
            return dataints.bit_count(recv, span)
        if path == "scalar.item":
            return Unknown("float", span, "numpy scalar value")
        if path == "scalar.astype" and len(args) + len(kwargs) == 1 and (args or "dtype" in kwargs):
            # plain numpy on a numpy scalar (``np.float64(...).astype(np.float32)``): free, and
            # the result is a numpy scalar of that dtype, strong in promotion
            try:
                return NumpyScalar(ops.dtype_arg(args[0] if args else kwargs["dtype"]), span)
            except OpError as exc:
                return self._unpriced_at(span, "scalar.astype()", str(exc))
        return Unknown("", span, f"{path} result")

    def call_module_method(self, name: str, obj: InstanceVal, args, kwargs, span, node) -> Value:
        """flops.Module's state-dict methods (flopscope/_module.py): ``load`` swaps each public
        array attribute for the file's array of the same key, so shapes and dtypes come from
        the file's headers."""
        if name == "from_file":
            return self.module_from_file(obj, args, kwargs, span, node)
        if name == "config":
            return DictVal({})
        if name == "state_dict":
            return DictVal(_module_state(obj, ""))
        if name in ("load", "load_state_dict"):
            if name == "load":
                state = self.price_call("load", list(args[:1]), {}, node, span)
            else:
                state = args[0] if args else kwargs.get("sd")
            if isinstance(state, NpzFile):
                arrays = dict(state.arrays)
            elif isinstance(state, DictVal):
                arrays = dict(state.items)
            else:
                return self._unpriced_at(span, f"Module.{name}", "the state it loads is not known")
            strict = kwargs.get("strict", Known(True))
            if name == "load" or self.known_truth(strict):
                own = set(_module_state(obj, ""))
                given = set(arrays) - {"__meta__"}
                if own != given:
                    raise UserRaise(span, f"ValueError: state_dict mismatch. missing={sorted(own - given)} "
                                          f"unexpected={sorted(given - own)}")
            _module_rebuild(obj, "", arrays)
            return obj if name == "load" else Known(None)
        return self._unpriced_at(span, f"Module.{name}", "this flops.Module method is not modelled")


#: plain numpy functions of scalars followed: their value where every argument is known, else
#: numpy's dtype for the arguments' types (plain_numpy.scalar_dtype)
_RAW_NUMPY_SCALAR_FUNCS = frozenset({
    "sqrt", "exp", "expm1", "log", "log1p", "log2", "log10", "sin", "cos", "tan", "tanh", "sinh", "cosh",
    "arcsin", "arccos", "arctan", "arctan2", "hypot", "power", "abs", "absolute", "fabs", "floor", "ceil",
    "maximum", "minimum", "fmax", "fmin", "square", "reciprocal", "sign", "erf", "float64",
    "exp2", "cbrt", "rint", "round", "around", "trunc", "mod", "remainder", "fmod", "floor_divide", "gcd", "lcm"})


def _named_places(function) -> int:
    """How many arguments by position the signature of ``function`` names (without a limit where
    it gathers ``*args`` or has none to read)."""
    import inspect

    try:
        params = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return 2 ** 31
    kinds = inspect.Parameter
    if any(p.kind is kinds.VAR_POSITIONAL for p in params):
        return 2 ** 31
    return sum(p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD) for p in params)


def _module_rebuild(obj: InstanceVal, prefix: str, arrays: dict) -> None:
    def rebuild(key: str, value: Value) -> Value:
        if isinstance(value, Array):
            return arrays.get(key, value)
        if isinstance(value, InstanceVal) and _is_flops_module(value.cls):
            _module_rebuild(value, f"{key}.", arrays)
            return value
        if isinstance(value, ListVal):
            return ListVal([rebuild(f"{key}.{i}", v) for i, v in enumerate(value.items)])
        if isinstance(value, TupleVal):
            return make_tuple([rebuild(f"{key}.{i}", v) for i, v in enumerate(value.items)])
        if isinstance(value, DictVal):
            return DictVal({k: rebuild(f"{key}.{k}", v) for k, v in value.items.items()})
        return value

    for name, value in list(obj.attrs.items()):
        if not name.startswith("_"):
            obj.attrs[name] = rebuild(f"{prefix}{name}", value)
