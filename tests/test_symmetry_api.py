"""flopscope's own symmetry API called by an estimator: ``flops.symmetrize`` (both modes),
``flops.is_symmetric`` and ``flops.as_symmetric``, with the symmetry as its axis shorthand."""

from __future__ import annotations

import pytest

from oracle import assert_exact_at, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

PROGRAM = """\
import flopscope as flops
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        w = mlp.weights[0]
        x = {made}
        return fnp.zeros((mlp.depth, mlp.width)) + fnp.sum(x @ x){tail}
"""


def _write(tmp_path, made: str, tail: str = ""):
    path = tmp_path / "estimator.py"
    path.write_text(PROGRAM.format(made=made, tail=tail))
    return path


@pytest.mark.parametrize("width,depth", [(8, 1), (32, 3)])
@pytest.mark.parametrize("made", [
    # averaging over the group: (|G| + 1)·n in float64 (a float32 input comes back float64,
    # and the product after it is a symmetric float64 matmul)
    "flops.symmetrize(w, symmetry=(0, 1))",
    # one write per element in the input's dtype
    "flops.symmetrize(w, symmetry=[0, 1], mode='canonical-copy')",
    # a stack of matrices symmetric in its last two axes
    "flops.symmetrize(fnp.stack([w, w.T]), symmetry=(1, 2))",
])
def test_symmetrize_is_priced_and_tags_its_result(tmp_path, width, depth, made):
    path = _write(tmp_path, made)
    point = Point(width, depth, 2**41)
    assert_exact_at(path, [point])


@pytest.mark.parametrize("width,depth", [(8, 1), (32, 3)])
def test_is_symmetric_of_a_symmetric_product_is_true_for_certain(tmp_path, width, depth):
    # w.T @ w is exactly symmetric: the check costs k·(7n − 1) and answers True on every run
    path = _write(tmp_path, "w.T @ w", tail=" * (2.0 if flops.is_symmetric(x, symmetry=(0, 1)) else 1.0)")
    point = Point(width, depth, 2**41)
    assert_exact_at(path, [point])


@pytest.mark.parametrize("width,depth", [(8, 1), (32, 3)])
def test_is_symmetric_of_data_is_priced_and_its_answer_read_from_values(tmp_path, width, depth):
    path = _write(tmp_path, "w", tail=" * (fnp.exp(w) if flops.is_symmetric(w, symmetry=(0, 1)) else 1.0)")
    point = Point(width, depth, 2**41)
    report = analyze(path, point)
    assert not report.unpriced, report.unpriced
    assert report.total.lo < report.total.hi
    assert report.total.lo == measure(path, point).total  # a random matrix is not symmetric


@pytest.mark.parametrize("width,depth", [(8, 1), (32, 3)])
def test_as_symmetric_of_integers_is_billed_as_the_float64_comparison_it_makes(tmp_path, width, depth):
    path = _write(tmp_path, "flops.as_symmetric(fnp.asarray(w.T @ w, dtype=fnp.int32), symmetry=(0, 1))")
    point = Point(width, depth, 2**41)
    assert_exact_at(path, [point])


@pytest.mark.parametrize("width,depth", [(8, 1), (32, 3)])
@pytest.mark.parametrize("group", ["flops.SymmetryGroup.symmetric(axes=(1, 0))",
                                   "flops.SymmetryGroup.symmetric(axes=[0, 1])"])
def test_an_explicit_symmetric_group_is_the_shorthand_made_explicit(tmp_path, width, depth, group):
    path = _write(tmp_path, f"flops.symmetrize(w, symmetry={group})",
                  tail=f" * {group}.degree * (2.0 if flops.is_symmetric(w.T @ w, symmetry={group}) else 1.0)")
    point = Point(width, depth, 2**41)
    assert_exact_at(path, [point])


def test_an_attribute_flopcast_does_not_model_is_named_with_the_value_it_was_asked_of(tmp_path):
    """A person reads what the value is (a SymmetryGroup instance), not flopcast's own class name
    (it said "not known on InstanceVal")."""
    path = _write(tmp_path, "w", tail=" * flops.SymmetryGroup.symmetric(axes=(1, 0)).restrict((0,)).order()")
    report = analyze(path, Point(8, 1, 10**6))
    reasons = [u.reason for u in report.unpriced if u.what == "attribute 'restrict'"]
    assert reasons == ["not modelled for SymmetryGroup instance"]


GROUP_QUERIES = {
    "order_scales_a_product": "w @ w.T * float(g.order())",
    "orbits_size_a_slice": "w[:len(g.orbits()) + 1].T @ w[:len(g.orbits()) + 1]",
    "is_symmetric_picks_the_branch": "(w @ w.T) if g.is_symmetric() else (w @ w.T @ w)",
    "orbit_and_abelian_size_a_slice": "w[:len(g.orbit(0)) + int(g.is_abelian) + int(g.is_transitive)].T @ w[:4]",
    "payload_and_generators_size_a_slice":
        "w[:len(g.to_payload()['axes']) + len(g.generator_literals) - 1].T"
        " @ w[:2]",
}


@pytest.mark.parametrize("made", GROUP_QUERIES.values(), ids=GROUP_QUERIES.keys())
def test_a_symmetric_groups_queries_are_flopscopes_answers(tmp_path, made):
    """`g.order()`, `g.orbits()`, ... of `SymmetryGroup.symmetric(axes=...)`: pure queries that
    charge nothing, read off flopscope's own group (flopcast left each unpriced: a lower bound)."""
    path = _write(tmp_path, made)
    path.write_text(path.read_text().replace("        x = ", "        g = flops.SymmetryGroup.symmetric(axes=(0, 1))\n"
                                                           "        x = "))
    assert_exact_at(path, [Point(8, 1, 2**41), Point(32, 3, 2**41)])
