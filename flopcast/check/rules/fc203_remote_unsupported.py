"""FC203: flopscope API that works locally but not on the grader's flopscope client.

The grader runs a numpy-free flopscope client that ships every op to a server.
Ops that call back into Python per element (``flopscope.remote_unsupported_ops()``)
and the server-side names (``flopscope._server_only.SERVER_ONLY``: ``namespace``,
``FlopscopeArray``, the ``*_cost`` helpers ...) are missing there. Both lists are
read from the installed flopscope, never hard-coded. A budget the submission opens
(``flops.budget``, ``flops.BudgetContext``) is refused there too: session lifecycle is the
grader's (flopscope's ``UnauthorizedControlError``).
"""

from __future__ import annotations

import ast
from typing import Iterator, Optional

from flopcast.syntax import ast_walk
from flopcast.check.astutil import ImportTable, fnp_op
from flopcast.check.context import CheckContext
from flopcast.check.findings import Finding, Level
from flopcast.check.rules.base import Rule


def server_only_name(qual: str, server_only: frozenset[str]) -> bool:
    """`flopscope.namespace`, `flopscope.accounting.det_cost` ... against SERVER_ONLY."""
    if not qual.startswith("flopscope.") or qual.startswith("flopscope.numpy"):
        return False
    rest = qual[len("flopscope."):]
    parts = rest.split(".")
    last = parts[-1]
    if len(parts) == 1 and rest in server_only:
        return True
    if f"flops.{last}" in server_only and (len(parts) == 1 or parts[:-1] == ["accounting"]):
        return True
    return False


#: what opens a budget context: session lifecycle is the grader's (flopscope's UnauthorizedControlError)
_OPENS_A_BUDGET = frozenset({"flopscope.budget", "flopscope.BudgetContext"})


class RemoteUnsupported(Rule):
    code = "FC203"
    name = "remote-unsupported"
    level = Level.ERROR
    summary = "a flopscope op or name the grader's flopscope client does not support"

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        from flopcast.installed import op_inventory

        inventory = op_inventory()
        for file in ctx.submission.files:
            table = ctx.imports(file)
            for node in ast_walk(file.tree):
                for qual in self._names(table, node):
                    message = self._judge(qual, inventory.remote_unsupported, inventory.server_only)
                    if message:
                        yield self.finding(file.span(node), message)

    @staticmethod
    def _names(table: ImportTable, node: ast.AST) -> list[str]:
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            qual = table.qualname(node)
            return [qual] if qual else []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            return [f"{node.module}.{a.name}" for a in node.names]
        return []

    @staticmethod
    def _judge(qual: str, remote_unsupported: frozenset[str], server_only: frozenset[str]) -> Optional[str]:
        op = fnp_op(qual)
        if op is not None and op in remote_unsupported:
            return (f"`fnp.{op}` calls back into Python and is not supported by the grader's "
                    "flopscope client (it passes locally, then fails in grading); express it with "
                    "vectorised fnp ops")
        if qual in _OPENS_A_BUDGET:
            shown = qual.replace("flopscope.", "flops.", 1)
            return (f"`{shown}` opens a budget: inside predict whestbench's own is already open, so flopscope "
                    "refuses it on entry (RuntimeError: Cannot nest BudgetContexts), and the grader's client "
                    "refuses any budget a submission opens (UnauthorizedControlError, a FlopscopeError that "
                    "`except RuntimeError` does not catch); read `flops.current_budget()` instead")
        if server_only_name(qual, server_only):
            shown = qual.replace("flopscope.", "flops.", 1)
            return (f"`{shown}` is server-side only: the grader's flopscope client does not have "
                    "it (AttributeError in grading); remove it from the submission")
        return None
