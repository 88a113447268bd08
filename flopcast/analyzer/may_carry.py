"""Whether a program's code may leave state for a later call of ``predict``, read from its trees.

A first call that flopcast stops following part way (an op it cannot price, a loop it cannot
bound) leaves a state it never sees: what the rest of the call writes (``self.warm = mu`` at its
end, a memo filled after the stop) may make every later MLP cheaper than the first call's lower
bound. Only a program with no code that can write such state lets the later calls keep that
bound. The test is syntactic and errs towards "may": any of

* a ``global`` or ``nonlocal`` statement;
* a store, augmented store or delete into an attribute or item of something the function did not
  make itself: ``self.x = v``, ``self.log[k] = v``, ``CACHE[k] = v``, ``memo[n] = v`` through a
  closure, ``param.x += 1`` (a parameter may be a persistent object);
* an augmented store into a name the function did not make itself: ``kept = self.kept; kept += [v]``
  and ``s |= {k: v}`` change the list, dict, set or array in place;
* a call of a mutating method (``append``, ``update``, ``setdefault``, ...) or ``next()`` on such
  a thing, or of ``setattr``/``delattr``/``exec`` or ``operator``'s in-place functions
  (``setitem``, ``iadd``, ...), or an ``out=`` into one;
* a call of a function that writes into its first argument (``heapq.heappush``, ``bisect.insort``,
  ``rng.shuffle``, ``np.copyto``, a ufunc's ``.at``, ...) with such a thing;
* a write outside the process's objects: ``open`` in a mode that writes (or a mode not written
  out), a call named like a file system write (``np.save``, ``pickle.dump``, ``Path.write_text``,
  ``os.remove``, ...), ``os.putenv``/``os.chdir``: a later call may read the file or the place;
* a call of ``__init__`` outside an ``__init__`` (``self.__init__(basis)`` from ``predict`` stores
  on an object that lives on);
* a decorator other than the plain descriptors (``lru_cache``, ``cache``, ``cached_property``
  and any user-written one may keep a table);
* an import inside a function (a module first imported there runs its code once, in the first
  call only).

``__init__`` is exempt for stores on ``self``: it runs on an object just made.
"""

from __future__ import annotations

import ast
from typing import Optional

from flopcast.analyzer.program import Program

#: decorators that keep nothing between calls
_PLAIN_DECORATORS = frozenset({"staticmethod", "classmethod", "property", "setter", "getter", "deleter",
                               "dataclass", "abstractmethod", "contextmanager", "wraps", "total_ordering",
                               "unique", "overload", "final", "override", "dataclasses.dataclass"})
_MUTATORS = frozenset({"append", "appendleft", "extend", "extendleft", "insert", "pop", "popleft", "popitem",
                       "remove", "clear", "update", "setdefault", "add", "discard", "sort", "reverse",
                       "rotate", "move_to_end", "send", "__setitem__", "__delitem__", "__setattr__",
                       "difference_update", "intersection_update", "symmetric_difference_update"})
#: operator's functions that write into their first argument (``operator.setitem(CACHE, k, v)``)
_OPERATOR_WRITERS = frozenset({"setitem", "delitem", "iadd", "iand", "iconcat", "ifloordiv", "ilshift",
                               "imatmul", "imod", "imul", "ior", "ipow", "irshift", "isub", "itruediv",
                               "ixor"})
_WRITERS = frozenset({"setattr", "delattr", "exec", "next"}) | _OPERATOR_WRITERS
#: functions (or methods of a helper object, ``rng.shuffle(x)``) that write into their first argument
_FIRST_ARGUMENT_WRITERS = frozenset({"heappush", "heappop", "heapify", "heapreplace", "heappushpop", "insort",
                                     "insort_left", "insort_right", "shuffle", "copyto", "put", "place",
                                     "putmask", "fill_diagonal", "at"})
#: calls that write a file, the environment or the working folder, which a later call may read
_OUTSIDE_WRITERS = frozenset({"save", "savez", "savez_compressed", "savetxt", "tofile", "dump", "write",
                              "writelines", "write_text", "write_bytes", "touch", "mkdir", "makedirs",
                              "unlink", "rmdir", "rmtree", "rename", "copyfile", "putenv", "chdir",
                              "symlink_to"})
#: names of such writes that also name common calls of objects (``s.replace(a, b)``, ``np.copy(a)``):
#: writes only when called on ``os`` or ``shutil``
_OS_WRITERS = frozenset({"replace", "remove", "copy", "copy2", "move", "link", "symlink"})
#: calls whose result is an object of their own
_FRESH_CALLS = frozenset({"dict", "list", "set", "tuple", "frozenset", "deque", "defaultdict", "Counter",
                          "OrderedDict", "bytearray", "sorted", "range", "zip", "enumerate", "len", "int",
                          "float", "str", "bool", "abs", "min", "max", "sum", "round"})
_FRESH_MODULES = frozenset({"fnp", "np", "numpy", "flops", "flopscope", "math"})


def may_carry_state(program: Program) -> bool:
    """Whether any module the program has read holds code that may write state a later call of
    ``predict`` can read (module docstring); cached on the program."""
    if program.may_carry is None:
        program.may_carry = any(_module_may_carry(m.tree) for m in list(program.modules.values()) + [program.main])
    return program.may_carry


def _module_may_carry(tree: ast.Module) -> bool:
    constants = _module_constants(tree)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _function_may_carry(node, constants):
            return True
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            return True
    return False


def _module_constants(tree: ast.Module) -> frozenset:
    """Module-level names bound once, to a number or a string: a copy of one (``n = MIN_SAMPLES``)
    is the function's own, ``n *= 2`` rebinds it."""
    bound: dict = {}
    for stmt in tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            constant = not isinstance(stmt, ast.AugAssign) and isinstance(stmt.value, ast.Constant)
            for target in targets:
                for name in (n.id for n in ast.walk(target) if isinstance(n, ast.Name)):
                    bound[name] = constant and name not in bound and isinstance(target, ast.Name)
    return frozenset(name for name, constant in bound.items() if constant)


def _function_may_carry(fn: ast.FunctionDef, constants: frozenset) -> bool:
    if any(_decorator_name(d) not in _PLAIN_DECORATORS for d in fn.decorator_list):
        return True
    made = _made_locally(fn, constants)
    in_init = fn.name == "__init__"
    for node in _own_nodes(fn):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return True
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            if any(_stores_outside(t, made, in_init) for t in targets):
                return True
            if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id not in made:
                return True
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in _WRITERS:
                if func.id != "next" or any(_outside(a, made) for a in node.args[:1]):
                    return True
            if isinstance(func, ast.Attribute) and func.attr in _MUTATORS | _OPERATOR_WRITERS \
                    and _outside(func.value, made):
                return True
            if isinstance(func, ast.Attribute) and func.attr == "__init__" and not in_init:
                return True
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in _OUTSIDE_WRITERS or called == "open" and _may_open_to_write(node):
                return True
            if called in _OS_WRITERS and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                    and func.value.id in ("os", "shutil"):
                return True
            if called in _FIRST_ARGUMENT_WRITERS and any(_outside(a, made) for a in node.args[:1]):
                return True
            if any(k.arg == "out" and _outside(k.value, made) for k in node.keywords):
                return True
    return False


def _may_open_to_write(call: ast.Call) -> bool:
    """Whether an ``open(path, mode)`` (or ``path.open(mode)``) call may write: its mode is not a
    constant read mode."""
    modes = [k.value for k in call.keywords if k.arg == "mode"]
    positional = call.args[1:2] if isinstance(call.func, ast.Name) else call.args[:1]
    modes += positional
    if not modes:
        return False
    mode = modes[0]
    return not (isinstance(mode, ast.Constant) and isinstance(mode.value, str)
                and not set(mode.value) & set("wax+"))


def _own_nodes(fn: ast.FunctionDef):
    """The nodes of ``fn``'s body, lambdas and comprehensions included, nested defs and classes
    not (they are walked as functions of their own)."""
    stack = list(fn.body)
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                stack.append(child)


def _made_locally(fn: ast.FunctionDef, constants: frozenset) -> frozenset:
    """Names the function binds by plain assignment (its own objects, unless bound to something
    reached from outside: ``c = self.cache`` makes ``c`` outside; a copy of a module's number or
    string, ``constants``, is its own)."""
    params = {a.arg for a in fn.args.args + fn.args.kwonlyargs + fn.args.posonlyargs}
    params |= {a.arg for a in (fn.args.vararg, fn.args.kwarg) if a is not None}
    bound: set = set()
    aliased: set = set(params)
    for node in _own_nodes(fn):
        # (an augmented store keeps its name's object or makes a new one: never an alias of its
        # operand, so ``score += helper(...)`` leaves ``score`` the function's own)
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = node.value
            names = {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
            copies_constant = isinstance(value, ast.Name) and value.id in constants
            if value is not None and _reads_state(value) and not copies_constant:
                aliased |= names
            else:
                bound |= names
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            aliased |= {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            aliased |= {n.id for i in node.items if i.optional_vars is not None
                        for n in ast.walk(i.optional_vars) if isinstance(n, ast.Name)}
    return frozenset(bound - aliased)


def _reads_state(value: ast.AST) -> bool:
    """Whether an assigned value may be (part of) an object from outside: anything but a literal,
    a display of fresh items, or a call (a call's result is taken as fresh unless it is a plain
    attribute or item read)."""
    if isinstance(value, (ast.Constant, ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp,
                          ast.GeneratorExp, ast.BinOp, ast.Compare, ast.BoolOp, ast.UnaryOp, ast.JoinedStr)):
        return False
    if isinstance(value, ast.Call):
        # dict(x), list(x), fnp.zeros(n): fresh; a method's or a helper's result may be shared
        # (self.cache.get(k), get_cache())
        func = value.func
        if isinstance(func, ast.Name):
            return func.id not in _FRESH_CALLS
        root = _root(func)
        return not (isinstance(root, ast.Name) and root.id in _FRESH_MODULES)
    return True


def _root(node: ast.AST) -> Optional[ast.AST]:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node


def _outside(node: ast.AST, made: frozenset) -> bool:
    root = _root(node)
    return not (isinstance(root, ast.Name) and root.id in made)


def _stores_outside(target: ast.AST, made: frozenset, in_init: bool) -> bool:
    if isinstance(target, (ast.Tuple, ast.List)):
        return any(_stores_outside(t, made, in_init) for t in target.elts)
    if isinstance(target, ast.Starred):
        return _stores_outside(target.value, made, in_init)
    if not isinstance(target, (ast.Attribute, ast.Subscript)):
        return False
    root = _root(target)
    if in_init and isinstance(root, ast.Name) and root.id == "self":
        return False
    return _outside(target, made)


def _decorator_name(node: ast.AST) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""
