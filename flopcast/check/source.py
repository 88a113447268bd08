"""Finding and parsing the files of a submission (never importing them).

A folder is checked the way whestbench packages it in folder mode: its entry point
is ``estimator.py`` and every other ``.py`` file under it ships too, so those are
read for the import and mechanism rules. A single file is whestbench's file mode.
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Hashable, Optional, TypeVar

from flopcast.syntax import ast_children, ast_walk
from flopcast.model import Span, display_path

if TYPE_CHECKING:
    from flopcast.check.astutil import ImportTable

#: Folders whestbench never packages (``packaging.py`` built-in ignores), plus the
#: usual virtualenv names: their .py files are not part of the submission.
IGNORED_DIRS = frozenset({
    ".git", ".venv", "venv", "env", "__pycache__", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", ".ipynb_checkpoints", "node_modules", ".tox",
})


T = TypeVar("T")

_LINE = re.compile(r".*?(?:\r\n|\r|\n)|.+", re.S)


class CheckUsageError(Exception):
    """The command cannot run as asked (bad path, bad config): exit code 2."""


@dataclass
class SourceFile:
    """One parsed .py file of the submission."""

    path: Path  # resolved
    display: str  # how findings name it
    text: str
    tree: ast.Module
    lines: list[str] = field(default_factory=list)
    _facts: dict = field(default_factory=dict, repr=False, compare=False)

    def span(self, node: ast.AST) -> Span:
        end_line = getattr(node, "end_lineno", None) or node.lineno
        end_col = getattr(node, "end_col_offset", None)
        return Span(self.display, node.lineno, node.col_offset, end_line,
                    end_col if end_col is not None else node.col_offset)

    def line_span(self, line: int) -> Span:
        return Span(self.display, line, 0, line, 0)

    def segment(self, node: ast.AST) -> Optional[str]:
        """``ast.get_source_segment(self.text, node)``, without splitting the text at every call
        (the rules ask for many segments, at every point of a saving formula's grid)."""
        lineno, end_lineno = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        col, end_col = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if lineno is None or end_lineno is None or col is None or end_col is None:
            return None
        lines = self._raw_lines
        if end_lineno == lineno:
            return lines[lineno - 1].encode()[col:end_col].decode()
        first = lines[lineno - 1].encode()[col:].decode()
        last = lines[end_lineno - 1].encode()[:end_col].decode()
        return "".join([first, *lines[lineno:end_lineno - 1], last])

    @cached_property
    def _raw_lines(self) -> list[str]:
        # Split as ast.get_source_segment splits: at \r\n, \r and \n only, ends kept.
        return _LINE.findall(self.text)

    def fact(self, name: Hashable, compute: Callable[[], T]) -> T:
        """What ``compute`` reads from the syntax alone, computed once per file: the rules ask
        again at every point of a saving formula's grid. ``name`` tells the facts apart."""
        if name not in self._facts:
            self._facts[name] = compute()
        return self._facts[name]

    @cached_property
    def imports(self) -> "ImportTable":
        """What the file's import statements bind (read once per file, shared by every check)."""
        from flopcast.check.astutil import ImportTable

        return ImportTable.of(self.tree)

    @cached_property
    def parents(self) -> dict[int, ast.AST]:
        """id(node) -> its parent node, for every node of the tree."""
        return {id(child): node for node in ast_walk(self.tree) for child in ast_children(node)}

    @cached_property
    def starting_at(self) -> dict[tuple[int, int], list[ast.AST]]:
        """(line, column) -> the nodes that start there, in ``ast.walk`` order."""
        out: dict[tuple[int, int], list[ast.AST]] = {}
        for node in ast_walk(self.tree):
            if hasattr(node, "lineno"):
                out.setdefault((node.lineno, node.col_offset), []).append(node)
        return out


@dataclass
class Submission:
    """What one checked path stands for."""

    given: str  # the path as the user typed it
    entry: SourceFile
    others: list[SourceFile]
    #: Top-level module names importable from the submission folder (siblings).
    local_modules: frozenset[str]
    #: The path handed to the analyzer: the folder in folder mode, else the file.
    analysis_path: Path
    folder_mode: bool

    @property
    def files(self) -> list[SourceFile]:
        return [self.entry, *self.others]

    def by_resolved(self) -> dict[Path, SourceFile]:
        return {f.path: f for f in self.files}


def parse_file(path: Path, text: Optional[str] = None) -> SourceFile:
    path = path.resolve()
    if text is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CheckUsageError(f"cannot read {display_path(path)}: {exc.strerror}") from exc
        text = raw.decode("utf-8", errors="replace")
    shown = display_path(path)
    try:
        tree = ast.parse(text, filename=shown)
    except SyntaxError as exc:
        raise CheckUsageError(
            f"{shown}:{exc.lineno or 1}:{exc.offset or 1}: syntax error: {exc.msg}; "
            "fix it, then run flopcast check again"
        ) from exc
    except (RecursionError, MemoryError) as exc:
        raise CheckUsageError(f"{shown}: expressions nested too deeply for Python to compile; "
                              "split the deepest expression into several statements") from exc
    return SourceFile(path, shown, text, tree, text.splitlines())


def _python_files(folder: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_DIRS)
        found.extend(Path(dirpath) / name for name in sorted(filenames) if name.endswith(".py"))
    return found


def local_module_names(folder: Path) -> frozenset[str]:
    """Names `import X` can reach in the submission folder (which is on sys.path)."""
    names = set()
    for child in folder.iterdir():
        if child.suffix == ".py":
            names.add(child.stem)
        elif child.is_dir() and child.name not in IGNORED_DIRS and (child / "__init__.py").exists():
            names.add(child.name)
        elif child.is_dir() and child.name not in IGNORED_DIRS and any(child.glob("*.py")):
            names.add(child.name)  # a namespace package
    return frozenset(names)


def load_submission(given: str) -> Submission:
    path = Path(given)
    if not path.exists():
        raise CheckUsageError(f"{given}: no such file or folder")
    if path.is_dir():
        entry_path = path / "estimator.py"
        if not entry_path.is_file():
            raise CheckUsageError(
                f"{given}: no estimator.py in this folder; pass the submission folder "
                "that holds estimator.py, or the estimator file itself"
            )
        entry = parse_file(entry_path)
        others = [parse_file(p) for p in _python_files(path) if p.resolve() != entry.path]
        return Submission(given, entry, others, local_module_names(path.resolve()),
                          path.resolve(), folder_mode=True)
    if path.suffix != ".py":
        raise CheckUsageError(f"{given}: not a .py file or a submission folder")
    entry = parse_file(path)
    return Submission(given, entry, [], local_module_names(entry.path.parent),
                      entry.path, folder_mode=False)
