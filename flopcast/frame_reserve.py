"""A command's Python frames kept in one large block of memory (CPython 3.11's frame chunks).

CPython 3.11 keeps the frames of Python calls in chunks of 16 KiB, mapped (``mmap``) when a
call needs a new one and unmapped when the call at the chunk's base returns. The analysis is a
recursive interpreter: a hot loop whose calls cross a chunk's end maps and unmaps a chunk at
every crossing (about 12 µs each with the page faults: 9,700 crossings, ~0.1 CPU s, in one
whole `flopcast analyze` of qr_active at 1024×16; where the boundary falls depends on the depth
of the whole stack, so it moved with any change of the code).

A chunk is made large enough for the frame that needs it (its size doubled from 16 KiB until
the frame fits). ``run`` calls the command from a function whose code claims a value stack of
about 1 MiB it never uses: its frame gets a chunk of 2 MiB of its own, and every frame of the
command is then pushed in the ~1 MiB left after it, thousands of frames deep, so no chunk is
mapped or unmapped while the command runs (the pages are touched only as deep as the frames
go). Only where memory comes from changes, never what is computed.
"""

from __future__ import annotations

import sys
from typing import Callable, TypeVar

T = TypeVar("T")

#: Slots (pointers) of the value stack the reserving frame claims: its frame then needs a little
#: more than 1 MiB (with CPython's minimum overhead of 1,000 slots), so its chunk is 2 MiB.
_SLOTS = (1 << 20) // 8


def _call(fn: Callable[[], T]) -> T:
    return fn()


if sys.implementation.name == "cpython" and sys.version_info >= (3, 11):
    _call.__code__ = _call.__code__.replace(co_stacksize=_SLOTS)


def run(fn: Callable[[], T]) -> T:
    """``fn()``, its frames in one block (see the module's docstring)."""
    return _call(fn)
