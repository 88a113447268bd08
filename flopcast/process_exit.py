"""Ending a one-shot `flopcast` process without tearing down what it built.

A Python process that returns from its script frees every object it still holds, one by one,
before it exits. A whole `flopcast analyze` holds millions (the charges of every analysis it
made, their values, the call records kept across analyses), and freeing them was 5–25% of the
command's CPU time (0.2–0.45 s of 1.3–4 s in the slowest corpus files), spent after its last
line was printed. The operating system takes the memory back at once, so the process ends as
``os._exit`` ends it, after doing what an exit does that anyone sees: the ``atexit`` callbacks
(``dataclass_code`` writes the compiled methods for the next process there) and the flush of
the standard streams. Only for the command-line process: a caller of ``cli.main`` in its own
process (the tests, a script) goes on as before.
"""

from __future__ import annotations

import atexit
import os
import sys
from typing import NoReturn


def exit_now(code: int) -> NoReturn:
    """Exit with ``code`` as a normal exit would be seen, skipping the freeing of objects."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):
            pass  # the reader left (`flopcast analyze ... | head`), or the stream was closed
    os._exit(code)
