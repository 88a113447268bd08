"""A dict key holding a comparison read from data: `key = (n, spread > 1.5)`, then `plans[key]`.

The bool is one of two values, so a key whose other parts are known is one of two known keys.
A lookup, a store or a membership test of a dict whose keys are all known answers the bool at
a branch site of its own (the key's place, the bool's position in it) and goes on with the known
key, as `hot = True if spread > 1.5 else False` would have made it; before, the lookup was
unpriced ("the key is not known") and everything after it a lower bound. The local the key was
read from is rebound to the known key, so the later uses of it (`plans[key]`, `key[1]`) follow
the same answer (as a narrowed `if` test's local does: Interpreter.narrow_tested_name).
"""

from __future__ import annotations

import ast
from typing import Optional

from flopcast.analyzer.decisions import Site
from flopcast.analyzer.values import DictVal, Known, make_tuple, may_hold_known_key, TupleVal, Unknown, Value


def _is_bool(v: Value) -> bool:
    return v.__class__ is Unknown and v.kind == "bool"


def settled(interp, d: Value, key: Value, node: Optional[ast.expr], span) -> Value:
    """``key`` as this path has it for a lookup in ``d``: its unknown bools answered, where that
    makes it a known key of a dict whose keys are all known; else ``key`` itself. ``node``: the
    key's expression (None: not at hand), ``span``: where the lookup is."""
    items = (key,) if _is_bool(key) else key.items if key.__class__ is TupleVal else ()
    # (the key first: reading a dict's keys is a read a counter watch follows, counters.py)
    if not any(_is_bool(i) for i in items) or not all(_is_bool(i) or i.__class__ is Known for i in items) \
            or d.__class__ is not DictVal or may_hold_known_key(d):
        return key
    at = interp.node_span(node) if node is not None else span
    source = ast.unparse(node) if node is not None else "the key"
    answered = [Known(_answer(interp, at, n, i, source, node)) if _is_bool(i) else i for n, i in enumerate(items)]
    made = answered[0] if key.__class__ is Unknown else make_tuple(answered)
    if node.__class__ is ast.Name and interp.own_local(node, key):
        interp.frame.vars[node.id] = made
    return made


def _answer(interp, span, position: int, value: Unknown, source: str, node: Optional[ast.expr]) -> bool:
    site = Site(("key-bool", span, position), (True, False), span, "branch",
                f"`{source}` holds a bool read from data at {position} ({value.reason or 'depends on values'}): "
                "which key it is depends on values", machine=value.machine,
                **(interp.presumed_truth(node, value) if node is not None else {}))
    return interp.decisions.choose(site, interp.kept_used())
