"""Runs after the first are forked by a warm zygote, and each child is still a fresh process to the estimator."""

from __future__ import annotations

import os
import threading

from flopcast.runtime.isolate import run_isolated
from flopcast.runtime.protocol import OK, RunRequest

from .helpers import fixture

PATH = fixture("tells_its_process")


def _told() -> dict[str, str]:
    result = run_isolated(RunRequest(str(PATH), 8, 1, 10**9), timeout=120)
    assert result.status == OK, result.error
    return dict(line.split(" ", 1) for line in result.stdout_tail.splitlines())


def test_runs_of_one_process_are_forked_by_one_warm_parent():
    first, second = _told(), _told()
    assert first["parent"] == second["parent"] != str(os.getpid())


def test_each_forked_run_leads_a_session_of_its_own():
    """A timeout kills the run's whole process group, and only it."""
    _told()
    assert _told()["session"] == "True"


def test_each_forked_run_draws_its_own_numpy_numbers():
    assert _told()["draw"] != _told()["draw"]


def test_a_forked_run_starts_in_the_caller_s_directory_of_the_moment(tmp_path, monkeypatch):
    _told()
    monkeypatch.chdir(tmp_path)
    told = _told()
    assert told["cwd"] == str(tmp_path)
    assert str(tmp_path) in told["path"].split(os.pathsep)  # as ``python -m`` puts it on a fresh child's path


def test_runs_at_the_same_time_each_finish():
    """The zygote serves one run at a time; another starts fresh meanwhile."""
    results = []
    threads = [threading.Thread(target=lambda: results.append(_told())) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2
    assert results[0]["parent"] != results[1]["parent"]
