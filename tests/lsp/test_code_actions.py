"""Each `flopcast check` fix is a quick fix in the editor, with its saving in the title."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .helpers import SAMPLES, Doc

# None sets options: one server for the module (conftest.shared_client), in the module's loop, on one worker.
pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.xdist_group("lsp-code-actions")]


async def actions_at(doc: Doc, needle: str) -> list[types.CodeAction]:
    line = doc.line_of(needle)
    result = await doc.client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=doc.uri),
        range=types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line, character=1)),
        context=types.CodeActionContext(diagnostics=[])))
    return list(result or [])


def applied(doc: Doc, action: types.CodeAction) -> str:
    (edit,) = action.edit.changes[doc.uri]
    lines = doc.text.splitlines(keepends=True)
    return "".join(lines[:edit.range.start.line]) + edit.new_text + "".join(lines[edit.range.end.line:])


async def test_a_costly_power_offers_its_rewrite_with_the_saving(shared_client: LanguageClient, tmp_path):
    doc = Doc.copy_of(shared_client, SAMPLES / "advice" / "costly_power.py", tmp_path)
    (action,) = await actions_at(doc, "var = (w ** 2).T @ var")
    # 1024x16 at the round: 16 layers x 1024**2 elements x (16 - 1) per element.
    assert action.title == f"flopcast: replace `w ** 2` with `w * w` (saves {16 * 1024**2 * 15:,} FLOPs)"
    assert action.kind == types.CodeActionKind.QuickFix
    after = applied(doc, action)
    assert "var = (w * w).T @ var  # second moment of the weights" in after
    assert after.replace("(w * w)", "(w ** 2)") == doc.text


async def test_a_loop_invariant_offers_the_hoist(shared_client: LanguageClient, tmp_path):
    doc = Doc.copy_of(shared_client, SAMPLES / "advice" / "loop_invariant.py", tmp_path)
    (action,) = await actions_at(doc, "* fnp.sqrt(base)")
    assert action.title.startswith("flopcast: hoist `fnp.sqrt(base)` out of the loop at line 20 (saves ")
    assert "hoisted = fnp.sqrt(base)\n        for w in mlp.weights:" in applied(doc, action)


async def test_no_action_where_there_is_nothing_to_fix(shared_client: LanguageClient, tmp_path):
    doc = Doc.copy_of(shared_client, SAMPLES / "advice" / "costly_power.py", tmp_path)
    assert await actions_at(doc, "rows = []") == []
