"""Whatever the estimator does in its child process, verify reports it and keeps running."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flopcast.runtime.isolate import run_isolated
from flopcast.runtime.protocol import (
    BUDGET_EXHAUSTED,
    CRASH,
    EXCEPTION,
    LOAD_ERROR,
    OK,
    SCORER_ERROR,
    TIMEOUT,
    RunRequest,
)

from .helpers import ast_spans, fixture, line_of


def _run(path, *, width=32, depth=2, budget=10**12, timeout=60.0, memory_mib=4096):
    return run_isolated(RunRequest(str(path), width, depth, budget, memory_mib=memory_mib), timeout=timeout)


def test_a_clean_run_in_the_child_returns_the_attributed_charges():
    result = _run(fixture("multi_op_line"))
    assert result.status == OK
    assert result.flops_used == sum(c.flops for c in result.charges) > 0


def test_an_exception_in_predict_is_reported_with_type_message_and_the_raising_line():
    path = fixture("raises")
    result = _run(path)
    assert result.status == EXCEPTION
    assert result.error.type == "ValueError"
    assert result.error.message == "layer scale went negative"
    assert result.error.span.line == line_of(path, "raise ValueError")
    assert result.error.function == "check"
    assert "check(x)" in result.error.traceback  # the user's calling line is in the traceback


def test_a_predict_that_never_returns_is_stopped_at_the_timeout_and_located():
    path = fixture("loops")
    # Long enough for the child's own imports on a busy machine: the span needs predict running.
    result = _run(path, timeout=8.0)
    assert result.status == TIMEOUT
    assert "did not finish within 8 s" in result.error.message
    assert result.error.span.path == str(path)
    assert result.error.span.line in {line_of(path, "while True"), line_of(path, "n += 1"), line_of(path, "time.sleep")}


def test_a_child_that_kills_itself_is_reported_as_a_crash_by_sigkill():
    result = _run(fixture("killed"))
    assert result.status == CRASH
    assert result.error.type == "SIGKILL"
    assert "SIGKILL" in result.error.message


def test_running_over_the_budget_reports_the_op_and_the_expression_that_would_exceed():
    path = fixture("over_budget")
    result = _run(path, budget=1_000_000)
    assert result.status == BUDGET_EXHAUSTED
    assert result.error.op == "matmul"
    assert result.error.flop_cost > result.error.flops_remaining
    line = line_of(path, "x @ w")
    matmul = [s for s in ast_spans(path, line, ast.BinOp)]
    assert [result.error.span] == matmul


def test_an_allocation_over_the_memory_limit_is_reported_as_a_memory_error():
    result = _run(fixture("memory_hog"), memory_mib=2048)
    assert result.status == EXCEPTION
    assert "MemoryError" in result.error.type
    assert result.error.span.line == line_of(fixture("memory_hog"), "1 << 32")


def test_an_estimator_that_does_not_import_is_a_load_error_at_the_syntax_error(tmp_path):
    (tmp_path / "estimator.py").write_text("def predict(:\n")
    result = _run(tmp_path / "estimator.py")
    assert result.status == LOAD_ERROR
    assert result.error.type == "SyntaxError"
    assert (result.error.span.path, result.error.span.line) == (str((tmp_path / "estimator.py").resolve()), 1)


def test_a_result_of_the_wrong_shape_is_reported_as_whestbench_rejecting_it(tmp_path):
    (tmp_path / "estimator.py").write_text(
        "import flopscope.numpy as fnp\n"
        "from whestbench import BaseEstimator\n"
        "class Estimator(BaseEstimator):\n"
        "    def predict(self, mlp, budget):\n"
        "        return fnp.zeros((mlp.width, mlp.depth + 1))\n"
    )
    result = _run(tmp_path / "estimator.py")
    assert result.status == SCORER_ERROR
    assert "shape" in result.error.message.lower()


def test_a_segfault_is_reported_as_a_crash_at_the_line_faulthandler_saw():
    path = fixture("segfault")
    result = _run(path)
    assert result.status == CRASH
    assert result.error.type == "SIGSEGV"
    assert (result.error.span.path, result.error.span.line) == (str(path), line_of(path, "string_at(0)"))


def _flopcast_processes_under(pid: int) -> list[int]:
    """The flopcast processes below ``pid`` (read from /proc): a fresh child
    (``python -m flopcast.runtime.child``), or the zygote and the children it forked."""
    parents, cmdlines = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdlines[int(entry.name)] = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [pid]
    while frontier:
        below = [p for p, parent in parents.items() if parent in frontier]
        found += [p for p in below if b"flopcast.runtime" in cmdlines[p]]
        frontier = below
    return found


def _estimator_started(processes: list[int]) -> bool:
    """A fresh child, or a child forked by the zygote (a zygote's cmdline below a zygote), is there."""
    lines = [_cmdline(p) for p in processes]
    return any(b"flopcast.runtime.child" in line for line in lines) or \
        sum(b"flopcast.runtime.zygote" in line for line in lines) >= 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_child_dies_with_its_parent(tmp_path):
    """A verify killed from outside (Ctrl-C, a CI timeout) leaves no estimator running on."""
    # (the killed parent cannot remove its request folder: it is made in pytest's)
    parent = subprocess.Popen([sys.executable, "-c", (
        "from flopcast.runtime.isolate import run_isolated\n"
        "from flopcast.runtime.protocol import RunRequest\n"
        f"run_isolated(RunRequest({str(fixture('loops'))!r}, 32, 2, 10**12), timeout=600)\n")],
        env={**os.environ, "TMPDIR": str(tmp_path)})
    try:
        deadline = time.monotonic() + 120
        while not _estimator_started(processes := _flopcast_processes_under(parent.pid)):
            assert time.monotonic() < deadline, "the child never started"
            time.sleep(0.2)
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 30
    try:
        while alive := [p for p in processes if b"flopcast.runtime" in _cmdline(p)]:
            assert time.monotonic() < deadline, f"{len(alive)} of the run's processes outlived their parent"
            time.sleep(0.2)
    finally:
        for p in processes:
            if b"flopcast.runtime" in _cmdline(p):
                os.kill(p, signal.SIGKILL)


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def test_a_run_leaves_no_bytecode_cache_in_the_submission_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    (tmp_path / "helpers.py").write_text("def double(x):\n    return x + x\n")
    (tmp_path / "estimator.py").write_text(
        "import flopscope.numpy as fnp\n"
        "from whestbench import BaseEstimator\n"
        "from helpers import double\n\n\n"
        "class Estimator(BaseEstimator):\n"
        "    def predict(self, mlp, budget):\n"
        "        return double(fnp.zeros((mlp.depth, mlp.width)))\n"
    )
    result = _run(tmp_path / "estimator.py", width=8, depth=1)
    assert result.status == OK
    assert sorted(p.name for p in tmp_path.iterdir()) == ["estimator.py", "helpers.py"]
