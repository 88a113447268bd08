"""FC202: a mechanism the allowed-code rules prohibit (processes, exec, patching flopscope)."""

from __future__ import annotations

import ast
from typing import Iterator, Optional

from flopcast.syntax import ast_walk
from flopcast.check.astutil import ImportTable, dotted, is_flopscope
from flopcast.check.context import CheckContext
from flopcast.check.findings import Finding, Level
from flopcast.check.rules.base import Rule

PROCESS_CALLS = frozenset({"os.system", "os.popen", "os.fork", "os.forkpty", "os.posix_spawn",
                           "os.posix_spawnp", "pty.spawn", "pty.fork"})
PROCESS_PREFIXES = ("os.exec", "os.spawn")
CODE_FROM_TEXT = frozenset({"exec", "eval"})


def _call_name(table: ImportTable, func: ast.AST) -> Optional[str]:
    """Qualified name of a call target; builtins by their bare name."""
    qual = table.qualname(func)
    if qual is not None:
        return qual
    if isinstance(func, ast.Name):
        return func.id  # not imported: a builtin (or a local we cannot see)
    return None


class ForbiddenMechanism(Rule):
    code = "FC202"
    name = "forbidden-mechanism"
    level = Level.ERROR
    summary = "os.system/exec*/fork/popen, exec/eval, computed imports or patching flopscope"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        for file in ctx.submission.files:
            table = ctx.imports(file)
            for node in ast_walk(file.tree):
                message = self._judge(table, node)
                if message:
                    yield self.finding(file.span(node), message)

    @staticmethod
    def _judge(table: ImportTable, node: ast.AST) -> Optional[str]:
        if isinstance(node, ast.Call):
            name = _call_name(table, node.func)
            if name is None:
                return None
            if name in PROCESS_CALLS or name.startswith(PROCESS_PREFIXES):
                return (f"`{name}(...)` starts another process: subprocesses are prohibited by "
                        "the allowed-code rules")
            if name in CODE_FROM_TEXT and name not in table.names:
                return (f"`{name}(...)` runs code built at run time, which the allowed-code rules "
                        "prohibit; write the code out")
            if name in ("__import__", "importlib.import_module"):
                arg = node.args[0] if node.args else None
                if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                    return (f"`{name}(...)` with a computed name: what it imports cannot be checked; "
                            "import the module by name")
            if name in ("setattr", "delattr") and node.args and is_flopscope(table.qualname(node.args[0])):
                return (f"`{name}` on a flopscope module patches flopscope: modifying the flopscope "
                        "client is prohibited")
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        for target in targets:
            for t in (target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]):
                if isinstance(t, ast.Attribute) and is_flopscope(table.qualname(t.value)):
                    return (f"assigning `{dotted(t) or table.qualname(t)}` patches flopscope: modifying or monkeypatching the "
                            "flopscope client is prohibited")
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                if table.qualname(base) in ("flopscope.BudgetContext", "flopscope._budget.BudgetContext"):
                    return ("subclassing flopscope's BudgetContext interferes with the accounting, "
                            "which the allowed-code rules prohibit")
        return None
