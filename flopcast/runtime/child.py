"""Child-process entry: ``python -m flopcast.runtime.child REQUEST.json RESULT.json``.

Runs one estimator at one point under the attributing meter and writes a
:class:`~flopcast.runtime.protocol.RunResult` as JSON. The parent owns the
wall-time limit (and the child dies with it); the child applies the memory limit to itself, after its own
imports and before the participant's code is loaded (as whestbench's
subprocess worker does), so the limit measures the estimator, not flopcast.
"""

from __future__ import annotations

import faulthandler
import importlib
import os
import signal
import sys
from pathlib import Path

#: The parent sends this before killing a child that ran out of time, so the
#: child prints where it was stuck (faulthandler writes from the signal handler,
#: which works even while the child is inside BLAS).
DUMP_SIGNAL = getattr(signal, "SIGUSR1", None)


def _limit_memory(mib: int) -> None:
    try:
        import resource
    except ImportError:  # not on this platform: the limit is advisory, say so
        print("flopcast: RLIMIT_AS is not available here; --memory is not enforced", file=sys.stderr)
        return
    limit = int(mib) * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError) as exc:
        print(f"flopcast: could not limit memory to {mib} MiB: {exc}", file=sys.stderr)


#: The parent's pid, handed down in the environment so the child can tell it was orphaned.
PARENT_ENV = "FLOPCAST_VERIFY_PARENT"


def die_with_parent() -> None:
    """Ask the kernel to kill this child when its parent dies: the parent owns the time limit,
    so an orphan (the parent killed, or stopped with Ctrl-C) would run the estimator forever."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    parent = os.environ.get(PARENT_ENV)
    if parent and str(os.getppid()) != parent:  # the parent died before the request took effect
        os._exit(1)


#: What every run imports before the estimator's code (made once by a zygote, for all its children).
MACHINERY = ("flopscope.numpy", "whestbench.generation", "whestbench.loader", "whestbench.scoring",
             "flopcast.runtime.counter", "flopcast.runtime.protocol")


def import_machinery() -> None:
    for name in MACHINERY:
        importlib.import_module(name)


def main(argv: list[str]) -> int:
    die_with_parent()
    request_path, result_path = argv
    # A segfault in numpy or the participant's code still leaves a Python stack on stderr.
    faulthandler.enable()
    if DUMP_SIGNAL is not None:
        faulthandler.register(DUMP_SIGNAL, all_threads=False)

    from flopcast.runtime.protocol import request_from_json, result_to_json

    request = request_from_json(Path(request_path).read_text())

    # Import the machinery before limiting memory: its own footprint is not the estimator's.
    import_machinery()
    from flopcast.runtime.counter import run_in_process

    recorder = None
    if request.watch:
        from flopcast.runtime.observe import WatchSite, install

        sites = [WatchSite(**w) for w in request.watch]
        recorder = install(sites, Path(request.estimator_path).resolve().parent)

    if request.memory_mib:
        _limit_memory(request.memory_mib)

    # A check must leave the submission folder as it found it: no __pycache__ beside the
    # participant's files (and none to go stale when a file is edited again within a second).
    sys.dont_write_bytecode = True
    result = run_in_process(request)
    if recorder is not None:
        result.observations = recorder.outcomes

    tmp = Path(result_path + ".tmp")
    tmp.write_text(result_to_json(result))
    tmp.replace(result_path)  # atomic: the parent sees the whole result or none
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter shutdown: a thread or atexit hook the estimator left behind
    # must not keep the child alive (and turn a finished run into a timeout).
    os._exit(code)
