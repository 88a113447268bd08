"""Under `make test` (pytest-xdist, ``--dist loadgroup``) the tests marked with one xdist_group run
on one worker: tests/corpus_runs.py's cache of each corpus point's analysis and run relies on
it, and a group split over the workers makes each of them twice, silently (pytest 9 and
pytest-xdist 3.8 did, until tests/conftest.py appended the group itself)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.xdist_group("groups-probe")


def test_a_grouped_test_carries_its_group_to_the_scheduler(request):
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("only under pytest-xdist with --dist loadgroup (as `make test` runs)")
    # xdist's scheduler reads the group from the id's "@group" suffix, and from nothing else
    assert request.node.nodeid.endswith("@groups-probe"), request.node.nodeid
