"""Calls of user functions: binding arguments, caches (lru_cache, cache), recursion checks.
"""

from __future__ import annotations

import ast
from dataclasses import astuple, replace
from typing import Optional

from flopcast.analyzer import dispatch, late_stops, lru
from flopcast.analyzer.counters import suspended
from flopcast.analyzer.decisions import Site
from flopcast.analyzer.values import (Array, BoundLib, DictVal, FunctionVal, Known, ListVal, make_tuple, NumpyScalar,
                                      PyGenerator, signature, Unknown, UserRaise, Value)
from flopcast.model import Span
from flopcast.syntax import ast_children, is_generated
from flopcast.analyzer.interpreter import limits
from flopcast.analyzer.interpreter.control import PathEnd, _Return
from flopcast.analyzer.interpreter.frames import Frame


class UserCalls:
    """The Interpreter's methods for calls of user functions."""

    def call_user(self, fn: FunctionVal, args: list, kwargs: dict, span: Span) -> Value:
        if fn.attrs and dispatch.is_dispatcher(fn):  # @singledispatch: the implementation for the argument's class
            impl = dispatch.choose(self, fn, args, span)
            return impl if isinstance(impl, Unknown) else self.call(impl, args, kwargs, span)
        self.result.entered.add(fn.node)  # called: whether its body yields was read
        self.entered_log.append(fn.node)
        if fn.cached:
            return self.call_cached(fn, args, kwargs, span)
        return self._call_unless_generator(fn, args, kwargs, span)

    def _call_unless_generator(self, fn: FunctionVal, args: list, kwargs: dict, span: Span) -> Value:
        if _is_generator_function(fn.node):
            # Calling a generator function runs none of its body (Python runs it as it is consumed).
            return PyGenerator(fn, list(args), dict(kwargs), span)
        return self._call_checked(fn, args, kwargs, span)

    def call_cached(self, fn: FunctionVal, args: list, kwargs: dict, span: Span) -> Value:
        """An @lru_cache function: a call whose key is not in the table runs (and charges); a
        repeat returns the same object and charges nothing, as at run time. Keys are CPython's
        (lru.py); a lookup that cannot tell a hit from a miss is a value-dependent site. (A
        generator function's table keeps the generator its first call made: a repeat gets that
        generator, used up or not.)"""
        spec = fn.cache_spec
        if not spec.known:
            self._unpriced_at(span, f"{fn.qualname}'s lru_cache", "its maxsize or typed is not a known value: "
                               "which calls hit its table is not modelled (calls that miss may not be counted)")
        kept: list = []
        try:
            parts = lru.make_key(args, kwargs, spec.typed, kept)
        except lru.Unhashable as exc:
            raise UserRaise(span, f"TypeError: {exc} (an argument of the cached {fn.qualname})")
        owner = (id(fn.node), id(fn))
        key = owner + (parts, tuple(kwargs))
        if spec.maxsize is not None:
            self.cache_bounded.add(owner)
        table = self._cache_results
        self.cache_lookups += 1
        self.cache_owner_lookups[owner] = self.cache_owner_lookups.get(owner, 0) + 1
        plain = lru.is_plain(parts)
        if not plain:
            self.cache_identity_lookups += 1
        certain = lru.is_certain(parts)
        if key in table and certain:
            return self._cache_hit(key, spec, plain)
        candidates = []
        if not certain or owner in self._cache_uncertain:
            # (a certain key can equal only an uncertain entry: the table is scanned only then,
            # not at every miss of a dynamic programme filling it)
            candidates = [k for k in table if k[:2] == owner and (not certain or not lru.is_certain(k[2]))
                          and lru.may_equal(k[2], parts)]
        if candidates:
            self.effects += 1
            site = Site(("cache", span, self._cache_sites), ("miss",) + tuple(range(len(candidates))), span, "cache",
                        f"whether this call of the cached {fn.qualname} finds its arguments in the table depends "
                        "on values: each entry they may equal, and none, is analysed")
            self._cache_sites += 1
            answer = self.decisions.choose(site, self.kept_used())
            if answer != "miss":
                return self._cache_hit(candidates[answer], spec, plain)
        value = self._call_unless_generator(fn, args, kwargs, span)
        self.program.cached_nodes[owner[0]] = fn.node
        if key not in table:  # (a recursive call may have added it meanwhile, as CPython checks)
            if spec.maxsize is not None and self._cache_sizes.get(owner, 0) >= spec.maxsize:
                # full: CPython drops the entry used least recently (the first of the function's in
                # the table, whose order is kept as the order of use)
                oldest = next(k for k in table if k[:2] == owner)
                del table[oldest]
                self._cache_sizes[owner] -= 1
                self.cache_version += 1
            self.cache_store(key, value)
            self._cache_kept.extend(kept)
            if not certain:
                self._cache_uncertain.add(owner)
        return value

    def _cache_hit(self, key: tuple, spec: lru.CacheSpec, plain: bool) -> Value:
        value = self._cache_results[key]
        if plain and not isinstance(value, (Known, Unknown, NumpyScalar)):
            if lru.immutable(value):
                self.cache_handed.append(id(value))  # (the table keeps it alive)
            else:
                self.cache_identity_lookups += 1  # the object made at the first call: its identity counts
        if spec.maxsize is not None:
            self.cache_touched(key)
        return value

    def cache_store(self, key: tuple, value: Value) -> None:
        """A new entry of an lru_cache table (key: the function's node and identity, the parts)."""
        self._cache_results[key] = value
        self._cache_sizes[key[:2]] = self._cache_sizes.get(key[:2], 0) + 1
        self.cache_version += 1

    def cache_store_all(self, owner: tuple, items: list) -> None:
        """Entries of one function's table (``owner``: its node's and its identity), in order:
        ``cache_store`` of each, its counts added up once."""
        table = self._cache_results
        for key, value in items:
            table[key] = value
        self._cache_sizes[owner] = self._cache_sizes.get(owner, 0) + len(items)
        self.cache_version += len(items)

    def cache_wrapper(self, path: str, args: list, kwargs: dict, span: Span) -> Value:
        """``functools.cache(f)``, ``lru_cache(f)`` (a new cached function) and ``lru_cache(maxsize=...)``
        (the decorator that makes one) called as functions rather than written as decorators."""
        if args and isinstance(args[0], FunctionVal) and not kwargs and len(args) == 1:
            spec = lru.CacheSpec(None if path == "py:functools.cache" else lru.DEFAULT_MAXSIZE)
            return self.cached_copy(args[0], spec)
        if path == "py:functools.cache":
            return self._unpriced_at(span, "functools.cache", "a cache around something other than a function "
                                     "of the user's is not modelled")
        spec = lru.spec_of(args, kwargs)
        # (the spec as plain data: a decorator kept in a global is part of the state walks compare)
        return BoundLib("py:functools.lru_cache.wrap", Known(None if spec is None else astuple(spec)))

    def cached_copy(self, fn: FunctionVal, spec: Optional[lru.CacheSpec]) -> FunctionVal:
        """The wrapper an lru_cache makes around ``fn``: another object (``wrapper is fn`` is False)
        with a table of its own; maxsize 0 (``spec`` None) makes one that only calls ``fn``."""
        copy = replace(fn, form=None, attrs={}, cached=False, cache_spec=None)
        if fn.cached:
            copy.cached, copy.cache_spec = True, fn.cache_spec  # (a wrapper of a wrapper: see cache_function)
        self.cache_function(copy, spec)
        return copy

    def cache_clear(self, fn: FunctionVal) -> None:
        """``fn.cache_clear()``: its table emptied (the objects its keys named may now be freed)."""
        owner = (id(fn.node), id(fn))
        table = self._cache_results
        for key in [k for k in table if k[:2] == owner]:
            del table[key]
        self._cache_sizes.pop(owner, None)
        self.cache_version += 1

    def cache_touched(self, key: tuple) -> None:
        """An entry of a bounded table just used: the last to be evicted now (a table that keeps
        every entry never evicts, so its order is left as the order of insertion)."""
        table = self._cache_results
        if next(reversed(table)) != key:
            table[key] = table.pop(key)
            self.cache_version += 1

    def _call_checked(self, fn: FunctionVal, args: list, kwargs: dict, span: Span) -> Value:
        # Endless recursion is a call state that repeats on the stack. Only a function already
        # being executed can repeat one, so the (costly) state key is computed only for calls of
        # a function that has been re-entered on this path; the first repeat is then seen one
        # level later, which changes nothing but the depth at which the path ends.
        node_id = id(fn.node)
        if node_id in self._reentered or any(k[0] == node_id for k in self.active_calls):
            self._reentered.add(node_id)
            if self.metered:
                self._note_recursion(fn)
            # The key is the analysis' own read, not the program's: a counter a decorator's
            # wrapper bumps at every call (`CALLS[name] += 1`) is read here by every call of the
            # wrapper re-entered through the helpers it wraps, yet only the program's reads
            # decide what a call costs. A key that repeats ends the path as unbounded, never as
            # a total, and the program recurses forever in a later call only where its own
            # reads of the state (watched) answer otherwise than in the watched call.
            with suspended(self.counter_watch):
                key = self.call_key(fn, args, kwargs)
        else:
            key = (node_id,)
        self.active_keys_seen.append(key)
        # (the same function: two closures of one def, a decorator's wrappers stacked on one
        # helper, pass the same arguments on without recursing; the key does not tell them apart)
        if len(key) > 1 and any(k == key and _same_function(g, fn) for k, g in zip(self.active_calls,
                                                                                   self.active_functions)):
            self.record_uncertain_span(span, "recursion", f"on some value-dependent paths {fn.qualname} calls "
                                       "itself again with the same arguments, forever")
            raise PathEnd(f"{span}: on this path the recursion never ends ({fn.qualname} is called again with "
                          "the same arguments); at run time it ends in RecursionError or an exhausted budget",
                          span, unbounded=True)
        self.active_calls.append(key)
        self.active_functions.append(fn)
        condition, self._condition = self._condition, None
        if is_generated(fn.node) and self.call_stack:
            # generated code (syntax.lambda_at) stands for C or library code: its work is its
            # caller's, as the run's roll-up has it
            self.call_stack.append(self.call_stack[-1])
        else:
            if self.metered:
                caller = self.call_stack[-1] if self.call_stack else "<whestbench>"
                self.result.calls[(caller, fn.qualname)] = self.result.calls.get((caller, fn.qualname), 0) + 1
            self.call_stack.append(fn.qualname)
        try:
            # (a recorded call's charges replayed would pass the np.seterr check in emit)
            memo = None if self.float_raise is not None or self.warning_filters.inside_ops \
                or late_stops.may_return_from_loop(fn.node) else self.memo.key(fn, args, kwargs)
            if memo is None:
                return self._call_user(fn, args, kwargs, span)
            memo_key, canon = memo
            value = self.memo.replay(memo_key, canon)
            if value is None and not self.memo.records(canon):
                return self._call_user(fn, args, kwargs, span)
            if value is None:
                marks = self.memo.start(fn)
                try:
                    value = self._call_user(fn, args, kwargs, span)
                except BaseException:
                    self.memo.abandon(marks)
                    raise
                self.memo.finish(memo_key, canon, marks, fn, args, kwargs, value)
            return value
        finally:
            self.call_stack.pop()
            self.active_calls.pop()
            self.active_functions.pop()
            self._condition = condition

    def _note_recursion(self, fn: FunctionVal) -> None:
        """Record the ring of calls back to ``fn`` if ``fn`` itself is executing, where a nested
        def is on it: the call graph names every closure of a def alike, so only this tells a
        closure calling itself back from two closures of one def calling each other."""
        active = self.active_functions
        for i in range(len(active) - 1, -1, -1):
            if _same_function(active[i], fn):
                names = [g.qualname for g in active[i:] if not is_generated(g.node)]
                if any("<locals>" in n for n in names):
                    self.result.recursed.add(_elementary(names))
                return

    def call_key(self, fn: FunctionVal, args: list, kwargs: dict) -> tuple:
        """A call's identity for spotting endless recursion: the function, what the arguments
        are, the known module globals and closure it can read, and (if the program asks the
        budget anything) the FLOPs charged so far."""
        env = self.module_envs.get(fn.module.key, {})
        state = [
            id(fn.node),
            tuple(signature(a) for a in args),
            tuple(sorted((k, signature(v)) for k, v in kwargs.items())),
            tuple(sorted((k, signature(v)) for k, v in env.items() if isinstance(v, (Known, ListVal, DictVal)))),
        ]
        if fn.closure is not None:
            state.append(tuple(sorted((k, signature(v)) for k, v in fn.closure.items()
                                      if isinstance(v, (Known, ListVal, DictVal, Array)))))
        if self.program_mentions_budget():
            state.append(self.used)
        return tuple(state)

    def _call_user(self, fn: FunctionVal, args: list, kwargs: dict, span: Span) -> Value:
        self.call_depth += 1
        if self.call_depth > limits.MAX_CALL_DEPTH:
            self.call_depth -= 1
            # The arguments change at every call (a repeat is caught in _call_checked), so it
            # may end deeper down or never: counted as unbounded, the total a lower bound. The
            # path's partial count stays a valid lower end (result.unbounded is not set).
            raise PathEnd(f"{span}: recursion deeper than {limits.MAX_CALL_DEPTH} calls ({fn.qualname} is called "
                          "with new arguments each time); it may never end, flopcast follows it no further "
                          "(Python itself stops it with RecursionError after about 1,000 calls)",
                          span, what="unbounded")
        self.result.entered.add(fn.node)  # also for generator bodies, run without call_user
        self.entered_log.append(fn.node)
        try:
            env = self.bind_arguments(fn, args, kwargs, span)
            frame = Frame(env, fn.module, fn.qualname, fn, fn.owner,
                          args[0] if args and fn.owner is not None else None)
            frame.generator, self._starting_generator = self._starting_generator, None
            saved = self.frame
            self._outer_frames.append(saved)
            generated = is_generated(fn.node)
            if generated:
                caller = is_generated(saved.function.node) if saved is not None \
                    and saved.function is not None else False
                self._generated_calls.append(self._generated_calls[-1] if caller else (span, saved))
            self.frame = frame
            self._call_spans.append(span)
            try:
                if isinstance(fn.node, ast.Lambda):
                    return self.eval(fn.node.body)
                self.exec_block(fn.node.body)
                return Known(None)
            except _Return as r:
                if r.joined is not None:
                    self._returned_try = (saved, span, *r.joined)
                return r.value
            finally:
                self.frame = saved
                self._outer_frames.pop()
                self._call_spans.pop()
                if generated:
                    self._generated_calls.pop()
        finally:
            self.call_depth -= 1

    def bind_arguments(self, fn: FunctionVal, args: list, kwargs: dict, span: Span) -> dict:
        a = fn.node.args
        positional = [p.arg for p in a.posonlyargs + a.args]
        env: dict = {}
        for name, value in zip(positional, args):
            env[name] = value
        extra = args[len(positional):]
        if a.vararg:
            env[a.vararg.arg] = make_tuple(list(extra))
        elif extra:
            raise UserRaise(span, f"TypeError: {fn.qualname}() takes {len(positional)} positional arguments")
        remaining = dict(kwargs)
        for name in [p.arg for p in a.args + a.kwonlyargs]:  # (a positional-only one binds no keyword)
            if name in remaining:
                if name in env:
                    raise UserRaise(span, f"TypeError: {fn.qualname}() got multiple values for argument {name!r}")
                env[name] = remaining.pop(name)
        by_keyword = [p.arg for p in a.posonlyargs if p.arg in remaining]
        if by_keyword and not a.kwarg:
            raise UserRaise(span, f"TypeError: {fn.qualname}() got some positional-only arguments passed as "
                                  f"keyword arguments: {', '.join(repr(n) for n in by_keyword)}")
        if remaining and not a.kwarg:
            raise UserRaise(span, f"TypeError: {fn.qualname}() got an unexpected keyword argument "
                                  f"{next(iter(remaining))!r}")
        if a.kwarg:
            env[a.kwarg.arg] = DictVal(dict(remaining))
        n_defaults = len(fn.defaults)
        for i, name in enumerate(positional):
            if name not in env:
                j = i - (len(positional) - n_defaults)
                if j >= 0:
                    env[name] = fn.defaults[j]
                else:
                    raise UserRaise(span, f"TypeError: {fn.qualname}() missing argument {name!r}")
        for k in a.kwonlyargs:
            if k.arg not in env:
                if k.arg in fn.kw_defaults:
                    env[k.arg] = fn.kw_defaults[k.arg]
                else:
                    raise UserRaise(span, f"TypeError: {fn.qualname}() missing keyword argument {k.arg!r}")
        if fn.owner is not None and "__class__" not in env:
            env["__class__"] = fn.owner
        return env


def _is_generator_function(node: ast.AST) -> bool:
    """Whether a def's own body (not a nested def or class) contains `yield`."""
    cached = getattr(node, "_flopcast_generator", None)
    if cached is None:
        cached = False
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack = list(node.body)
            while stack and not cached:
                child = stack.pop()
                if isinstance(child, (ast.Yield, ast.YieldFrom)):
                    cached = True
                elif not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                    stack.extend(ast_children(child))
        node._flopcast_generator = cached
    return cached


def _same_function(a: FunctionVal, b: FunctionVal) -> bool:
    """Whether two function values are one function: one def run in one enclosing frame. Two
    closures of one def made by separate calls (one decorator's wrappers) share the def but
    are different functions: one calling the other is no recursion."""
    return a is b or (a.node is b.node and a.closure is b.closure)


def _elementary(names: list) -> tuple:
    """The ring of qualnames ``names`` with inner rings cut out (a → b → c → b → a: a → b)."""
    out: list = []
    for name in names:
        if name in out:
            del out[out.index(name) + 1:]
        else:
            out.append(name)
    return tuple(out)
