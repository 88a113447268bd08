"""Paths run ahead in forked helpers (analyzer/ahead.py) make the report this process would make.

The explorer hands a depth's branches to helper processes, one per spare core, and takes their
runs back as if it had made them. Each test analyses a file with several value-dependent sites in
a fresh process, once with helpers and once without, and compares the whole report (the JSON
`flopcast analyze --format json` prints), and checks that helpers were started at all.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from oracle import measure
from flopcast.model import Point

REPO = Path(__file__).resolve().parent.parent
ESTIMATORS = REPO / "tests" / "realistic" / "estimators"

_SCRIPT = """
import json, sys
from flopcast.analyzer import ahead, api
from flopcast.analyzer import analyze
from flopcast.analyzer.render import to_json
from flopcast.model import Point

started = []
made = ahead.Ahead.__init__
def counted(self, *args, **kwargs):
    made(self, *args, **kwargs)
    started.append(len(self.helpers))
ahead.Ahead.__init__ = counted
api.MIN_AHEAD_SECONDS = 0.0  # small points make short runs: fork for them too
report = analyze(sys.argv[1], Point(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
print(json.dumps({"helpers": sum(started), "report": to_json(report)}))
"""


def _analyzed(path: Path, point: Point, jobs: int) -> dict:
    env = {**os.environ, "FLOPCAST_PATH_JOBS": str(jobs)}
    done = subprocess.run([sys.executable, "-c", _SCRIPT, str(path), str(point.width), str(point.depth),
                           str(point.budget)], capture_output=True, text=True, env=env, cwd=REPO, check=True)
    return json.loads(done.stdout)


needs_two_cores = pytest.mark.skipif(not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
                                     reason="helpers run only where a second core is free")


@needs_two_cores
@pytest.mark.parametrize("name, point", [
    ("rescue_ladder.py", Point(16, 2, 2**41)),  # six sites here, an interval
    ("quantile_gram.py", Point(16, 2, 2**41)),
    # (quantile_gram 32x3) until session 54: the same signature (tests/corpus_signature.py), kind and
    # number of helpers (5) as 16x2, so the same branches handed to helpers
])
def test_runs_made_ahead_make_the_report_made_here(name, point):
    alone = _analyzed(ESTIMATORS / name, point, jobs=1)
    helped = _analyzed(ESTIMATORS / name, point, jobs=2)
    assert alone["helpers"] == 0
    assert helped["helpers"] > 0, "no run was made ahead: the test proves nothing"
    assert helped["report"] == alone["report"]


@needs_two_cores
def test_a_report_made_with_helpers_holds_flopscopes_count():
    """Every path's total counts: the interval made with helpers holds the run's count."""
    point = Point(16, 2, 2**41)
    helped = _analyzed(ESTIMATORS / "rescue_ladder.py", point, jobs=2)
    total = helped["report"]["total"]
    counted = measure(ESTIMATORS / "rescue_ladder.py", point).total
    assert helped["helpers"] > 0
    assert total["lo"] <= counted <= total["hi"]


_COMMAND = """
import sys
from flopcast import cli
from flopcast.analyzer import ahead, command

started = []
made = ahead.Alongside.__init__
def counted(self, *args, **kwargs):
    made(self, *args, **kwargs)
    started.append(1)
ahead.Alongside.__init__ = counted
command._SavingsBesideFit.MIN_SECONDS = 0.0  # a small point's analysis is quick: fork for it too
cli.main(["analyze", *sys.argv[1:], "--format", "json"])
print("helpers", len(started))
"""


def _command(args: list[str], jobs: int) -> tuple[str, int]:
    env = {**os.environ, "FLOPCAST_PATH_JOBS": str(jobs)}
    done = subprocess.run([sys.executable, "-c", _COMMAND, *args], capture_output=True, text=True, env=env,
                          cwd=REPO, check=True)
    printed, _, count = done.stdout.rpartition("helpers ")
    return printed, int(count)


@needs_two_cores
def test_savings_made_beside_the_formula_fit_are_the_savings_made_after_it():
    """`analyze` makes its savings in a helper while it fits the formula: the same JSON, formula
    and savings (with their own formulas) included, as one process makes them one after the other."""
    args = [str(ESTIMATORS / "lowrank_moments.py"), "--width", "16", "--depth", "2"]
    alone, none_started = _command(args, jobs=1)
    helped, started = _command(args, jobs=2)
    assert none_started == 0
    assert started == 1, "the savings were not made beside the fit: the test proves nothing"
    assert json.loads(helped)["savings"] and json.loads(helped) == json.loads(alone)
