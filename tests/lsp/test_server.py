"""The language server end to end: a real client over stdio. Tests that leave the server's
settings as they are share one server per module (``shared_client``), each in its own folder
with its documents closed after it; those that set options or configuration, or try to crash
it, start their own (``client``)."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from .conftest import server_per_test
from .helpers import FIXTURES, SAMPLES, Doc, codes

pytestmark = [pytest.mark.asyncio(loop_scope="module"),  # (the module's server lives in the module's loop)
              # one worker runs the module, so its shared server (conftest.module_server) starts once, not once per worker
              pytest.mark.xdist_group("lsp-server")]

client = server_per_test(loop_scope="module")

FIGURE_SPACE = "\u2007"


def clean(text: str) -> str:
    return text.replace(FIGURE_SPACE, " ")


async def test_hints_on_charging_lines_only(shared_client: LanguageClient, tmp_path):
    doc = Doc.copy_of(shared_client, SAMPLES / "mean_propagation.py", tmp_path)
    hints = await doc.hints()
    matmul = doc.line_of("mu_pre = w.T @ mu")
    # 4,192,256 FLOPs per layer x 16 layers at 1024x16, billed as float64.
    assert clean(hints[matmul]) == "6.71e07 ×16 iters  0.003% of budget"
    assert doc.line_of("mu = fnp.zeros(mlp.width)") not in hints  # zeros is free
    assert doc.line_of("rows = []") not in hints
    assert "×" not in hints[doc.line_of("var = fnp.ones(mlp.width)")]  # runs once
    # Every hint has the same width whatever the value (no jitter while typing).
    widths = {len(h.split(" ×")[0].split(" ")[0]) for h in hints.values()}
    assert widths == {7}


async def test_hints_only_for_the_requested_range(shared_client: LanguageClient, tmp_path):
    doc = Doc.copy_of(shared_client, SAMPLES / "mean_propagation.py", tmp_path)
    first = doc.line_of("mu_pre = w.T @ mu")
    hints = await doc.hints(first, first + 1)
    assert set(hints) == {first, first + 1}


async def test_hints_update_after_an_unsaved_edit(shared_client: LanguageClient, tmp_path):
    doc = Doc.copy_of(shared_client, SAMPLES / "mean_propagation.py", tmp_path)
    line = doc.line_of("mu_pre = w.T @ mu")
    before = await doc.hints()
    # A float32 mean halves the matmul's rate (float64 bills 2x); the file on disk is untouched.
    doc.replace("mu = fnp.zeros(mlp.width)", "mu = fnp.zeros(mlp.width, dtype=fnp.float32)")
    after = await doc.hints()
    # Only the first layer's mean is the creation default; later ones come from norm.cdf.
    assert before[line].startswith("6.71e07") and after[line].startswith("6.50e07")
    assert "dtype=fnp.float32" not in doc.path.read_text()


async def test_hover_shows_op_dtype_weight_and_cost(shared_client: LanguageClient, tmp_path):
    doc = Doc.copy_of(shared_client, SAMPLES / "mean_propagation.py", tmp_path)
    text = await doc.hover("mu_pre = w.T @ mu", 13)
    assert "`matmul`" in text
    assert "billed as **float64**" in text
    assert "weight ×1" in text and "float64 rate ×2" in text
    assert "4,192,256 FLOPs × 16 executions = **67,076,096**" in text
    assert "float64 because of line 16" in text
    text = await doc.hover("fnp.sqrt(var_pre)", 1)
    assert "`sqrt`" in text
    assert "`rows`: list of 0" in await doc.hover("rows = []")


async def test_hover_on_a_name_shows_the_abstract_values_it_held(shared_client: LanguageClient, tmp_path):
    doc = Doc.copy_of(shared_client, SAMPLES / "covariance_propagation.py", tmp_path)
    text = await doc.hover("cov = fnp.eye(width)", 1)
    assert "`cov`: array float64 1024×1024, symmetric in axes (0, 1)" in text
    text = await doc.hover("cov = fnp.multiply(fnp.outer(gain, gain), cov_pre)", 1)
    assert "array float64 1024×1024" in text and "symmetric" not in text.split("---")[0]
    text = await doc.hover("cov_pre = w.T @ cov @ w", 17)  # a use of `cov`: its nearest assignment above
    assert "`cov` (assigned on line" in text


async def test_hover_shows_the_formula_once_fitted(shared_client: LanguageClient, tmp_path):
    doc = Doc.copy_of(shared_client, SAMPLES / "mean_propagation.py", tmp_path)
    await doc.hints()
    for _ in range(100):  # the fits run in the background after a quiet second
        text = await doc.hover("mu_pre = w.T @ mu", 13)
        if "formula:" in text:
            break
        await asyncio.sleep(0.1)
    assert "formula: `4·d·w² − 2·d·w`" in text


async def test_code_lens_on_predict_and_helpers(shared_client: LanguageClient, tmp_path):
    doc = Doc.copy_of(shared_client, SAMPLES / "mean_propagation_f32.py", tmp_path)
    lenses = await doc.lenses()
    predict = lenses[doc.line_of("def predict")]
    assert "FLOPs ·" in predict and "within budget" in predict and "1024×16" in predict
    helper = lenses[doc.line_of("def relu_moments")]
    assert "with callees" in helper
    total = predict.split(" FLOPs")[0]
    doc.replace("mu_pre = w.T @ mu", "mu_pre = (w.T @ w) @ mu")
    lenses = await doc.lenses()
    assert total not in lenses[doc.line_of("def predict")]


async def test_code_lens_says_over_budget(shared_client: LanguageClient, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.flopcast]\nbudget = 1000\n")
    doc = Doc.copy_of(shared_client, SAMPLES / "covariance_propagation.py", tmp_path)
    lenses = await doc.lenses()
    assert "over budget" in lenses[doc.line_of("def predict")]
    assert "of 1,000" in lenses[doc.line_of("def predict")]


async def test_diagnostics_publish_update_and_clear(shared_client: LanguageClient, tmp_path):
    doc = Doc.copy_of(shared_client, SAMPLES / "mean_propagation_f32.py", tmp_path)
    await doc.wait_diagnostics(lambda d: len(d) == 0)
    doc.replace("mu = fnp.zeros(width, dtype=fnp.float32)", "mu = fnp.zeros(width)")
    found = await doc.wait_diagnostics(lambda d: len(d) > 0)
    assert codes(found) == ["FC101"]
    leak = found[0]
    assert leak.range.start.line == doc.line_of("mu = fnp.zeros")
    assert leak.source == "flopcast" and leak.severity == types.DiagnosticSeverity.Warning
    doc.replace("mu = fnp.zeros(width)", "mu = fnp.zeros(width, dtype=fnp.float32)")
    await doc.wait_diagnostics(lambda d: len(d) == 0)


async def test_diagnostics_report_a_budget_overrun(shared_client: LanguageClient, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.flopcast]\nbudget = "2**20"\n')
    doc = Doc.copy_of(shared_client, SAMPLES / "mean_propagation_f32.py", tmp_path)
    found = await doc.wait_diagnostics(lambda d: "FC001" in codes(d))
    overrun = next(d for d in found if d.code == "FC001")
    assert overrun.severity == types.DiagnosticSeverity.Error
    assert overrun.range.start.line == doc.line_of("def predict")


async def test_syntax_error_keeps_last_good_hints(shared_client: LanguageClient, tmp_path):
    doc = Doc.copy_of(shared_client, SAMPLES / "mean_propagation.py", tmp_path)
    good = await doc.hints()
    doc.replace("rows.append(mu)", "rows.append(mu")
    broken = await doc.hints()
    assert broken == good
    found = await doc.wait_diagnostics(lambda d: codes(d) == ["syntax"])
    assert found[0].range.start.line == doc.line_of("rows.append(mu")
    assert found[0].severity == types.DiagnosticSeverity.Error
    doc.replace("rows.append(mu", "rows.append(mu)")
    await doc.wait_diagnostics(lambda d: codes(d) == ["FC101", "FC101"])


async def test_burst_of_broken_edits_leaves_the_server_alive(client: LanguageClient, tmp_path):
    doc = Doc.copy_of(client, SAMPLES / "moments.py", tmp_path)
    good = await doc.hints()
    original = doc.text
    # Type a new line character by character, half of it unparsable, without waiting.
    typed = "            extra = fnp.sum(fnp.exp(h), axis=(0,))\n"
    anchor = "            rows.append("
    at = original.index(anchor)
    for i in range(1, len(typed) + 1):
        doc.set_text(original[:at] + typed[:i] + original[at:])
        if i % 7 == 0:
            await doc.hints()  # some requests land mid-burst
    for junk in ("def (", "class", "x = = 1", "\x00", "return ((("):
        doc.set_text(original + junk)
    doc.set_text(original[:at] + typed + original[at:])
    hints = await doc.hints()
    assert hints[doc.line_of("extra = fnp.sum")].startswith("2.")  # exp is 16x: 1024*8*16*16
    assert set(good) - {doc.line_of("extra = fnp.sum")} <= set(hints) | set(good)
    assert "`exp`" in await doc.hover("fnp.exp(h)", 5)
    await doc.wait_diagnostics(lambda d: "syntax" not in codes(d))


async def test_a_non_estimator_file_gets_a_diagnostic_not_a_crash(shared_client: LanguageClient, tmp_path):
    path = tmp_path / "helpers.py"
    path.write_text("def f(x):\n    return x + 1\n")
    doc = Doc(shared_client, path)
    assert await doc.hints() == {}
    found = await doc.wait_diagnostics(lambda d: len(d) > 0)
    assert codes(found) == ["analysis"]
    assert await doc.lenses() == {}


@pytest.mark.parametrize("client", [{"width": 64, "depth": 2}], indirect=True)
async def test_initialization_options_set_the_point(client: LanguageClient, tmp_path):
    doc = Doc.copy_of(client, SAMPLES / "mean_propagation.py", tmp_path)
    lenses = await doc.lenses()
    assert "at 64×2" in lenses[doc.line_of("def predict")]
    hints = await doc.hints()
    assert "×2 iters" in hints[doc.line_of("mu_pre = w.T @ mu")]


@pytest.mark.parametrize("client", [{"inlayHints": {"budget": False, "iterations": False}}], indirect=True)
async def test_hint_kinds_can_be_switched_off(client: LanguageClient, tmp_path):
    doc = Doc.copy_of(client, SAMPLES / "mean_propagation.py", tmp_path)
    hints = await doc.hints()
    assert hints[doc.line_of("mu_pre = w.T @ mu")] == "6.71e07"


async def test_did_change_configuration_changes_the_point(client: LanguageClient, tmp_path):
    doc = Doc.copy_of(client, SAMPLES / "mean_propagation.py", tmp_path)
    assert "1024×16" in (await doc.lenses())[doc.line_of("def predict")]
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"flopcast": {"width": 32, "depth": 4}}))
    for _ in range(50):
        lenses = await doc.lenses()
        if "32×4" in lenses[doc.line_of("def predict")]:
            break
        await asyncio.sleep(0.05)
    assert "32×4" in lenses[doc.line_of("def predict")]


async def test_pyproject_sets_the_point(shared_client: LanguageClient, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.flopcast]\nwidth = 16\ndepth = 3\n")
    doc = Doc.copy_of(shared_client, SAMPLES / "mean_propagation.py", tmp_path)
    assert "16×3" in (await doc.lenses())[doc.line_of("def predict")]


async def test_sibling_modules_come_from_disk(shared_client: LanguageClient, tmp_path):
    (tmp_path / "helpers.py").write_text(
        "import flopscope.numpy as fnp\n\n\ndef square(x):\n    return x * x\n")
    text = (SAMPLES / "mean_propagation_f32.py").read_text()
    path = tmp_path / "estimator.py"
    path.write_text(text)
    doc = Doc(shared_client, path)
    before = (await doc.lenses())[doc.line_of("def predict")]
    # Unsaved: the buffer imports the sibling and calls it once per layer.
    doc.set_text(text.replace("import flopscope.numpy as fnp",
                              "import flopscope.numpy as fnp\nfrom helpers import square", 1)
                     .replace("rows.append(mu)", "rows.append(square(mu))", 1))
    after = (await doc.lenses())[doc.line_of("def predict")]
    assert before != after
    assert "square" not in before


async def test_an_unsaved_sibling_buffer_changes_the_estimator_cost(shared_client: LanguageClient, tmp_path):
    (tmp_path / "helpers.py").write_text("import flopscope.numpy as fnp\n\n\ndef square(x):\n    return x * x\n")
    text = (SAMPLES / "mean_propagation_f32.py").read_text()
    path = tmp_path / "estimator.py"
    path.write_text(text.replace("import flopscope.numpy as fnp", "import flopscope.numpy as fnp\nfrom helpers import square", 1)
                    .replace("rows.append(mu)", "rows.append(square(mu))", 1))
    doc = Doc(shared_client, path)
    helper = Doc(shared_client, tmp_path / "helpers.py")
    before = (await doc.lenses())[doc.line_of("def predict")]
    # Edit the helper without saving it: x * x becomes fnp.exp(x) (16x weight).
    helper.replace("return x * x", "return fnp.exp(x)")
    after = (await doc.lenses())[doc.line_of("def predict")]
    assert before != after
    assert (tmp_path / "helpers.py").read_text().endswith("return x * x\n"), "nothing was saved"


async def test_a_helper_module_shows_the_costs_the_estimator_makes_it_charge(shared_client: LanguageClient, tmp_path):
    (tmp_path / "helpers.py").write_text("import flopscope.numpy as fnp\n\n\ndef square(x):\n    return x * x\n")
    text = (SAMPLES / "mean_propagation_f32.py").read_text()
    (tmp_path / "estimator.py").write_text(
        text.replace("import flopscope.numpy as fnp", "import flopscope.numpy as fnp\nfrom helpers import square", 1)
        .replace("rows.append(mu)", "rows.append(square(mu))", 1))
    helper = Doc(shared_client, tmp_path / "helpers.py")
    hints = await helper.hints()
    assert "×16 iters" in hints[helper.line_of("return x * x")]


async def test_big_estimator_hints(shared_client: LanguageClient, tmp_path):
    doc = Doc.copy_of(shared_client, FIXTURES / "big_estimator.py", tmp_path)
    hints = await doc.hints()
    assert len(hints) > 150
    lenses = await doc.lenses()
    assert len(lenses) == 13  # twelve helpers and predict


async def test_hover_tells_mixed_billed_dtypes_apart(shared_client: LanguageClient, tmp_path):
    doc = Doc.copy_of(shared_client, SAMPLES / "mean_propagation.py", tmp_path)
    doc.replace("mu = fnp.zeros(mlp.width)", "mu = fnp.zeros(mlp.width, dtype=fnp.float32)")
    text = await doc.hover("mu_pre = w.T @ mu", 13)
    # The first layer's mean is float32; from the second on it comes from norm.cdf (float64).
    assert "billed as **float32** ×1, **float64** ×15" in text
    assert "float64 because of line 25" in text


async def test_hover_on_a_def_name_shows_the_function_total(shared_client: LanguageClient, tmp_path):
    doc = Doc.copy_of(shared_client, SAMPLES / "mean_propagation_f32.py", tmp_path)
    text = await doc.hover("def predict", 5)
    assert "**Estimator.predict**" in text and "callees included" in text
    text = await doc.hover("def relu_moments", 5)
    assert "**relu_moments**" in text and "callees included" in text
