"""Driving a document through the test client: open, edit, wait, ask."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Callable, Optional, Sequence

from lsprotocol import types
from pytest_lsp import LanguageClient

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


class Doc:
    """One open document: keeps the text and version in step with what was sent."""

    def __init__(self, client: LanguageClient, path: Path, text: Optional[str] = None) -> None:
        self.client = client
        self.path = path
        self.uri = path.as_uri()
        self.text = path.read_text() if text is None else text
        self.version = 1
        client.open_uris.append(self.uri)  # (conftest's shared_client closes them after the test)
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=self.uri, language_id="python",
                                                 version=self.version, text=self.text)))

    @classmethod
    def copy_of(cls, client: LanguageClient, sample: Path, folder: Path, name: str = "estimator.py") -> "Doc":
        target = folder / name
        shutil.copy(sample, target)
        return cls(client, target)

    def replace(self, old: str, new: str) -> None:
        assert old in self.text, old
        self.set_text(self.text.replace(old, new, 1))

    def set_text(self, text: str) -> None:
        self.text = text
        self.version += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))

    def line_of(self, needle: str) -> int:
        """0-based line of the first line containing ``needle``."""
        for i, line in enumerate(self.text.split("\n")):
            if needle in line:
                return i
        raise AssertionError(needle)

    def position_of(self, needle: str, offset: int = 0) -> types.Position:
        line = self.line_of(needle)
        return types.Position(line=line, character=self.text.split("\n")[line].index(needle) + offset)

    async def hints(self, first: int = 0, last: int = 10_000) -> dict[int, str]:
        result = await self.client.text_document_inlay_hint_async(types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=self.uri),
            range=types.Range(start=types.Position(line=first, character=0),
                              end=types.Position(line=last, character=0))))
        return {h.position.line: label(h) for h in result or []}

    async def hover(self, needle: str, offset: int = 0) -> str:
        result = await self.client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=self.uri),
            position=self.position_of(needle, offset)))
        return "" if result is None else result.contents.value

    async def lenses(self) -> dict[int, str]:
        result = await self.client.text_document_code_lens_async(types.CodeLensParams(
            text_document=types.TextDocumentIdentifier(uri=self.uri)))
        return {lens.range.start.line: lens.command.title for lens in result or []}

    def diagnostics(self) -> Sequence[types.Diagnostic]:
        return self.client.diagnostics.get(self.uri, [])

    async def wait_diagnostics(self, ok: Callable[[Sequence[types.Diagnostic]], bool],
                               timeout: float = 10.0) -> Sequence[types.Diagnostic]:
        """Wait until the published diagnostics for this document satisfy ``ok``."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            current = self.diagnostics()
            if self.uri in self.client.diagnostics and ok(current):
                return current
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"diagnostics never satisfied the check; last: {current}")
            await asyncio.sleep(0.05)


def label(hint: types.InlayHint) -> str:
    if isinstance(hint.label, str):
        return hint.label
    return "".join(part.value for part in hint.label)


def codes(diagnostics: Sequence[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)
