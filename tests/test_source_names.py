"""Every name flopcast's own code uses is defined, once: an undefined one is a NameError waiting
in a branch the tests may not reach, and on a user's file it is an internal error (random.shuffle
of a list of distinct items was one); a function defined twice in a module is dead code that
drifts from the live copy. pyflakes reads the source; nothing is run."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from pyflakes import api, messages, reporter

ROOT = Path(__file__).resolve().parents[1] / "flopcast"

#: Both tests filter one pyflakes pass over flopcast (seconds): on one worker, made once.
pytestmark = pytest.mark.xdist_group("source_names")


class _Collect(reporter.Reporter):
    def __init__(self) -> None:
        self.found: list = []

    def flake(self, message) -> None:
        self.found.append(message)

    def unexpectedError(self, filename, msg) -> None:
        self.found.append(f"{filename}: {msg}")

    def syntaxError(self, filename, msg, lineno, offset, text) -> None:
        self.found.append(f"{filename}:{lineno}: {msg}")


@cache
def _found() -> tuple:
    collect = _Collect()
    for path in sorted(ROOT.rglob("*.py")):
        api.checkPath(str(path), collect)
    return tuple(collect.found)


def test_flopcast_uses_no_undefined_name():
    undefined = [str(m) for m in _found()
                 if not isinstance(m, messages.Message) or isinstance(m, messages.UndefinedName)
                 and "noqa: F821" not in Path(m.filename).read_text().splitlines()[m.lineno - 1]]
    assert not undefined, "\n".join(undefined)


def test_no_function_is_defined_twice_in_a_module():
    twice = [str(m) for m in _found() if isinstance(m, messages.RedefinedWhileUnused)]
    assert not twice, "\n".join(twice)
