"""Converting between the analyzer's columns and the client's.

The analyzer reports 1-based lines and 0-based UTF-8 *byte* columns (what ``ast``
gives); LSP positions are 0-based lines and columns in the negotiated encoding
(UTF-16 code units unless the client offered something else). Both directions need
the text of the line the span was computed on, so callers pass the analysed text.
"""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types


@dataclass(frozen=True)
class Lines:
    """The lines of one text, for column conversion."""

    lines: tuple[str, ...]
    encoding: str = types.PositionEncodingKind.Utf16

    @classmethod
    def of(cls, text: str, encoding: str = types.PositionEncodingKind.Utf16) -> "Lines":
        # splitlines() would also split on \x0c and friends, which ast does not count as lines.
        return cls(tuple(text.split("\n")), encoding)

    def text(self, line0: int) -> str:
        return self.lines[line0].rstrip("\r") if 0 <= line0 < len(self.lines) else ""

    def _units(self, s: str) -> int:
        if self.encoding == types.PositionEncodingKind.Utf8:
            return len(s.encode("utf-8"))
        if self.encoding == types.PositionEncodingKind.Utf32:
            return len(s)
        return len(s.encode("utf-16-le")) // 2

    def from_byte_col(self, line1: int, byte_col: int) -> types.Position:
        """An analyzer (1-based line, UTF-8 byte column) as an LSP position."""
        line0 = max(line1 - 1, 0)
        raw = self.text(line0).encode("utf-8")
        prefix = raw[:byte_col].decode("utf-8", errors="ignore")
        return types.Position(line=line0, character=self._units(prefix))

    def to_byte_col(self, position: types.Position) -> tuple[int, int]:
        """An LSP position as an analyzer (1-based line, UTF-8 byte column)."""
        s = self.text(position.line)
        chars = 0
        units = 0
        for ch in s:
            if units >= position.character:
                break
            units += self._units(ch)
            chars += 1
        return position.line + 1, len(s[:chars].encode("utf-8"))

    def end_of_line(self, line1: int) -> types.Position:
        line0 = max(line1 - 1, 0)
        return types.Position(line=line0, character=self._units(self.text(line0)))
