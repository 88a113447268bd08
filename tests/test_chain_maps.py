"""`collections.ChainMap` (analyzer/chain_maps.py): config layering priced as the dict lookups
it makes, against the real flopscope running several MLPs on one instance."""

from __future__ import annotations

from pathlib import Path

import pytest

from flopcast.analyzer.api import analyze
from flopcast.model import Point
from oracle import measure_calls, static_per_op

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "constructs"
POINTS = [Point(16, 2, 2**41), Point(40, 3, 2**41)]


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_config_layered_with_a_chain_map_is_exact_for_every_mlp(point: Point) -> None:
    """Lookups, `in`, `get`, `.maps`, `.parents`, `new_child`, iteration in ChainMap's order,
    `len`, `dict()`, writes into the first map (a call count kept there), a default changed
    through the view, `setdefault`, `update` and a caught KeyError each steer a count."""
    path = FIXTURES / "chain_map_config.py"
    report = analyze(path, point)
    measured = measure_calls(path, point, 6)
    assert report.exact and not report.unpriced and not report.uncertain and report.per_call == []
    assert [m.total for m in measured] == [report.total.lo] * 6
    assert static_per_op(report) == measured[0].per_op


def test_a_chain_map_over_a_defaultdict_is_unpriced() -> None:
    """A defaultdict answers a key the ChainMap misses itself: not modelled, never guessed."""
    path = FIXTURES / "chain_map_defaultdict.py"
    point = POINTS[0]
    report = analyze(path, point)
    assert report.lower_bound
    assert any("plain dict" in u.reason for u in report.unpriced)
    assert report.total.lo <= measure_calls(path, point, 1)[0].total


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_unpacking_updating_from_and_copying_a_chain_map_are_exact(point: Point) -> None:
    """`{**cm}` and `f(**cm)` take each key once with the value its lookup finds; `d.update(cm)` too;
    copy.copy shares all but the first map, copy.deepcopy none."""
    path = FIXTURES / "mapping_unpacking.py"
    report = analyze(path, point)
    measured = measure_calls(path, point, 1)[0]
    assert report.exact and not report.unpriced and report.total.lo == measured.total


def test_a_mapping_not_followed_unpacked_into_a_dict_display_is_unpriced() -> None:
    """It was taken as empty: a false exact total."""
    path = FIXTURES / "unknown_unpacking.py"
    report = analyze(path, POINTS[0])
    assert any(u.what == "dict display with **" for u in report.unpriced)
    assert report.total.lo <= measure_calls(path, POINTS[0], 1)[0].total


@pytest.mark.parametrize("point", POINTS, ids=lambda p: p.label())
def test_isinstance_hasattr_and_equality_of_a_chain_map_are_exact(point: Point) -> None:
    path = FIXTURES / "chain_map_identity.py"
    report = analyze(path, point)
    assert report.exact and not report.unpriced and not report.uncertain
    assert report.total.lo == measure_calls(path, point, 1)[0].total
