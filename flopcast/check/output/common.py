"""What every format needs: findings with 1-based character columns, and counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from flopcast.check.engine import TargetResult
from flopcast.check.findings import Finding, Level
from flopcast.check.source import SourceFile


@dataclass(frozen=True)
class Located:
    """A finding placed for people and tools: 1-based lines and character columns
    (spans count UTF-8 bytes, editors and SARIF count characters); `end_col` is
    exclusive."""

    finding: Finding
    line: int
    col: int
    end_line: int
    end_col: int


def _char_col(file: Optional[SourceFile], line: int, byte_col: int) -> int:
    if file is None or not 1 <= line <= len(file.lines):
        return byte_col + 1
    prefix = file.lines[line - 1].encode("utf-8")[:byte_col]
    return len(prefix.decode("utf-8", errors="ignore")) + 1


@dataclass
class Results:
    targets: list[TargetResult]

    def files(self) -> dict[str, SourceFile]:
        return {f.display: f for t in self.targets for f in t.submission.files}

    def located(self) -> list[Located]:
        files = self.files()
        out = []
        for target in self.targets:
            for f in target.findings:
                s = f.span
                file = files.get(s.path)
                line = max(1, s.line)
                end_line = max(line, s.end_line)
                col = _char_col(file, line, s.col)
                end_col = _char_col(file, end_line, s.end_col)
                if (end_line, end_col) < (line, col):
                    end_line, end_col = line, col
                out.append(Located(f, line, col, end_line, end_col))
        return out

    def count(self, level: Level) -> int:
        return sum(1 for t in self.targets for f in t.findings if f.level is level)

    @property
    def errors(self) -> int:
        return self.count(Level.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Level.WARNING)
