"""Import statements and the modules they bind (the submission's own, the stdlib's, flopscope's).
"""

from __future__ import annotations

import ast
import sys
from pathlib import PurePosixPath
from typing import Optional

from flopcast.analyzer.ops import OpError
from flopcast.analyzer.program import absolute_import, Module
from flopcast.analyzer.source import SourceError
from flopcast.analyzer.values import (ClassVal, DictVal, FunctionVal, InstanceVal, Known, LibRef, ListVal, ModuleVal,
                                      NpzFile, TupleVal, Unknown, UserRaise, Value)
from flopcast.syntax import ast_walk
from flopcast.analyzer.interpreter.control import _Break, _Continue, _Return
from flopcast.analyzer.interpreter.frames import Frame


class Imports:
    """The Interpreter's methods for import statements and the modules they bind (the submission's own, the stdlib's, flopscope's)."""

    def module_env(self, module: Module) -> dict:
        env = self.module_envs.get(module.key)
        if env is not None:
            return env
        env = {"__name__": Known(module.name), "__file__": Known(str(module.path))}
        if module.path.endswith("__init__.py"):
            # a package's search path (what `pkgutil.iter_modules(__path__)` lists)
            env["__path__"] = ListVal([Known(str(PurePosixPath(module.path).parent))])
        self.module_envs[module.key] = env
        saved_frame, saved_meter = self.frame, self.metered
        self._outer_frames.append(saved_frame)
        self._opaque_depth += 1
        self.frame = Frame(env, module, "<module>")
        # A module body runs where it is first imported: at load time (or in setup()) outside
        # the meter, but inside predict (`import tables` in predict, a lazy submodule) under the
        # budget, where flopscope counts its ops on the first call: the meter stays as it is.
        try:
            # Statement by statement: a top-level raise stops the entry file's load, but the
            # definitions after it are still worth analysing (and the raise is reported).
            for stmt in module.tree.body:
                try:
                    self.exec_stmt(stmt)
                except UserRaise as exc:
                    if module is not self.program.main:
                        # the import raises it (into a handler, or up to the entry file's load)
                        # and Python drops the module: the next import runs its body again
                        del self.module_envs[module.key]
                        raise
                    # Python stops the load at the first: later top-level raises never run
                    if self.result.load_raised is None:
                        self.result.load_raised = (exc.span, exc.what)
                except (_Return, _Break, _Continue):
                    pass
        finally:
            self.frame, self.metered = saved_frame, saved_meter
            self._outer_frames.pop()
            self._opaque_depth -= 1
        return env

    def stmt_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            value = self.import_module(alias.name, node)
            if alias.asname:
                self.frame.vars[alias.asname] = value
            else:
                top = alias.name.split(".")[0]
                self.frame.vars[top] = self.import_module(top, node)

    def stmt_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = ("." * node.level) + (node.module or "")
        if node.level and self.frame is not None:
            # Inside a package of the folder (kit/stages.py: `from .base import Stage`), the
            # dots name the package's modules, not the folder's top-level ones.
            absolute = absolute_import(self.frame.module, node.level, node.module)
            if absolute is None:
                # estimator.py and its top-level siblings are loaded in no package (whestbench's
                # loader: spec_from_file_location with the folder on sys.path): Python refuses.
                packaged = "." in self.frame.module.name or self.frame.module.path.endswith("__init__.py")
                raise UserRaise(self.node_span(node), "ImportError: attempted relative import beyond top-level "
                                                      "package" if packaged else "ImportError: attempted relative "
                                                      "import with no known parent package")
            base = "." + absolute
        for alias in node.names:
            if alias.name == "*":
                mod = self.import_module(base, node)
                if isinstance(mod, ModuleVal):
                    env = self.module_env(mod.module)
                    public = env.get("__all__")
                    names = [x.value for x in public.items] if isinstance(public, (ListVal, TupleVal)) and all(
                        isinstance(x, Known) and isinstance(x.value, str) for x in public.items) else None
                    if names is not None:  # `__all__` lists what a star import binds
                        missing = [n for n in names if n not in env]
                        if missing and isinstance(env.get("__getattr__"), FunctionVal):
                            # a star import takes each listed name with getattr: the module's
                            # `__getattr__` (PEP 562) answers those its globals do not hold
                            span = self.node_span(node)
                            self.frame.vars.update({n: env[n] if n in env else self.get_attr(mod, n, span)
                                                    for n in names})
                            continue
                        if missing:
                            raise UserRaise(self.node_span(node), f"AttributeError: module {base.lstrip('.')!r} has "
                                                                  f"no attribute {missing[0]!r}")
                        self.frame.vars.update({n: env[n] for n in names})
                    else:
                        self.frame.vars.update({k: v for k, v in env.items() if not k.startswith("_")})
                continue
            mod = self.import_module(base, node)
            if isinstance(mod, ModuleVal) and alias.name not in self.module_env(mod.module) \
                    and self.compiled_module(f"{mod.module.name}.{alias.name}", node) is not None:
                # `from . import stages`: the submodule is imported (its body runs) when the
                # package does not define the name itself
                self.frame.vars[alias.asname or alias.name] = self.import_module(
                    f"{mod.module.name}.{alias.name}", node)
                continue
            value = self.get_attr(mod, alias.name, self.node_span(node), quiet=True)
            if isinstance(value, Unknown) and (node.level or isinstance(mod, ModuleVal)):
                sub = self.import_module(f"{base}.{alias.name}" if base.strip(".") else alias.name, node)
                value = sub
            self.frame.vars[alias.asname or alias.name] = value

    def import_module(self, name: str, node: ast.AST) -> Value:
        stripped = name.lstrip(".")
        if stripped in ("flopscope", "whest") or stripped.startswith(("flopscope.", "whest.")):
            if stripped.split(".")[0] == "whest":
                self.note(self.node_span(node), "`whest` is the old name of flopscope; analysed as flopscope")
                stripped = "flopscope" + stripped[len("whest"):]
            return LibRef(stripped)
        if stripped == "numpy" or stripped.startswith("numpy."):
            return LibRef("rawnumpy" + stripped[len("numpy"):])
        if stripped == "whestbench" or stripped.startswith("whestbench."):
            return LibRef(stripped)
        module = self.compiled_module(stripped, node)
        if module is not None:
            # An import runs the module's body there and then (parent packages first), as
            # Python does: `import plugins` whose decorators fill another module's registry
            # must have filled it before the registry is read, even when `plugins` itself is
            # never used.
            parts = stripped.split(".")
            for i in range(1, len(parts)):
                parent = self.compiled_module(".".join(parts[:i]), node)
                if parent is not None:
                    self.module_env(parent)
            first = module.key not in self.module_envs
            self.module_env(module)
            if first and len(parts) > 1:
                # Python binds a submodule in its package once it is loaded (`import kit.heavy`,
                # `from .heavy import f` in kit, importlib): `kit.heavy` is an attribute from then on
                parent = self.program.find_module(".".join(parts[:-1]))
                if parent is not None:
                    self.module_env(parent)[parts[-1]] = ModuleVal(module)
            return ModuleVal(module)
        if self.import_hooks.finders and stripped:
            self.effects += 1
            return self.hooked_module(stripped, node)
        if stripped and not name.startswith(".") and not _importable(stripped.split(".")[0]):
            # neither the folder's, nor the standard library's, nor installed beside flopscope:
            # the grader (flopscope, whestbench and the standard library) has it no more than this
            # machine does; unless the submission puts folders on sys.path itself (its tools/
            # subfolder: `import ledger` then finds tools/ledger.py), which is not followed
            changed = _sys_path_change(self.program)
            if changed is not None:
                span = self.node_span(node)
                reason = (f"sys.path is changed at {changed} (the module may be found in a folder put there; "
                          "not followed)")
                self._unpriced_at(span, f"import {stripped}", f"{reason}; the calls into it are not priced")
                return Unknown("", span, reason)
            raise UserRaise(self.node_span(node), f"ModuleNotFoundError: No module named {stripped.split('.')[0]!r}")
        return LibRef("py:" + stripped)

    def compiled_module(self, dotted: str, node: ast.AST) -> Optional[Module]:
        """The submission's module an import of ``dotted`` loads, or None; one Python cannot
        compile makes the import raise its SyntaxError."""
        try:
            return self.program.find_module(dotted)
        except SourceError as exc:
            if not isinstance(exc.__cause__, SyntaxError):
                raise
            raise UserRaise(self.node_span(node), f"SyntaxError: {exc.__cause__}") from None

    def hooked_module(self, name: str, node: ast.AST) -> Value:
        """A module an import hook on sys.meta_path may serve (see analyzer/import_hooks.py)."""
        if name not in self._served:
            span = self.node_span(node)
            self._served[name] = self.import_hooks.load(self, name, span)
        served = self._served[name]
        if served is None:
            return LibRef("py:" + name)
        module, reason = served
        if module is not None:
            self._served_paths.add(module.path)
            return ModuleVal(module)
        span = self.node_span(node)
        self._unpriced_at(span, f"import {name}", f"{reason}; the calls into it are not priced")
        return Unknown("", span, reason)

    def module_from_file(self, cls: ClassVal, args, kwargs, span, node) -> Value:
        """``Head.from_file(path, **overrides)`` (flopscope/_module.py): the class is built
        with the file's JSON config (``__meta__``) and the overrides as keyword arguments,
        then ``load_state_dict`` swaps in the file's arrays — shapes from the headers. The
        file is read by flopscope's plain ``_io.load``: no op is recorded."""
        if not args:
            raise UserRaise(span, "TypeError: from_file() missing 1 required positional argument: 'path'")
        try:
            state = self.read_array_file(args[0])
        except OpError as exc:
            return self._unpriced_at(span, f"{cls.name}.from_file", str(exc))
        if not isinstance(state, NpzFile):
            return self._unpriced_at(span, f"{cls.name}.from_file", "from_file of a .npy file (not a state dict)")
        config = {k: Known(v) for k, v in (state.meta or {}).items()}
        obj = self.instantiate(cls, [], {**config, **kwargs}, span)
        if not isinstance(obj, InstanceVal):
            return obj
        arrays = {k: v for k, v in state.arrays.items() if k != "__meta__"}
        self.call_module_method("load_state_dict", obj, [DictVal(arrays)], {}, span, node)
        return obj


def _importable(top: str) -> bool:
    """Whether a top-level module name can be imported here: the standard library's, or one
    installed (found by its finder without running it: a top-level spec imports nothing)."""
    if top in sys.stdlib_module_names or top in sys.builtin_module_names:
        return True
    found = _IMPORTABLE.get(top)
    if found is None:
        import importlib.util

        try:
            found = importlib.util.find_spec(top) is not None
        except (ImportError, ValueError):
            found = False
        _IMPORTABLE[top] = found
    return found


_IMPORTABLE: dict = {}


def _sys_path_change(program) -> Optional[str]:
    """Where ("file:line") a module of the program loaded so far changes the import path
    (`sys.path.insert/append/extend`, an assignment to `sys.path`, `site.addsitedir`); None
    when none does."""
    loaded = tuple(program.modules)
    found = _SYS_PATH_CHANGES.get(id(program))
    if found is not None and found[0] is program and found[1] == loaded:
        return found[2]
    where = None
    for module in program.modules.values():
        for n in ast_walk(module.tree):
            target = None
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute):
                if n.func.attr in ("insert", "append", "extend", "__setitem__") and _is_sys_path(n.func.value):
                    target = n
                elif n.func.attr == "addsitedir" and isinstance(n.func.value, ast.Name) and n.func.value.id == "site":
                    target = n
            elif isinstance(n, (ast.Assign, ast.AugAssign)):
                targets = n.targets if isinstance(n, ast.Assign) else [n.target]
                if any(_is_sys_path(t) or (isinstance(t, ast.Subscript) and _is_sys_path(t.value)) for t in targets):
                    target = n
            if target is not None:
                where = f"{PurePosixPath(module.path).name}:{target.lineno}"
                break
        if where is not None:
            break
    _SYS_PATH_CHANGES.clear()  # (the last program only: an entry keeps its program alive)
    _SYS_PATH_CHANGES[id(program)] = (program, loaded, where)
    return where


def _is_sys_path(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "path" and isinstance(node.value, ast.Name) \
        and node.value.id == "sys"


_SYS_PATH_CHANGES: dict = {}
