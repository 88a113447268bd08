"""``match`` statements: patterns against abstract values.
"""

from __future__ import annotations

import ast
from typing import Optional

from flopcast.analyzer.decisions import Site
from flopcast.analyzer.values import (machine_of, Array, Builtin, ClassVal, describe_value, DictVal, FunctionVal, InstanceVal,
                                      Known, ListVal, MLPVal, TupleVal, Unknown, UserRaise, Value)
from flopcast.analyzer.interpreter.common import _source
from flopcast.analyzer.interpreter.control import PathEnd


class Matching:
    """The Interpreter's methods for ``match`` statements."""

    def stmt_Match(self, node: ast.Match) -> None:
        """A match statement, case by case as Python runs it: the first case whose pattern
        matches and whose guard holds runs. A pattern test that depends on values (a value
        pattern against a number read from data) is a branch site like an `if` of an
        if-chain, one per pattern, so every path the data can take is explored."""
        subject = self.eval(node.subject)
        for case in node.cases:
            if not self.match_pattern(case.pattern, subject):
                continue
            if case.guard is not None and not self.truth(case.guard, case):
                continue
            self.exec_block(case.body)
            return

    def match_pattern(self, pattern: ast.pattern, subject: Value) -> bool:
        """Whether ``pattern`` matches ``subject``, binding its captures as Python does; a test
        the values decide becomes a branch site at the pattern."""
        if isinstance(pattern, ast.MatchAs):
            if pattern.pattern is not None and not self.match_pattern(pattern.pattern, subject):
                return False
            if pattern.name is not None:
                self.frame.vars[pattern.name] = subject
            return True
        if isinstance(pattern, ast.MatchOr):
            return any(self.match_pattern(alt, subject) for alt in pattern.patterns)
        if isinstance(pattern, ast.MatchValue):
            return self.pattern_truth(pattern, self.compare(ast.Eq(), subject, self.eval(pattern.value), pattern))
        if isinstance(pattern, ast.MatchSingleton):
            if isinstance(subject, Known):
                return subject.value is pattern.value
            if pattern.value is None and not isinstance(subject, Unknown):
                return False  # arrays, containers, instances: never None
            return self.pattern_truth(pattern, Unknown("bool", None, "identity of a value read from data"))
        if isinstance(pattern, ast.MatchSequence):
            return self.match_sequence(pattern, subject)
        if isinstance(pattern, ast.MatchMapping):
            return self.match_mapping(pattern, subject)
        if isinstance(pattern, ast.MatchClass):
            return self.match_class(pattern, subject)
        raise self.match_unmodelled(pattern, f"pattern kind {type(pattern).__name__} is not modelled")

    def pattern_truth(self, pattern: ast.pattern, value: Value) -> bool:
        value = self.size_truth(value, pattern)
        self.check_array_truth(value, pattern)
        known = self.known_truth(value)
        if known is not None:
            return known
        span = self.node_span(pattern)
        reason = value.reason if isinstance(value, Unknown) else "depends on array values"
        site = Site(("branch", span), (True, False), span, "branch",
                    f"`case {_source(pattern)}` depends on values ({reason})", machine=machine_of(value))
        return self.decisions.choose(site, self.kept_used())

    def match_sequence(self, pattern: ast.MatchSequence, subject: Value) -> bool:
        if isinstance(subject, Known) and isinstance(subject.value, (list, tuple)):
            items = [Known(v) for v in subject.value]
        elif isinstance(subject, (ListVal, TupleVal)):
            items = list(subject.items)
        elif isinstance(subject, Unknown) and subject.kind == "":
            raise self.match_unmodelled(pattern, "a sequence pattern on a value read from data is not modelled")
        else:
            return False  # str, bytes, dicts, arrays, numbers, instances are not sequences to match
        stars = [i for i, p in enumerate(pattern.patterns) if isinstance(p, ast.MatchStar)]
        fixed = len(pattern.patterns) - len(stars)
        if len(items) < fixed or not stars and len(items) != fixed:
            return False
        star = stars[0] if stars else len(pattern.patterns)
        tail = len(pattern.patterns) - star - 1
        for p, v in zip(pattern.patterns[:star], items):
            if not self.match_pattern(p, v):
                return False
        if stars:
            rest = items[star:len(items) - tail]
            if pattern.patterns[star].name is not None:
                self.frame.vars[pattern.patterns[star].name] = ListVal(rest)
            for p, v in zip(pattern.patterns[star + 1:], items[len(items) - tail:]):
                if not self.match_pattern(p, v):
                    return False
        return True

    def match_mapping(self, pattern: ast.MatchMapping, subject: Value) -> bool:
        if isinstance(subject, Known) and isinstance(subject.value, dict):
            items = {k: Known(v) for k, v in subject.value.items()}
        elif isinstance(subject, DictVal):
            items = subject.items
        elif isinstance(subject, Unknown) and subject.kind == "":
            raise self.match_unmodelled(pattern, "a mapping pattern on a value read from data is not modelled")
        else:
            return False
        keys = []
        for key_node, p in zip(pattern.keys, pattern.patterns):
            key = self.eval(key_node)
            if not isinstance(key, Known):
                raise self.match_unmodelled(pattern, "a mapping pattern with a computed key is not modelled")
            if key.value not in items or not self.match_pattern(p, items[key.value]):
                return False
            keys.append(key.value)
        if pattern.rest is not None:
            self.frame.vars[pattern.rest] = DictVal({k: v for k, v in items.items() if k not in keys})
        return True

    def match_class(self, pattern: ast.MatchClass, subject: Value) -> bool:
        cls = self.eval(pattern.cls)
        fields: list[tuple[ast.pattern, Value]] = []
        if isinstance(cls, Builtin) and cls.name in _MATCH_SELF_TYPES:
            py = _MATCH_SELF_TYPES[cls.name]
            if isinstance(subject, Known):
                matched = isinstance(subject.value, py)
            elif isinstance(subject, (ListVal, TupleVal, DictVal)):
                matched = isinstance(subject.items, py) if py in (list, tuple, dict) else False
            elif isinstance(subject, Unknown) and subject.kind in ("int", "bool", "float"):
                matched = issubclass({"int": int, "bool": bool, "float": float}[subject.kind], py)
            elif isinstance(subject, (Array, InstanceVal, FunctionVal, ClassVal, MLPVal)):
                matched = False
            else:
                raise self.match_unmodelled(pattern, f"matching {describe_value(subject)} against {cls.name}() is not modelled")
            if not matched:
                return False
            if len(pattern.patterns) > 1:
                raise UserRaise(self.node_span(pattern), f"TypeError: {cls.name}() accepts 1 positional sub-pattern "
                                                         f"({len(pattern.patterns)} given)")
            fields = [(p, subject) for p in pattern.patterns]
        elif isinstance(cls, ClassVal):
            from flopcast.analyzer.builtins import _isinstance, declares_protocol, protocol_instance

            # a Protocol matches by the members the subject has, an ABC its virtual subclasses
            # (isinstance's rules, TypeError included)
            matched = protocol_instance(self, subject, cls, self.node_span(pattern)) if declares_protocol(cls) \
                else isinstance(subject, InstanceVal) and cls in subject.cls.mro() or (
                    _isinstance(subject, cls) if cls.registered or any("__subclasshook__" in c.attrs for c in cls.mro())
                    else False)
            if matched is None:
                raise self.match_unmodelled(pattern, f"whether {describe_value(subject)} has the members of "
                                                     f"{cls.name} is not known")
            if not matched:
                if isinstance(subject, Unknown) and subject.kind == "":
                    raise self.match_unmodelled(pattern, "a class pattern on a value read from data is not modelled")
                return False
            if pattern.patterns:
                names = self.match_args(cls, pattern)
                if names is None or len(names) < len(pattern.patterns):
                    raise UserRaise(self.node_span(pattern), f"TypeError: {cls.name}() accepts "
                                    f"{len(names or ())} positional sub-patterns ({len(pattern.patterns)} given)")
                fields = [(p, self.get_attr(subject, n, self.node_span(p), node=p))
                          for p, n in zip(pattern.patterns, names)]
        else:
            raise self.match_unmodelled(pattern, f"a class pattern on {describe_value(cls)} is not modelled")
        for name, p in zip(pattern.kwd_attrs, pattern.kwd_patterns):
            value = self.get_attr(subject, name, self.node_span(p), quiet=True)
            if isinstance(value, Unknown) and value.reason.startswith("no attribute"):
                return False
            fields.append((p, value))
        return all(self.match_pattern(p, v) for p, v in fields)

    def match_args(self, cls: ClassVal, pattern: ast.pattern) -> Optional[tuple]:
        """The attribute names a class pattern's positional sub-patterns read: the class's
        ``__match_args__``, which @dataclass and NamedTuple write from their fields."""
        for c in cls.mro():
            if "__match_args__" in c.attrs:
                names = self.get_attr(cls, "__match_args__", self.node_span(pattern), quiet=True)
                return names.value if isinstance(names, Known) and isinstance(names.value, tuple) else None
            if c.fields is not None and c.init_params is not None:
                # dataclasses writes the positional __init__ parameters (InitVars too, not
                # init=False or keyword-only fields)
                return tuple(p[0] for p in c.init_params if "noinit" not in p[3] and "kw_only" not in p[3])
            if c.fields is not None:
                return tuple(f[0] for f in c.fields)
        return None

    def match_unmodelled(self, pattern: ast.pattern, reason: str) -> PathEnd:
        """A pattern flopcast cannot test: the path ends at it, unpriced (a lower bound)."""
        return PathEnd(f"`case {_source(pattern)}`: {reason}; the cost after it is not counted",
                       self.node_span(pattern), what="match")


#: The builtin classes whose class pattern `int(x)` matches the subject itself (PEP 634).
_MATCH_SELF_TYPES = {"bool": bool, "bytes": bytes, "dict": dict, "float": float, "frozenset": frozenset,
                     "int": int, "list": list, "set": set, "str": str, "tuple": tuple}
