"""whestbench's memory limit in the pricing: an allocation that cannot fit.

whestbench runs predict in a child process under ``RLIMIT_AS = memory_limit_mb`` (read from the
installed whestbench: installed.resource_limits). numpy's allocation past it raises MemoryError
there. A process with flopscope and whestbench imported already holds about 1.4 GiB of address
space (OpenBLAS's threads and the like); on the grader's machine that baseline is not known. So
an array alone larger than the limit certainly raises; one within ``MARGIN`` of it may; a smaller
one is taken to fit (the pricing's assumption everywhere else).

Checked where an op's result is made (Interpreter.price_call, price_op and the random draws), in
every run, for the op's new arrays (not views), cheaply:

* inside a ``try`` (or a ``with``) that may catch MemoryError, on the interpreter's stack, or in
  a generator's body made ahead of its consumer (``Interpreter.handlers``), an array of at least ``limit - MARGIN`` ends the path, not
  priced: the handler may run instead of what follows. The charges the op made are taken back, so
  the count is that of the charges before it: what the run counts whether the allocation fails
  or not (flopscope bills most ops before numpy allocates, some after);
* elsewhere, an array as large as the limit or larger is recorded on the path (RunResult.memory_raise): the run
  dies of MemoryError there, and the report says so beside its count (api._raises), which goes on
  as if memory were unlimited, as it does past a budget overrun.

The live total of several arrays past the limit is the memory tracker's (memory.py), measured
on the reported path only; api turns its ``over_limit_span`` into the same report of a raise.
"""

from __future__ import annotations

import ast
from functools import lru_cache

from flopcast.analyzer import handlers
# MARGIN: how far below whestbench's limit an allocation may already fail (why: see memory.py)
from flopcast.analyzer.memory import ITEMSIZE, MARGIN, VIEWS
from flopcast.analyzer.values import Array, Builtin, ClassVal, FunctionVal, LibRef, TupleVal


#: The names of the exception classes whose handlers catch MemoryError.
CATCHERS = handlers.CATCHERS["MemoryError"]


@lru_cache(maxsize=1)
def limit() -> int:
    """whestbench's memory limit in bytes."""
    from flopcast.installed import resource_limits

    return resource_limits().memory_limit_bytes


def threshold() -> int:
    """The size from which an array may not fit."""
    return max(limit() - MARGIN, 0)


def gib(n: int) -> str:
    return f"{n / 2**30:,.1f} GiB" if n >= 2**30 else f"{n / 2**20:,.1f} MiB"


def check(interp, name: str, args, result, mark: int) -> None:
    """The op ``name`` (``args``: its operands) made ``result``, its charges those after ``mark``
    in the path's list: end the path or record the run's MemoryError where an array it made
    may not fit (see the module's doc)."""
    cls = result.__class__
    if cls is Array:
        made = (result,)
    elif cls is TupleVal:
        made = tuple(a for a in result.items if a.__class__ is Array)
        if not made:
            return
    else:
        return
    if name in VIEWS:
        return  # a view of its operand: allocates nothing
    size = 0
    for a in made:
        n = a.size * ITEMSIZE.get(a.dtype, 8)
        if n > size:
            size = n
    if size < threshold():
        return
    if any(a.ident == b.ident for a in made for b in args if b.__class__ is Array):
        return  # the operand itself handed back
    if name == "asarray" and cls is Array and len(args) == 1 and args[0].__class__ is Array \
            and (args[0].shape, args[0].dtype) == (result.shape, result.dtype):
        return  # flopscope wraps the same buffer (as memory.py takes it)
    span = interp.span
    where = f"line {span.line}" if span is not None else "this op"
    name = name if "." in name else f"np.{name}" if interp.free else f"fnp.{name}"
    if interp.handlers.catches("MemoryError"):
        interp.take_back_charges(mark)
        certain = "raises" if size >= limit() else "may raise"
        interp.stop_path(f"{where} allocates an array of {gib(size)} ({name}); whestbench's memory limit is "
                         f"{gib(limit())}, so it {certain} MemoryError, and an except clause or a `with` around it "
                         "(or around the consumer of a generator that makes it) may catch it: the cost from it on "
                         "is not counted", span, what="memory")
    if size >= limit():
        # (as large as the limit: the process's own address space, never nothing, passes it too)
        if interp.result.memory_raise is None:
            interp.result.memory_raise = (
                span, f"MemoryError: {where} allocates an array of {gib(size)} ({name}), "
                      f"{'past' if size > limit() else 'as large as'} whestbench's memory limit of {gib(limit())}",
                not interp.metered, mark if interp.metered else 0)
            interp.effects += 1  # a call that made it is not reused by another run (which would not record it)
        return
    # Within MARGIN of the limit, whether it fits depends on what else the grading process holds
    # (not known here): the count presumes it fits, and the report names the allocation.
    interp.presume_no_raise(span, name, "MemoryError",
                            f"an array of {gib(size)}, within {gib(MARGIN)} of whestbench's memory limit of "
                            f"{gib(limit())} on the whole process, which holds more besides")
    interp.effects += 1  # (as above: a reused call would not record it)


def catches(interp, handlers: list, catchers: frozenset = CATCHERS) -> bool:
    """Whether one of these except clauses may catch MemoryError (or the builtin exception
    whose class and bases are ``catchers``): a bare `except`, one of ``catchers``, a tuple
    holding one, or a class flopcast cannot name from the clause without evaluating it (Python
    evaluates it only when an exception arrives)."""
    for handler in handlers:
        if handler.type is None:
            return True
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for t in types:
            if _may_catch(interp, t, catchers):
                return True
    return False


def _may_catch(interp, t: ast.expr, catchers: frozenset) -> bool:
    if isinstance(t, ast.Name):
        return _value_may_catch(interp.peek_name(t.id), t.id, catchers)
    if isinstance(t, ast.Attribute):
        # a library's class (np.linalg.LinAlgError, flopscope's errors) or an attribute of the
        # program's objects: by its name, which for a class other than the catchers names one
        # that is not a base of the exception
        return t.attr in catchers or not t.attr.endswith(("Error", "Warning", "Exit", "Interrupt", "Iteration"))
    return True


def _value_may_catch(value, name: str, catchers: frozenset) -> bool:
    if isinstance(value, Builtin):
        return value.name in catchers or not _is_exception_name(value.name)
    if isinstance(value, ClassVal):
        return False  # a class of the program's: no builtin exception is one, nor a subclass of one
    if isinstance(value, TupleVal):
        return any(_value_may_catch(v, "", catchers) for v in value.items)
    if isinstance(value, LibRef):
        last = value.path.rsplit(".", 1)[-1]
        return last in catchers or not last.endswith(("Error", "Warning", "Exit", "Interrupt", "Iteration"))
    if _is_exception_name(name):
        return name in catchers  # a builtin class by its name (not bound in the program)
    return True  # not known here: may


def _is_exception_name(name: str) -> bool:
    import builtins

    cls = getattr(builtins, name, None)
    return isinstance(cls, type) and issubclass(cls, BaseException)


def suppresses(values: list, catchers: frozenset) -> bool:
    """Whether ``contextlib.suppress(*values)`` may suppress the builtin exception whose class and
    bases are ``catchers``."""
    return any(not isinstance(v, (Builtin, ClassVal)) or isinstance(v, Builtin) and
               (v.name in catchers or not _is_exception_name(v.name)) for v in values)


def exit_may_swallow(fn) -> bool:
    """Whether a user ``__exit__`` may return something true (which swallows the exception):
    any `return` of a value other than None or False."""
    if not isinstance(fn, FunctionVal) or fn.node is None:
        return True
    for node in _own_nodes(fn.node):
        if isinstance(node, ast.Return) and node.value is not None and not (
                isinstance(node.value, ast.Constant) and node.value.value in (None, False)):
            return True
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
    return False


def has_handlers(fn) -> bool:
    """Whether a generator function holds a `try` with except clauses (a ``@contextmanager``
    whose ``yield`` may be inside one: an exception thrown in there may be caught)."""
    if not isinstance(fn, FunctionVal) or fn.node is None:
        return True
    return any(isinstance(n, ast.Try) and n.handlers or n.__class__.__name__ == "TryStar"
               for n in _own_nodes(fn.node))


def _own_nodes(node: ast.AST):
    """The nodes of a function's body, not those of functions or classes defined inside it."""
    todo = list(getattr(node, "body", ()))
    if isinstance(todo, ast.AST):  # a lambda's body
        todo = [todo]
    while todo:
        n = todo.pop()
        yield n
        for child in ast.iter_child_nodes(n):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                todo.append(child)
