"""Run the estimator in a child process with a wall-time and a memory limit.

Whatever the estimator does (raise, loop forever, segfault, ``os._exit``,
``os.kill(os.getpid(), 9)``, exhaust memory) the parent gets a
:class:`RunResult` back and flopcast itself keeps running.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional

import flopcast
from flopcast.model import Span
from flopcast.runtime.protocol import CRASH, TIMEOUT, RunError, RunRequest, RunResult, request_to_json, result_from_json
from flopcast.runtime.warm import ForkedRun, Zygote, ZygoteGone, forked_turn

#: How long a timed-out child gets to print its stack before it is killed.
_DUMP_GRACE_S = 1.0
_TAIL_CHARS = 4000


def run_isolated(request: RunRequest, *, timeout: float) -> RunResult:
    """Run ``request`` in a child process as ``python -m flopcast.runtime.child`` runs it, forked by
    the warm zygote when it is free (runtime/warm.py); never raises for the child's sake."""
    with tempfile.TemporaryDirectory(prefix="flopcast-verify-") as tmp:
        tmpdir = Path(tmp)
        request_file = tmpdir / "request.json"
        result_file = tmpdir / "result.json"
        request_file.write_text(request_to_json(request))
        argv = [str(request_file), str(result_file)]
        env = child_env()
        with open(tmpdir / "stdout", "w+b") as out, open(tmpdir / "stderr", "w+b") as err, forked_turn(env) as zygote:
            proc = _forked(zygote, argv, env, out.name, err.name, timeout)
            if proc is None:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "flopcast.runtime.child", *argv],
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=err,
                    env=env,
                    # Own process group: on timeout the estimator's own subprocesses go too.
                    start_new_session=True,
                )
            timed_out = False
            try:
                returncode = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                returncode = _stop(proc)
            stdout_tail = _tail(out)
            stderr_tail = _tail(err)

        if result_file.exists() and not timed_out:
            try:
                result = result_from_json(result_file.read_text())
            except (ValueError, KeyError, TypeError) as exc:
                return _failure(CRASH, "BadResult", f"the child wrote an unreadable result ({exc})", stdout_tail, stderr_tail, request)
            result.stdout_tail, result.stderr_tail = stdout_tail, stderr_tail
            return result

    if timed_out:
        return _failure(
            TIMEOUT,
            "Timeout",
            f"the estimator did not finish within {timeout:g} s (--timeout; the limit covers loading the "
            "estimator, setup() and predict(), and ~1 s of imports when the child starts fresh)",
            stdout_tail,
            stderr_tail,
            request,
        )
    if returncode < 0:
        name = _signal_name(-returncode)
        hint = {
            "SIGKILL": "killed from outside or by the kernel's out-of-memory killer, or the code called "
            "os.kill(..., 9); SIGKILL leaves no Python stack to show where",
            "SIGSEGV": "a segmentation fault in native code",
            "SIGABRT": "native code aborted",
            "SIGBUS": "a bus error in native code",
        }.get(name, "terminated by a signal")
        return _failure(CRASH, name, f"the estimator process died from {name} ({hint})", stdout_tail, stderr_tail, request)
    return _failure(
        CRASH,
        "Exit",
        f"the estimator process exited with status {returncode} before reporting a result "
        "(os._exit() in the estimator, or a flopcast bug: see the child's stderr below)",
        stdout_tail,
        stderr_tail,
        request,
    )


def _forked(zygote: Optional[Zygote], argv: list[str], env: dict[str, str], stdout: str, stderr: str,
            timeout: float) -> Optional[ForkedRun]:
    """The child forked by the warm zygote (imports made), or None to spawn it fresh."""
    if zygote is None:
        return None
    try:
        return zygote.start(argv, env, stdout, stderr, timeout=timeout)
    except ZygoteGone:
        return None


def child_env() -> dict[str, str]:
    """The environment a fresh child runs in: the caller's, with this flopcast importable even when it
    is not installed (a source checkout), and the pid the child stops with (bench/isolated_runs.py
    times a fresh child against a forked one with it)."""
    env = dict(os.environ)
    root = str(Path(flopcast.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    from flopcast.runtime.child import PARENT_ENV

    env[PARENT_ENV] = str(os.getpid())  # the child stops at once if this process is gone (child.py)
    return env


def _stop(proc) -> int:
    """Ask a timed-out child where it is, then kill its process group."""
    from flopcast.runtime.child import DUMP_SIGNAL

    try:
        if DUMP_SIGNAL is not None:
            proc.send_signal(DUMP_SIGNAL)
            try:
                return proc.wait(timeout=_DUMP_GRACE_S)  # handled by faulthandler; it will not exit
            except subprocess.TimeoutExpired:
                pass
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # it ended on its own in the meantime
    return proc.wait()


def _tail(f) -> str:
    f.flush()
    f.seek(0, os.SEEK_END)
    size = f.tell()
    f.seek(max(0, size - _TAIL_CHARS))
    return f.read().decode("utf-8", "replace")


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


# faulthandler's frame lines: `  File "/path/estimator.py", line 12 in predict`
_FRAME_LINE = re.compile(r'^\s*File "(?P<path>[^"]+)", line (?P<line>\d+) in (?P<func>\S+)', re.MULTILINE)


def stack_position(stderr: str, submission_dir: str) -> Optional[tuple[Span, str]]:
    """Where the last faulthandler dump in ``stderr`` shows the user's code (innermost frame)."""
    root = str(Path(submission_dir).resolve()).rstrip(os.sep) + os.sep
    # faulthandler prints the most recent call first; use the last dump in the text.
    dumps = re.split(r"^(?:Current thread|Thread|Stack \(most recent call first\)|Fatal Python error)", stderr, flags=re.MULTILINE)
    for dump in reversed(dumps):
        for m in _FRAME_LINE.finditer(dump):
            path = m.group("path")
            if str(Path(path).resolve()).startswith(root):
                line = int(m.group("line"))
                return Span(str(Path(path).resolve()), line, 0, line, 0), m.group("func")
        if _FRAME_LINE.search(dump):
            return None
    return None


def _failure(status: str, kind: str, message: str, stdout_tail: str, stderr_tail: str, request: RunRequest) -> RunResult:
    where = stack_position(stderr_tail, str(Path(request.estimator_path).parent))
    span, function = where if where else (None, "")
    return RunResult(
        status,
        error=RunError(type=kind, message=message, span=span, function=function),
        stdout_tail=stdout_tail,
        stderr_tail=stderr_tail,
    )
