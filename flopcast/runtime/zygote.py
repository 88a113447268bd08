"""A warm parent for estimator runs: it imports the run's machinery once, then forks one child per run.

A fresh child spends about a second importing before the estimator's first line: whestbench
imports HuggingFace ``datasets`` (pandas, pyarrow) at its top. A process that runs many
estimators (calibration, ``verify`` at several points, the test suite) paid that second at every
run. Forked from this process, a child starts with the imports made, and is otherwise the child
``isolate.run_isolated`` always made: a session of its own (a timeout kills its whole group),
stdin from /dev/null, stdout and stderr to the files it is given, the memory limit set by
itself after the imports, and death with its parent, which dies with flopcast.

``python -m flopcast.runtime.zygote`` reads one job a line on stdin (JSON: the child's argv, its
stdout and stderr files, its working directory and environment) and answers two lines on stdout: the child's pid
at once, then its wait status once it ended. One job at a time; it exits at end of input.
"""

from __future__ import annotations

import json
import os
import sys


#: The working directory this process started in (``python -m`` puts it first on sys.path).
_STARTED_IN = os.getcwd()


def _read_jobs():
    buffered = b""
    while True:
        chunk = os.read(0, 65536)
        if not chunk:
            return
        buffered += chunk
        while b"\n" in buffered:
            line, buffered = buffered.split(b"\n", 1)
            yield json.loads(line)


def _answer(**fields) -> None:
    os.write(1, (json.dumps(fields) + "\n").encode())


def _be_the_child(job: dict, zygote: int) -> None:
    """In the forked child: become the process ``python -m flopcast.runtime.child`` would be, and run."""
    from flopcast.runtime import child

    code = 1
    try:
        # First of all: die with the zygote, or stop now if it died since the fork (its pid taken
        # before the fork: after it, an orphan's parent is the reaper, and it would run on unseen).
        os.environ[child.PARENT_ENV] = str(zygote)
        child.die_with_parent()
        os.setsid()
        stdin = os.open(os.devnull, os.O_RDONLY)
        stdout = os.open(job["stdout"], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        stderr = os.open(job["stderr"], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(job["cwd"])
        os.environ.clear()
        os.environ.update(job["env"])
        os.environ[child.PARENT_ENV] = str(zygote)  # child.main checks it again
        if sys.path and sys.path[0] == _STARTED_IN:  # ``-m`` put the start's directory first, a fresh child its own
            sys.path[0] = job["cwd"]
        # Every fork shares the state numpy seeded from the OS at import; a fresh process draws its own.
        import numpy

        numpy.random.seed()

        sys.argv = [child.__file__, *job["argv"]]
        code = child.main(job["argv"])
    except BaseException:  # as a fresh child would: the traceback on stderr, status 1
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)  # as child.py: no interpreter shutdown, no atexit hook of the estimator


def main() -> int:
    from flopcast.runtime import child

    child.die_with_parent()
    child.import_machinery()
    # The children check that their parent lives by this pid (child.die_with_parent).
    os.environ[child.PARENT_ENV] = str(os.getpid())
    for job in _read_jobs():
        zygote = os.getpid()
        pid = os.fork()
        if pid == 0:
            _be_the_child(job, zygote)
        _answer(pid=pid)
        _, status = os.waitpid(pid, 0)
        _answer(returncode=os.waitstatus_to_exitcode(status))
    return 0


if __name__ == "__main__":
    sys.exit(main())
