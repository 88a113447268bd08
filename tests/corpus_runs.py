"""One static analysis and one runtime run per (corpus estimator, point), shared by every test
file that checks the corpus at its points (tests/realistic/test_corpus.py,
tests/runtime/test_calibrate.py): a module of its own, imported under one name from both, so a
worker makes each once whichever file asks first; and the tests of one estimator all run in
one worker (`make test` runs xdist with ``--dist loadgroup``), so each is made once in all."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from oracle import measure_calls

from flopcast.analyzer import analyze
from flopcast.model import Point

HERE = Path(__file__).resolve().parent / "realistic" / "estimators"


def same_worker(name: str):
    """The mark that sends every test of the estimator ``name`` to one xdist worker (its cache)."""
    return pytest.mark.xdist_group(f"corpus-{name}")


def corpus_path(name: str) -> Path:
    folder = HERE / name
    return folder / "estimator.py" if folder.is_dir() else HERE / f"{name}.py"


@cache
def static(name, width, depth, budget):
    return analyze(corpus_path(name), Point(width, depth, budget))


@cache
def runtime_calls(name, width, depth, budget) -> list:
    """Each MLP's run on one instance, as whestbench runs them (oracle.measure_calls): at least
    two, and one past every call the analysis priced apart when its state settled."""
    report = static(name, width, depth, budget)
    calls = max(2, len(report.per_call) + report.per_call_settled)
    return measure_calls(corpus_path(name), Point(width, depth, budget), calls)


def runtime(name, width, depth, budget):
    """The first MLP's run."""
    return runtime_calls(name, width, depth, budget)[0]
