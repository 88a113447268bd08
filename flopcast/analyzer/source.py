"""Reading the submission: files, parse trees and ``# flopcast:`` directives.

Parsing uses the standard ``ast`` module on purpose: its positions are the ones
CPython stores in ``code.co_positions()``, so a span the analyzer reports is the
span the runtime counter sees for the same instruction, byte for byte.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from flopcast.model import display_path

_DIRECTIVE = re.compile(r"#\s*flopcast:\s*(?P<body>.+?)\s*$")


@dataclass(frozen=True)
class Directive:
    """A ``# flopcast: ...`` comment: ``assume <expr>`` or ``iterations=N``."""

    line: int
    kind: str  # "assume" | "iterations"
    text: str  # the expression source for assume, the integer text for iterations


@dataclass
class SourceFile:
    path: str  # absolute
    text: str
    tree: ast.Module
    directives: dict[int, Directive] = field(default_factory=dict)


class SourceError(Exception):
    """The file cannot be read or parsed; carries a file:line message for people."""


def parse_source(path: str, text: str) -> SourceFile:
    try:
        tree = ast.parse(text, filename=path)
        with warnings.catch_warnings(), _import_recursion_limit():
            warnings.simplefilter("ignore")  # (its SyntaxWarnings are Python's to print at import)
            # Python's compiler refuses some trees the parser makes (``*x`` as a statement,
            # ``return`` outside a function): the import raises SyntaxError, nothing runs
            compile(tree, path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        where = f"{display_path(path)}:{exc.lineno or 0}:{(exc.offset or 1)}"
        raise SourceError(f"{where}: syntax error: {exc.msg}; fix it and run flopcast again") from exc
    except (RecursionError, MemoryError) as exc:
        # CPython's own compiler gives up on the same nesting (RecursionError during compilation).
        raise SourceError(f"{path}: expressions nested too deeply for Python to compile; "
                          "split the deepest expression into several statements") from exc
    return SourceFile(path=path, text=text, tree=tree, directives=_directives(text))


#: CPython's default recursion limit, the one the run's import compiles under (its compiler's
#: depth check scales with it).
_IMPORT_RECURSION_LIMIT = 1000


@contextmanager
def _import_recursion_limit():
    """At least the recursion limit the run's import has, while a tree is compiled: a process
    that lowered its own (a test of deep nesting) would refuse what the import compiles."""
    limit = sys.getrecursionlimit()
    if limit < _IMPORT_RECURSION_LIMIT:
        sys.setrecursionlimit(_IMPORT_RECURSION_LIMIT)
    try:
        yield
    finally:
        sys.setrecursionlimit(limit)


def read_source(path: Path, override: Optional[str] = None) -> SourceFile:
    resolved = str(path.resolve())
    if override is not None:
        return parse_source(resolved, override)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourceError(f"{display_path(path)}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise SourceError(f"{display_path(path)}: not UTF-8 text ({exc.reason})") from exc
    return parse_source(resolved, text)


def _directives(text: str) -> dict[int, Directive]:
    found: dict[int, Directive] = {}
    if "flopcast:" not in text:
        return found
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return found
    for tok in tokens:
        if tok.type != tokenize.COMMENT:
            continue
        match = _DIRECTIVE.search(tok.string)
        if not match:
            continue
        body = match.group("body")
        line = tok.start[0]
        if body.startswith("assume"):
            found[line] = Directive(line, "assume", body[len("assume"):].strip())
        elif body.replace(" ", "").startswith("iterations="):
            found[line] = Directive(line, "iterations", body.split("=", 1)[1].strip())
    return found
