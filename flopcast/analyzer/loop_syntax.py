"""What a loop's source says, read once per loop node: which `if` statements leave it, the
names its exit can depend on and the calls made computing them, the names its body binds, and
whether it mentions the FLOP budget. Shared by the interpreter's loop handling and
open_loops.py (no interpreter state: only the syntax tree)."""

from __future__ import annotations

import ast
import re
import weakref
from typing import NamedTuple, Optional

from flopcast.syntax import ast_walk, calls_introspection

BUDGET_WORDS = re.compile(r"current_budget|flops_remaining|flops_used|budget_summary")
PURE_BUILTINS = {
    "float", "int", "abs", "len", "min", "max", "bool", "round", "sum", "range", "enumerate", "zip",
    "isinstance", "list", "tuple", "sorted", "reversed", "any", "all", "divmod", "pow", "str",
}


def arm_exits(stmts: list) -> bool:
    """Whether running these statements can leave the enclosing loop (break, return, raise)."""
    for st in stmts:
        if isinstance(st, (ast.Break, ast.Return, ast.Raise)):
            return True
        if isinstance(st, ast.If) and (arm_exits(st.body) or arm_exits(st.orelse)):
            return True
        if isinstance(st, (ast.With, ast.AsyncWith)) and arm_exits(st.body):
            return True
        if isinstance(st, ast.Try) and any(arm_exits(b) for b in
                                           [st.body, st.orelse, st.finalbody] + [h.body for h in st.handlers]):
            return True
    return False


# Memos keyed weakly by the loop node: they live exactly as long as the parsed tree, so an
# editor session that parses a new tree per keystroke does not accumulate them.
EXIT_IFS: "weakref.WeakKeyDictionary[ast.AST, dict]" = weakref.WeakKeyDictionary()


def exit_ifs(loop: ast.AST) -> dict:
    """id(if) -> True when its body leaves the loop, False when its else does (not both)."""
    cached = EXIT_IFS.get(loop)
    if cached is not None:
        return cached
    out: dict = {}

    def visit(stmts) -> None:
        for st in stmts:
            if isinstance(st, ast.If):
                body, orelse = arm_exits(st.body), arm_exits(st.orelse)
                if body != orelse:
                    out[id(st)] = body
                visit(st.body)
                visit(st.orelse)
            elif isinstance(st, (ast.With, ast.AsyncWith)):
                visit(st.body)
            elif isinstance(st, ast.Try):
                for block in [st.body, st.orelse, st.finalbody] + [h.body for h in st.handlers]:
                    visit(block)

    visit(loop.body)
    EXIT_IFS[loop] = out
    return out


RELEVANCE: "weakref.WeakKeyDictionary[ast.AST, tuple]" = weakref.WeakKeyDictionary()


def loop_relevance(loop: ast.AST, exit_ifs: dict) -> tuple[frozenset, list]:
    """The names a loop's exit can depend on, through the assignments in its body, and the
    calls made in computing them (a call may read state no name shows, e.g. the budget)."""
    cached = RELEVANCE.get(loop)
    if cached is not None:
        return cached
    tests = [loop.test] if isinstance(loop, ast.While) else []
    tests += [n.test for n in ast_walk(ast.Module(body=loop.body, type_ignores=[]))
              if isinstance(n, ast.If) and id(n) in exit_ifs]
    deps: dict[str, list] = {}

    def targets(t) -> list[str]:
        return [n.id for n in ast_walk(t) if isinstance(n, ast.Name)]

    for n in ast_walk(ast.Module(body=loop.body, type_ignores=[])):
        pairs = []
        if isinstance(n, ast.Assign):
            pairs = [(t, n.value) for t in n.targets]
        elif isinstance(n, (ast.AugAssign, ast.AnnAssign)) and n.value is not None:
            pairs = [(n.target, n.value), (n.target, n.target)] if isinstance(n, ast.AugAssign) else [(n.target, n.value)]
        elif isinstance(n, (ast.For, ast.AsyncFor)):
            pairs = [(n.target, n.iter)]
        elif isinstance(n, ast.NamedExpr):
            pairs = [(n.target, n.value)]
        elif isinstance(n, (ast.With, ast.AsyncWith)):
            pairs = [(i.optional_vars, i.context_expr) for i in n.items if i.optional_vars is not None]
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute):
            # `state.append(x)`, `self.update(x)`: the receiver's root name takes in the arguments
            root = n.func.value
            while isinstance(root, (ast.Attribute, ast.Subscript)):
                root = root.value
            if isinstance(root, ast.Name):
                pairs = [(root, a) for a in list(n.args) + [k.value for k in n.keywords]]
        for target, value in pairs:
            for name in targets(target):
                deps.setdefault(name, []).append(value)
    names: set[str] = set()
    calls: list = []
    pending = list(tests)
    seen_exprs: set = set()
    while pending:
        expr = pending.pop()
        if id(expr) in seen_exprs:
            continue
        seen_exprs.add(id(expr))
        for sub in ast_walk(expr):
            if isinstance(sub, ast.Call):
                calls.append(sub)
            if isinstance(sub, ast.Name) and sub.id not in names:
                names.add(sub.id)
                pending.extend(deps.get(sub.id, []))
    result = frozenset(names)
    RELEVANCE[loop] = (result, calls)
    return result, calls


ASSIGNED: "weakref.WeakKeyDictionary[ast.AST, frozenset]" = weakref.WeakKeyDictionary()


def assigned_names(loop: ast.AST) -> frozenset:
    """Every name a loop body binds or mutates through a method call (`xs.pop()`)."""
    cached = ASSIGNED.get(loop)
    if cached is not None:
        return cached
    names = set()
    for n in ast_walk(ast.Module(body=loop.body, type_ignores=[])):
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            names.add(n.id)
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute):
            root = n.func.value
            while isinstance(root, (ast.Attribute, ast.Subscript)):
                root = root.value
            if isinstance(root, ast.Name):
                names.add(root.id)
    result = frozenset(names)
    ASSIGNED[loop] = result
    return result


CAUGHT: "weakref.WeakKeyDictionary[ast.AST, frozenset]" = weakref.WeakKeyDictionary()


def caught_names(loop: ast.AST) -> frozenset:
    """Every name read or bound in the body of a `try` with handlers inside the loop: an
    exception there can end the loop (`try: k = next(gen) / except StopIteration: break`), so
    what those statements touch (an iterator's position too) may decide when."""
    cached = CAUGHT.get(loop)
    if cached is not None:
        return cached
    names = set()
    for n in ast_walk(ast.Module(body=loop.body, type_ignores=[])):
        if isinstance(n, ast.Try) and n.handlers:
            names.update(m.id for s in n.body for m in ast_walk(s) if isinstance(m, ast.Name))
    result = frozenset(names)
    CAUGHT[loop] = result
    return result


def mentions_budget(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Attribute) and BUDGET_WORDS.fullmatch(n.attr)
               or isinstance(n, ast.Name) and BUDGET_WORDS.fullmatch(n.id) for n in ast_walk(node))


class CountedWhile(NamedTuple):
    """`while ... and c < N:` whose body steps ``c`` by one: the counter, the bound's
    expression, and whether the bound is inclusive (`c <= N`)."""

    counter: str
    bound: ast.expr
    inclusive: bool


COUNTED: "weakref.WeakKeyDictionary[ast.AST, Optional[CountedWhile]]" = weakref.WeakKeyDictionary()


def counted_while(loop: ast.While) -> Optional[CountedWhile]:
    """The counter that caps a `while` loop's iterations, when its test is a comparison `c < N`
    (`c <= N`, `N > c`, `N >= c`) or a conjunction with one among its operands, the body's own
    statements step `c` once (`c += 1`) and nothing else in the loop binds it; None otherwise.
    Only a cap: the loop may leave earlier (its other operands, a break)."""
    if loop in COUNTED:
        return COUNTED[loop]
    found = None
    steps = [s for s in loop.body if isinstance(s, ast.AugAssign) and isinstance(s.target, ast.Name)
             and isinstance(s.op, ast.Add) and isinstance(s.value, ast.Constant) and s.value.value == 1
             and type(s.value.value) is int]
    stepped = {s.target.id for s in steps}
    tests = loop.test.values if isinstance(loop.test, ast.BoolOp) and isinstance(loop.test.op, ast.And) \
        else [loop.test]
    for test in tests:
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
            continue
        op, left, right = test.ops[0], test.left, test.comparators[0]
        if isinstance(op, (ast.Lt, ast.LtE)) and isinstance(left, ast.Name):
            counter, bound, inclusive = left.id, right, isinstance(op, ast.LtE)
        elif isinstance(op, (ast.Gt, ast.GtE)) and isinstance(right, ast.Name):
            counter, bound, inclusive = right.id, left, isinstance(op, ast.GtE)
        else:
            continue
        if counter not in stepped or sum(s.target.id == counter for s in steps) != 1:
            continue
        binds = [n for n in ast_walk(loop) if isinstance(n, ast.Name) and n.id == counter
                 and not isinstance(n.ctx, ast.Load)]
        if len(binds) != 1 or any(isinstance(n, ast.Name) and n.id == counter for n in ast_walk(bound)):
            continue
        found = CountedWhile(counter, bound, inclusive)
        break
    COUNTED[loop] = found
    return found


BOUNDS: "weakref.WeakKeyDictionary[ast.AST, Optional[tuple]]" = weakref.WeakKeyDictionary()


def bounds_read_as_width(loop: ast.For) -> Optional[tuple[str, str]]:
    """The names ``(lo, hi)`` of a loop `for lo, hi in ...:` whose body reads them only as their
    difference (`hi - lo`, `lo - hi`) and binds neither: chunk bounds that size each chunk's
    draw (`rng.standard_normal((hi - lo, width))`). An item is then worth its width alone: the
    chunks (0, 8) and (8, 16) steer the body alike. None otherwise (either name read another way,
    bound in the body, or read by a function, class or lambda the body makes)."""
    if loop in BOUNDS:
        return BOUNDS[loop]
    found = None
    target = loop.target
    if isinstance(target, (ast.Tuple, ast.List)) and len(target.elts) == 2 \
            and all(isinstance(e, ast.Name) for e in target.elts) and target.elts[0].id != target.elts[1].id:
        names = {target.elts[0].id, target.elts[1].id}
        differences: set = set()
        reads = 0
        ok = True
        for statement in loop.body:
            for n in ast_walk(statement):
                if _binds(n) & names:
                    ok = False
                elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                    if any(isinstance(m, ast.Name) and m.id in names for m in ast_walk(n)):
                        ok = False
                elif isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub) and isinstance(n.left, ast.Name) \
                        and isinstance(n.right, ast.Name) and {n.left.id, n.right.id} == names:
                    differences.add(id(n.left))
                    differences.add(id(n.right))
                elif isinstance(n, ast.Name) and n.id in names:
                    reads += 1
                    if not isinstance(n.ctx, ast.Load) or id(n) not in differences:
                        ok = False
                elif isinstance(n, (ast.Global, ast.Nonlocal)) and names.intersection(n.names):
                    ok = False
        if ok and reads:
            found = (target.elts[0].id, target.elts[1].id)
    BOUNDS[loop] = found
    return found


def _binds(n: ast.AST) -> set:
    """The names a statement or clause binds without a Name node of its own (`except E as lo`,
    `import lo`, `def lo():`, a match capture)."""
    if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {n.name}
    if isinstance(n, ast.alias):
        return {n.asname or n.name.split(".")[0]}
    if isinstance(n, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
        return {n.name} if n.name else set()
    if isinstance(n, ast.MatchMapping):
        return {n.rest} if n.rest else set()
    return set()


UNREAD_ATTRIBUTES: "weakref.WeakKeyDictionary[ast.AST, dict]" = weakref.WeakKeyDictionary()
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp, ast.SetComp, ast.DictComp,
           ast.GeneratorExp, ast.Global, ast.Nonlocal)


def unread_attributes(loop: ast.While) -> dict:
    """Attributes a `while` loop only steps by a number (`self.scale_exp += 100`), by the name
    whose attributes they are: name -> the attributes, and every attribute the loop touches on
    that name (``(stepped, touched)``). A name the loop uses otherwise than by its attributes
    (passed on, called, a method called, bound) has none; a loop with a nested scope, or that
    reads a namespace by name, has none at all. Nothing in the loop's own code reads such an
    attribute: whether it can be read otherwise (a user function the loop calls, a property, a
    ``__setattr__``) is the interpreter's to check."""
    found = UNREAD_ATTRIBUTES.get(loop)
    if found is not None:
        return found
    nodes = [loop.test, *loop.body]
    parents: dict = {}
    for root in nodes:
        for n in ast_walk(root):
            for child in ast.iter_child_nodes(n):
                parents[id(child)] = n
    stepped: dict = {}
    other: dict = {}
    whole: set = set()
    opaque = False
    for root in nodes:
        for n in ast_walk(root):
            if isinstance(n, _SCOPES) or isinstance(n, ast.Name) and n.id in ("locals", "vars", "globals", "eval",
                                                                               "exec", "dir", "getattr", "setattr"):
                opaque = True
            if not isinstance(n, ast.Name):
                continue
            up = parents.get(id(n))
            if not isinstance(n.ctx, ast.Load) or not (isinstance(up, ast.Attribute) and up.value is n) \
                    or isinstance(parents.get(id(up)), ast.Call) and parents[id(up)].func is up:
                whole.add(n.id)
                continue
            stmt = parents.get(id(up))
            if isinstance(stmt, ast.AugAssign) and stmt.target is up and isinstance(stmt.op, (ast.Add, ast.Sub, ast.Mult)) \
                    and isinstance(stmt.value, ast.Constant) and type(stmt.value.value) in (int, float):
                stepped.setdefault(n.id, set()).add(up.attr)
            else:
                other.setdefault(n.id, set()).add(up.attr)
    found = {} if opaque else {
        name: (frozenset(attrs - other.get(name, set())), frozenset(attrs | other.get(name, set())))
        for name, attrs in stepped.items() if name not in whole and attrs - other.get(name, set())}
    UNREAD_ATTRIBUTES[loop] = found
    return found


WRITTEN_FIRST: "weakref.WeakKeyDictionary[ast.AST, frozenset]" = weakref.WeakKeyDictionary()
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.GeneratorExp)


def written_first(loop: ast.For, function: ast.AST) -> frozenset:
    """The names every iteration of ``loop`` (a statement of ``function``) assigns before it can
    read them: a plain `name = ...` of the body's own statements, with no read of the name, no
    `break` or `continue`, in the statements before it nor in its value. What such a name holds
    when an iteration begins is never read again: by the iteration (it assigns first), by a
    later one (likewise), nor after the loop (the last iteration, which always runs, assigns it
    too). The name must be read by no function, lambda, class or generator of ``function`` (one
    could run before the assignment, reading the old value) and bound by no other statement
    form, and the loop must stand in no `try` of ``function`` (a raise before the assignment
    would leave the old value to a handler)."""
    found = WRITTEN_FIRST.get(loop)
    if found is not None:
        return found
    found = frozenset()
    facts = _function_facts(function)
    # (a loop the interpreter stands in for a comprehension or a generator is not one of them)
    if id(loop) in facts.nodes and id(loop) not in facts.in_try and facts.unsafe is not None:
        names: set = set()
        read: set = set()
        for statement in loop.body:
            inside = ast_walk(statement)
            if any(isinstance(n, (ast.Break, ast.Continue)) for n in inside):
                break
            if isinstance(statement, ast.Assign):
                reads = {n.id for n in ast_walk(statement.value) if isinstance(n, ast.Name)}
                for target in statement.targets:
                    reads |= {n.id for n in ast_walk(target) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Store)}
                read |= reads
                names.update(t.id for t in statement.targets if isinstance(t, ast.Name) and t.id not in read)
                continue
            read |= {n.id for n in inside if isinstance(n, ast.Name)}
        found = frozenset(names - facts.unsafe)
    WRITTEN_FIRST[loop] = found
    return found


class _FunctionFacts(NamedTuple):
    """What ``written_first`` reads of a function whatever the loop: made once per function, not
    once per loop of it (each loop walked the whole function, and each `try` of it, again)."""

    nodes: frozenset  # the ids of its nodes
    in_try: frozenset  # the ids of the nodes standing in a `try` statement of it (any of its blocks)
    unsafe: Optional[frozenset]  # the names no loop of it may count as written first; None: it calls introspection


_FUNCTION_FACTS: "weakref.WeakKeyDictionary[ast.AST, _FunctionFacts]" = weakref.WeakKeyDictionary()


def _function_facts(function: ast.AST) -> _FunctionFacts:
    found = _FUNCTION_FACTS.get(function)
    if found is not None:
        return found
    nodes = ast_walk(function)
    unsafe: Optional[set] = None
    if not calls_introspection(nodes):
        unsafe = set()
        for n in nodes:
            if isinstance(n, _NESTED) and n is not function:
                unsafe.update(m.id for m in ast_walk(n) if isinstance(m, ast.Name))
            unsafe |= _binds(n)
            if isinstance(n, (ast.Global, ast.Nonlocal)):
                unsafe.update(n.names)
    in_try = frozenset(id(m) for n in nodes if isinstance(n, _TRY) for m in ast_walk(n))
    found = _FUNCTION_FACTS[function] = _FunctionFacts(frozenset(map(id, nodes)), in_try,
                                                        None if unsafe is None else frozenset(unsafe))
    return found


_TRY = (ast.Try, ast.TryStar) if hasattr(ast, "TryStar") else (ast.Try,)
