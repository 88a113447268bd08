"""Paths run ahead in forked processes, while this process runs others.

The explorer (paths.py) runs the branches of one depth of the path tree in an order fixed before
the first of them runs: the branches one flip deeper that each run opens sort after all of them.
So the branches of a depth can be handed out at once: this process forks one helper per spare
core, each helper interprets every n-th branch and sends back, per branch, the run's result and
the state its decisions were left in; this process runs the rest and takes the helpers' results
in turn, as if it had made those runs itself. The interpreter is deterministic, so a result made
in a helper is the result this process would have made. What a helper's run records for later
runs (calls shared between runs, futile keys) stays in the helper: those only save time.

A result's syntax nodes are sent as their identities (the helper is a fork: a node that existed
when it forked is the same object here), so keys, spans and node sets compare as the runs made
here do. A run that a helper could not send (an object that does not pickle, a run that raised)
is made again here.

Helpers are made only where forking is safe and worth it: a POSIX process with one thread (not
the language server's) that is not itself a worker of a process pool (`flopcast check --jobs`),
with more than one core to use. ``FLOPCAST_PATH_JOBS=1`` turns them off.
"""

from __future__ import annotations

import ast
import gc
import io
import os
import pickle
import struct
import sys
from typing import Callable, Optional

#: Environment variable: the most processes (this one included) to run a depth's paths in.
JOBS_VARIABLE = "FLOPCAST_PATH_JOBS"


def jobs() -> int:
    """How many processes may run paths at once here: 1 where forking is unsafe or pointless."""
    if not hasattr(os, "fork") or not hasattr(os, "sched_getaffinity"):
        return 1
    wanted = os.environ.get(JOBS_VARIABLE)
    cores = len(os.sched_getaffinity(0))
    limit = int(wanted) if wanted and wanted.isdigit() else cores
    if min(limit, cores) < 2:
        return 1
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return 1  # a fork copies one thread: locks another holds stay held in the helper
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is not None and multiprocessing.parent_process() is not None:
        return 1  # a pool's worker: its siblings already use the cores
    return min(limit, cores)


class _Pickler(pickle.Pickler):
    def __init__(self, file, nodes: dict) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.nodes = nodes

    def persistent_id(self, obj):
        if isinstance(obj, ast.AST) and self.nodes.get(id(obj)) is obj:
            return id(obj)
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, nodes: dict) -> None:
        super().__init__(file)
        self.nodes = nodes

    def persistent_load(self, pid):
        return self.nodes[pid]


def _nodes(trees) -> dict:
    return {id(node): node for tree in trees for node in ast.walk(tree)}


class Ahead:
    """The runs of one depth's branches made by forked helpers, taken back by their keys."""

    def __init__(self, trees, keys: list, make: Callable[[int], tuple], workers: int) -> None:
        """``keys[i]`` identifies the i-th run; ``make(i)`` makes it and returns (result, state).
        Helper h of ``workers - 1`` makes runs h, h + workers, ...; index 0 mod ``workers`` is
        left to this process."""
        self.nodes = _nodes(trees)
        self.waiting: dict = {}  # key -> the index of the helper making it (in self.helpers)
        self.got: dict = {}  # key -> (result, state), or None when the helper could not send it
        self.helpers: list = []  # [pid, read end, keys still to read in order]
        for h in range(1, workers):
            mine = [i for i in range(h, len(keys), workers)]
            if not mine:
                break
            try:
                read, write = os.pipe()
            except OSError:
                break  # no helper: this process makes the runs
            try:
                pid = os.fork()
            except OSError:
                os.close(read)
                os.close(write)
                break
            if pid == 0:  # the helper
                os.close(read)
                _serve(write, mine, make, self.nodes)
            os.close(write)
            self.helpers.append([pid, os.fdopen(read, "rb"), [keys[i] for i in mine]])
            for i in mine:
                self.waiting[keys[i]] = len(self.helpers) - 1

    def take(self, key) -> Optional[tuple]:
        """(result, state) of the run keyed ``key`` a helper made; None if none made it (or could)."""
        if key in self.got:
            return self.got.pop(key)
        h = self.waiting.pop(key, None)
        if h is None:
            return None
        pid, stream, order = self.helpers[h]
        while order:
            next_key = order.pop(0)
            made = self._read(stream)
            if next_key == key:
                return made
            self.got[next_key] = made
        return None

    def _read(self, stream) -> Optional[tuple]:
        return _read(stream, self.nodes)

    def close(self) -> None:
        """Stop the helpers (those still running make runs nobody will take) and reap them."""
        for pid, stream, _ in self.helpers:
            stream.close()
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
        self.helpers.clear()


class Alongside:
    """One computation made in a forked helper while this process makes another (`analyze`'s
    savings beside its formula fit): ``result()`` is what the helper made, or None when it could
    not send it (the caller then makes it itself). The helper runs its paths on one core: this
    process uses the other. OSError when no process can be made."""

    def __init__(self, trees, compute: Callable[[], object]) -> None:
        self.nodes = _nodes(trees)
        read, write = os.pipe()
        try:
            self.pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            raise
        if self.pid == 0:
            os.close(read)
            os.environ[JOBS_VARIABLE] = "1"
            _serve(write, [0], lambda _: compute(), self.nodes)
        os.close(write)
        self.stream = os.fdopen(read, "rb")

    def result(self) -> Optional[object]:
        try:
            return _read(self.stream, self.nodes)
        finally:
            self.stream.close()
            os.waitpid(self.pid, 0)


def _read(stream, nodes: dict) -> Optional[object]:
    """The next object a helper sent on ``stream``; None when it sent none (or an empty one)."""
    head = stream.read(4)
    if len(head) < 4:
        return None
    size, = struct.unpack("<I", head)
    if size == 0:
        return None
    body = stream.read(size)
    try:
        return _Unpickler(io.BytesIO(body), nodes).load()
    except Exception:
        return None


def _serve(write: int, mine: list, make: Callable[[int], tuple], nodes: dict) -> None:
    """The helper's whole life: make its runs, send each, and leave without running any exit code
    of this process (its atexit callbacks, its buffered output belong to the parent)."""
    code = 0
    try:
        gc.disable()
        # What the helper's code prints is this process's to print, when it makes the same again.
        sys.stdout = sys.stderr = open(os.devnull, "w")
        with os.fdopen(write, "wb") as out:
            for i in mine:
                try:
                    made = make(i)
                    buffer = io.BytesIO()
                    _Pickler(buffer, nodes).dump(made)
                    body = buffer.getvalue()
                except Exception:
                    body = b""
                out.write(struct.pack("<I", len(body)) + body)
                out.flush()
    except BaseException:
        code = 1
    finally:
        os._exit(code)
