"""The attributing meter counts exactly what flopscope counts, and says where each charge was made."""

from __future__ import annotations

import pytest

from flopcast.model import SCORER_SPAN
from flopcast.runtime.counter import UNATTRIBUTED_SPAN

from .helpers import FIXTURES, SAMPLES, fixture, line_of, run_here, sample_id


@pytest.mark.parametrize("sample", SAMPLES, ids=sample_id)
def test_attributed_total_equals_a_plain_budget_context_run(sample):
    plain = run_here(sample, 32, 2, attribute=False)
    attributed = run_here(sample, 32, 2)
    assert plain.ok and attributed.ok, (plain.error, attributed.error)
    assert attributed.flops_used == plain.flops_used
    assert sum(c.flops for c in attributed.charges) == plain.flops_used


def test_every_charge_of_a_sample_is_attributed_to_the_sample_or_the_scorer():
    sample = next(p for p in SAMPLES if p.stem == "covariance_propagation")
    result = run_here(sample)
    assert result.charges
    assert {c.span.path for c in result.charges} <= {str(sample.resolve()), SCORER_SPAN.path}
    assert all(c.span != UNATTRIBUTED_SPAN for c in result.charges)


def test_a_charge_made_in_a_sibling_module_is_filed_at_the_sibling_line():
    layers = (FIXTURES / "helper_module" / "layers.py").resolve()
    result = run_here(fixture("helper_module"))
    matmuls = [c for c in result.charges if c.op == "matmul"]
    assert len(matmuls) == 2  # one per layer
    assert {(c.span.path, c.span.line, c.function) for c in matmuls} == {
        (str(layers), line_of(layers, "x @ w"), "relu_layer")
    }


def test_the_function_of_a_charge_is_the_qualname_of_the_frame_that_made_it():
    path = fixture("call_shapes")
    result = run_here(path)
    functions = {c.op: c.function for c in result.charges if c.span != SCORER_SPAN}
    assert functions["sum"] == "Estimator.predict"
    assert functions["multiply"] == "Estimator.predict.<locals>.<listcomp>"


def test_the_scorer_float32_cast_of_a_float64_result_is_filed_under_the_scorer_span():
    sample = next(p for p in SAMPLES if p.stem == "float64_return")
    result = run_here(sample, 32, 2)
    scorer = [c for c in result.charges if c.span == SCORER_SPAN]
    assert [(c.op, c.flops) for c in scorer] == [("asarray", 2 * 2 * 32)]  # 2 FLOPs per float64 element


def test_the_billed_dtype_is_flopscopes_resolved_dtype():
    sample = next(p for p in SAMPLES if p.stem == "mean_propagation")
    result = run_here(sample)
    matmul_dtypes = {c.dtype for c in result.charges if c.op == "matmul"}
    assert matmul_dtypes == {"float64"}  # float32 weights against float64 zeros/ones


def test_two_candidate_classes_without_class_name_is_a_load_error_naming_them():
    result = run_here(fixture("two_classes"))
    assert result.status == "load_error"
    assert "Zeros" in result.error.message and "Ones" in result.error.message


def test_class_name_selects_the_estimator_class_as_whestbench_does():
    from flopcast.runtime.counter import run_in_process
    from flopcast.runtime.protocol import RunRequest

    result = run_in_process(RunRequest(str(fixture("two_classes")), 32, 2, 10**9, class_name="Ones"))
    assert result.ok
    assert [c.op for c in result.charges] == ["ones", "asarray"]
