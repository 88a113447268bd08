"""The `calibrate` setting: predict's code lens adds the calibrated total of the saved file."""

from __future__ import annotations

import asyncio
import sys

import pytest
from pytest_lsp import LanguageClient

from flopcast.model import Point

from .helpers import ROOT, SAMPLES, Doc

sys.path.insert(0, str(ROOT / "tests"))
from oracle import measure  # noqa: E402

pytestmark = pytest.mark.asyncio


async def _calibrated_lens(doc: Doc, timeout: float = 180.0) -> str:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        lens = (await doc.lenses()).get(doc.line_of("def predict"), "")
        if "calibrated" in lens:
            return lens
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"the lens never showed a calibrated total; last: {lens!r}")
        await asyncio.sleep(0.2)


@pytest.mark.parametrize("client", [{"width": 64, "depth": 4, "calibrate": "32x2"}], indirect=True)
async def test_predict_lens_shows_the_calibrated_total_of_the_saved_file(client: LanguageClient, tmp_path):
    doc = Doc.copy_of(client, SAMPLES / "intervals" / "convergence_loop.py", tmp_path)
    lens = await _calibrated_lens(doc)
    real = measure(SAMPLES / "intervals" / "convergence_loop.py", Point(64, 4, 2**41)).total
    assert f"calibrated {real:,} (from a run at 32×2)" in lens
    # An unsaved edit is not what was run: its lens has no calibrated total.
    doc.replace("it += 1", "it += 1\n            estimate = estimate * 1.0")
    assert "calibrated" not in (await doc.lenses())[doc.line_of("def predict")]


async def test_calibrate_is_off_by_default(client: LanguageClient, tmp_path):
    doc = Doc.copy_of(client, SAMPLES / "intervals" / "convergence_loop.py", tmp_path)
    assert "calibrated" not in (await doc.lenses())[doc.line_of("def predict")]
