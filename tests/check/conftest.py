"""The `check` fixture: write an estimator, analyze it with a stand-in, run rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import Checker


@pytest.fixture
def check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Checker:
    return Checker(tmp_path, monkeypatch)
