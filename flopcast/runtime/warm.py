"""This process's side of the zygote (``flopcast.runtime.zygote``): start it once, hand it runs.

``isolate.run_isolated`` asks ``forked_turn()`` for the zygote; it gets it when the zygote is free
(one run at a time) and this platform forks (Linux), else None, and then spawns a fresh child
as before. A run the zygote forked is waited for, signalled and killed as a ``subprocess.Popen``
is (``ForkedRun``), so the timeout's stack dump and kill are the same code for both.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterator, Optional


class ZygoteGone(Exception):
    """The zygote ended (it failed to import, or was killed): its children died with it."""


class Zygote:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.owner = os.getpid()
        self.buffered = b""
        made: dict = {}
        started = threading.Event()

        def keep() -> None:
            # The kernel kills the zygote when the thread that made it ends (PR_SET_PDEATHSIG is
            # per thread): made from a short-lived thread (verify runs the child from a pool), it
            # would die after one run. This daemon thread lives as long as the zygote.
            try:
                made["proc"] = subprocess.Popen(
                    [sys.executable, "-m", "flopcast.runtime.zygote"],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    env=env,
                    start_new_session=True,  # Ctrl-C at a terminal stops flopcast, which ends it
                )
            except OSError as exc:
                made["error"] = exc
            started.set()
            if "proc" in made:
                made["proc"].wait()

        threading.Thread(target=keep, name="flopcast-zygote", daemon=True).start()
        started.wait()
        if "error" in made:
            raise ZygoteGone(str(made["error"]))
        self.proc: subprocess.Popen = made["proc"]

    def usable(self, env: dict[str, str]) -> bool:
        """Alive, made by this process (not inherited through a fork), and started in this
        environment up to what only a fork's ``os.environ`` reads (each child gets the caller's
        whole environment; what the imports read must be the same)."""
        return self.owner == os.getpid() and _at_start(self.env) == _at_start(env) and self.proc.poll() is None

    def start(self, argv: list[str], env: dict[str, str], stdout: str, stderr: str, *, timeout: float) -> "ForkedRun":
        job = {"argv": argv, "stdout": stdout, "stderr": stderr, "cwd": os.getcwd(), "env": env}
        try:
            self.proc.stdin.write((json.dumps(job) + "\n").encode())
            self.proc.stdin.flush()
        except OSError as exc:
            raise ZygoteGone(str(exc)) from exc
        try:
            pid = self.answer(timeout)["pid"]
        except subprocess.TimeoutExpired as exc:  # stuck before forking (its imports): not the estimator's time
            self.close()
            raise ZygoteGone("the zygote did not fork in time") from exc
        return ForkedRun(self, pid)

    def answer(self, timeout: Optional[float]) -> dict:
        """The zygote's next line; subprocess.TimeoutExpired when none comes in ``timeout`` s."""
        fd = self.proc.stdout.fileno()
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self.buffered:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                raise subprocess.TimeoutExpired("flopcast.runtime.zygote", timeout)
            chunk = os.read(fd, 65536)
            if not chunk:
                raise ZygoteGone("the zygote ended")
            self.buffered += chunk
        line, self.buffered = self.buffered.split(b"\n", 1)
        return json.loads(line)

    def close(self) -> None:
        """End the zygote: at end of its input when idle, and by a kill otherwise."""
        try:
            self.proc.stdin.close()
        except OSError:  # its end of the pipe is gone already
            pass
        self.proc.kill()


#: Variables no import reads, which change between runs of one process: pytest names the running test.
_NOT_READ_AT_START = frozenset({"PYTEST_CURRENT_TEST"})


def _at_start(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k not in _NOT_READ_AT_START}


class ForkedRun:
    """A child the zygote forked, with the part of ``subprocess.Popen`` that ``run_isolated`` uses."""

    def __init__(self, zygote: Zygote, pid: int) -> None:
        self.zygote = zygote
        self.pid = pid
        self.returncode: Optional[int] = None

    def send_signal(self, sig: int) -> None:
        if self.returncode is None:
            os.kill(self.pid, sig)

    def wait(self, timeout: Optional[float] = None) -> int:
        if self.returncode is None:
            try:
                self.returncode = self.zygote.answer(timeout)["returncode"]
            except ZygoteGone:
                self.returncode = -signal.SIGKILL  # the kernel killed the child with its zygote
        return self.returncode


_zygote: Optional[Zygote] = None
_turn = threading.Lock()


@contextmanager
def forked_turn(env: dict[str, str]) -> Iterator[Optional[Zygote]]:
    """The zygote for one run, started or restarted as needed; None when it is busy with another
    run, cannot start, or this platform does not fork safely after numpy's imports."""
    global _zygote
    if not sys.platform.startswith("linux") or not _turn.acquire(blocking=False):
        yield None
        return
    try:
        if _zygote is None or not _zygote.usable(env):
            if _zygote is not None and _zygote.owner == os.getpid():
                _zygote.close()
            try:
                _zygote = Zygote(env)
            except ZygoteGone:
                _zygote = None
        yield _zygote
    finally:
        _turn.release()
