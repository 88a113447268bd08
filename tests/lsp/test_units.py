"""The server's pure parts: formatting, positions, caches, settings, formulas."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lsprotocol import types

from flopcast.lsp import fmt
from flopcast.lsp.formulas import keyed_totals, fit
from flopcast.lsp.positions import Lines
from flopcast.lsp.settings import HintKinds, ProjectPoint, Settings, project_point, resolve
from flopcast.lsp.state import LRU, Analysis, Analyzer, Failure
from flopcast.model import Point

from .helpers import SAMPLES

POINT = Point(1024, 16, 2**41, "v2-phase2")


@pytest.mark.parametrize("n", [0, 7, 999, 1000, 2048, 9_995, 99_999, 4_192_256, 10**9 - 1, 2**41, 10**15])
def test_flops_is_always_seven_characters(n):
    assert len(fmt.flops(n)) == 7


def test_flops_values():
    assert fmt.flops(67_076_096) == "6.71e07"
    assert fmt.flops(2_150_000_000) == "2.15e09"
    assert fmt.flops(512).strip(fmt.FIGURE_SPACE) == "512"


@pytest.mark.parametrize("part", [0, 1, 10**6, 10**8, 10**9, 10**10, 10**11, 2**41, 2**45])
def test_share_is_always_seven_characters(part):
    assert len(fmt.share(part, 2**41)) == 7


def test_share_values():
    assert fmt.share(0, 100).strip(fmt.FIGURE_SPACE) == "0%"
    assert fmt.share(42, 1000).strip(fmt.FIGURE_SPACE) == "4.20%"
    assert fmt.share(1, 10**9).strip(fmt.FIGURE_SPACE) == "<0.001%"
    assert fmt.share(3, 1).strip(fmt.FIGURE_SPACE) == "300%"


def test_positions_convert_utf8_bytes_to_utf16_units():
    text = 'x = "é𝔘"; y = fnp.exp(x)\n'
    byte_col = len('x = "é𝔘"; y = '.encode("utf-8"))
    lines = Lines.of(text)
    pos = lines.from_byte_col(1, byte_col)
    # é is one UTF-16 unit, 𝔘 two: 'x = "' (5) + 1 + 2 + '"; y = ' (7) = 15
    assert pos == types.Position(line=0, character=15)
    assert lines.to_byte_col(pos) == (1, byte_col)
    utf8 = Lines.of(text, types.PositionEncodingKind.Utf8)
    assert utf8.from_byte_col(1, byte_col).character == byte_col
    utf32 = Lines.of(text, types.PositionEncodingKind.Utf32)
    assert utf32.from_byte_col(1, byte_col).character == 14


def test_lru_is_bounded():
    cache: LRU[int, int] = LRU(3)
    for i in range(10):
        cache.put(i, i)
    assert len(cache) == 3 and cache.get(0) is None and cache.get(9) == 9
    cache.get(7)
    cache.put(10, 10)
    assert cache.get(7) == 7 and cache.get(8) is None


def test_analyzer_caches_by_content():
    path = str(SAMPLES / "mean_propagation.py")
    text = Path(path).read_text()
    analyzer = Analyzer()
    first = analyzer.analyze(path, text, POINT)
    again = analyzer.analyze(path, text, POINT)
    assert isinstance(first, Analysis) and again is first and analyzer.runs == 1
    other = analyzer.analyze(path, text + "\n# edited\n", POINT)
    # a comment changes nothing: carried over (lsp/incremental.py), not analysed again
    assert other is not first and analyzer.runs == 1 and analyzer.carried == 1
    assert analyzer.analyze(path, text, POINT) is first and analyzer.runs == 1  # undo


def test_syntax_error_is_a_failure_with_a_position():
    path = str(SAMPLES / "mean_propagation.py")
    text = Path(path).read_text().replace("rows.append(mu)", "rows.append(mu")
    outcome = Analyzer().analyze(path, text, POINT)
    assert isinstance(outcome, Failure) and outcome.syntax
    assert outcome.line == 29 and "never closed" in outcome.message


def test_settings_from_client_options():
    s = Settings().updated({"flopcast": {"round": "v2-phase2", "budget": "2**30",
                                         "inlayHints": {"budget": False}, "codeLens": False}})
    assert s.round == "v2-phase2" and s.budget == 2**30
    assert s.hints == HintKinds(cost=True, iterations=True, budget=False) and not s.code_lens
    assert Settings().updated({"width": "not a number"}).width is None
    assert Settings().updated(None) == Settings()


def test_point_precedence(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.flopcast]\nwidth = 16\ndepth = 3\n")
    project = project_point(tmp_path / "estimator.py")
    assert (project.width, project.depth) == (16, 3)
    point = resolve(Settings(depth=5), project)
    assert (point.width, point.depth) == (16, 5)  # the client's key wins, key by key
    assert resolve(Settings(), ProjectPoint()).tag is not None  # the current round


def test_broken_pyproject_is_ignored(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.flopcast]\nwidth = [\n")
    assert project_point(tmp_path / "estimator.py") == ProjectPoint()


def test_formulas_per_line_and_function():
    path = str(SAMPLES / "mean_propagation_f32.py")
    text = Path(path).read_text()
    analysis = Analyzer().analyze(path, text, POINT)
    actual = keyed_totals(analysis.report, path)
    found = fit(path, text, POINT, True, actual)
    assert found["line:15"] == "d·w"  # sigma = fnp.sqrt(var_pre) in relu_moments, once per layer
    assert found["line:31"] == "2·d·w² − d·w"  # mu_pre = w.T @ mu
    assert "function:Estimator.predict" in found
    assert "function:relu_moments" in found


def _rss_kib() -> int:
    with open(f"/proc/{os.getpid()}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_memory_stays_flat_over_many_edits():
    """300 distinct buffers (each a new edit): the cache stays bounded and RSS flat."""
    path = str(SAMPLES / "mean_propagation.py")
    text = Path(path).read_text()
    analyzer = Analyzer(maxsize=16)
    for i in range(50):  # warm up allocator pools and the analyzer's caches
        analyzer.analyze(path, text + f"\n# {i}\n", POINT)
    before = _rss_kib()
    for i in range(300):
        analyzer.analyze(path, text + f"\n# edit {i}\n", POINT)
    growth = _rss_kib() - before
    assert len(analyzer.cache) == 16
    assert growth < 20_000, f"RSS grew {growth} KiB over 300 edits"


def test_a_changed_data_file_beside_the_estimator_misses_the_cache(tmp_path):
    import numpy as np

    folder = SAMPLES.parent / "tests" / "realistic" / "estimators" / "learned_head"
    for f in folder.iterdir():
        if f.is_file():
            (tmp_path / f.name).write_bytes(f.read_bytes())
    path = str(tmp_path / "estimator.py")
    text = Path(path).read_text()
    analyzer = Analyzer()
    first = analyzer.analyze(path, text, POINT)
    npz = next(tmp_path.glob("*.npz"))
    with np.load(npz) as data:
        arrays = {k: data[k] for k in data.files}
    name = max(arrays, key=lambda k: arrays[k].size)
    arrays[name] = np.concatenate([arrays[name], arrays[name]])  # setup() now loads a bigger head
    np.savez(npz, **arrays)
    again = analyzer.analyze(path, text, POINT)
    assert analyzer.runs == 2 and again is not first


@pytest.mark.asyncio
async def test_an_analysed_text_is_answered_while_the_worker_is_busy():
    # Hints after an edit must not queue behind the diagnostics of an earlier edit, which
    # run on the server's one analysis worker.
    import asyncio
    import threading

    from flopcast.lsp.server import build
    from flopcast.lsp.state import Document

    server = build()
    path = str(SAMPLES / "mean_propagation.py")
    doc = Document("file://" + path, path, Path(path).read_text(), 1, POINT)
    first = await server.ensure(doc)
    busy = threading.Event()
    server.worker.submit(busy.wait)
    try:
        again = await asyncio.wait_for(server.ensure(doc), timeout=30)
    finally:
        busy.set()
    assert isinstance(first, Analysis) and again is first
