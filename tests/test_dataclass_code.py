"""The command line keeps the code of generated dataclass methods between processes
(flopcast/dataclass_code.py): a second process compiles none of it, and what it builds
behaves as Python's own dataclasses do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# Counts the dataclass methods compiled from text, then builds one dataclass of each kind
# the analyzer uses (frozen and ordered, plain with defaults) and reports how they behave.
PROBE = r"""
import builtins, json
compiled = [0]
real_compile = builtins.compile
def counting(source, *args, **kwargs):
    if isinstance(source, str) and source.startswith("def __create_fn__"):
        compiled[0] += 1
    return real_compile(source, *args, **kwargs)
builtins.compile = counting
import flopcast.cli  # installs the kept code, then defines flopcast's own dataclasses
import flopcast.analyzer.api, flopcast.check.engine
from dataclasses import dataclass, field, FrozenInstanceError

@dataclass(frozen=True, order=True)
class Span:
    line: int
    col: int = 0

@dataclass
class Box:
    items: list = field(default_factory=list)
    name: str = "box"

a, b = Span(3, 1), Span(3, 2)
try:
    a.line = 4
    frozen = False
except FrozenInstanceError:
    frozen = True
print(json.dumps({
    "compiled": compiled[0],
    "behaviour": [a < b, a == Span(3, 1), hash(a) == hash(Span(3, 1)), frozen, repr(a),
                  Box().items is not Box().items, repr(Box([1]))],
}))
"""

EXPECTED_BEHAVIOUR = [True, True, True, True, "Span(line=3, col=1)", True, "Box(items=[1], name='box')"]


def probe(cache: Path) -> dict:
    env = {**os.environ, "FLOPCAST_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout)


def kept_file(cache: Path) -> Path:
    (found,) = cache.glob("dataclass-code-*.marshal")
    return found


def test_a_second_process_compiles_no_dataclass_method(tmp_path: Path) -> None:
    first = probe(tmp_path)
    second = probe(tmp_path)
    assert first["compiled"] > 100  # flopcast's own dataclasses, compiled once and kept
    assert second["compiled"] == 0


def test_dataclasses_built_from_kept_code_behave_as_pythons(tmp_path: Path) -> None:
    probe(tmp_path)
    assert probe(tmp_path)["behaviour"] == EXPECTED_BEHAVIOUR


def test_an_unreadable_kept_file_is_compiled_again_and_replaced(tmp_path: Path) -> None:
    probe(tmp_path)
    kept_file(tmp_path).write_bytes(b"not marshal data")
    again = probe(tmp_path)
    assert again["compiled"] > 100 and again["behaviour"] == EXPECTED_BEHAVIOUR
    assert probe(tmp_path)["compiled"] == 0


def test_a_command_process_keeps_the_code_though_it_skips_freeing_its_objects(tmp_path: Path) -> None:
    # A one-shot command ends with os._exit (process_exit.py): its atexit callbacks, where the
    # compiled methods are written, must still run, and its output and exit code be whole.
    sample = Path(__file__).resolve().parent.parent / "samples" / "float64_return.py"
    env = {**os.environ, "FLOPCAST_CACHE_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "flopcast", "analyze", str(sample), "--width", "16", "--depth", "2",
                           "--format", "json"], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total_flops"] > 0
    assert kept_file(tmp_path).stat().st_size > 0
    # the command's process compiled flopcast's own methods and kept them
    assert probe(tmp_path)["compiled"] < probe(tmp_path / "none kept")["compiled"] - 100
