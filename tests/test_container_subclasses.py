"""Instances of user subclasses of dict and list are the containers they are (FINDINGS #31).

Their subscripts, item assignment and deletion, len(), iteration, membership, truth and the
container's own methods (setdefault, update, items, get, append) reach the dict or list;
``super().__init__(...)``/``list.__init__(self, ...)`` fill it, ``__missing__`` answers a
missing key, ``__getattr__ = dict.__getitem__`` reads keys as attributes, and
``isinstance(x, dict)`` is true. The fixtures steer their work with them; the real flopscope
counts the same, op by op.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle import assert_exact_match, measure

from flopcast.analyzer import analyze
from flopcast.model import Point

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "constructs"


@pytest.mark.parametrize("name", ["container_subclass_methods.py", "container_subclass_init.py"])
@pytest.mark.parametrize("width,depth", [(8, 2), (8, 3), (16, 4)])
def test_a_subclass_of_dict_or_list_steers_the_work_exactly(name, width, depth):
    path = FIXTURES / name
    point = Point(width, depth, 2**41)
    report = analyze(path, point)
    assert not report.unpriced, report.unpriced
    assert not report.raises, report.raises
    assert_exact_match(report, measure(path, point), f" — {name} at {width}x{depth}")
