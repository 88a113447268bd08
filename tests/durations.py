"""Where the test suite's time goes: a `pytest --durations=0` log summed per module and per test
function (setup, call and teardown together; a parametrized test's cases as one function).

    .venv/bin/python -m pytest -n 2 --dist loadgroup -q --durations=0 > run.txt
    .venv/bin/python tests/durations.py run.txt [--top 40]

Under xdist each worker's seconds are listed, so the sum is the workers' time together: a 2-core
run takes about half of it, when both workers stay busy to the end.
"""

from __future__ import annotations

import argparse
import re
from collections import defaultdict
from pathlib import Path

#: "12.34s call     tests/x.py::test_y[case]@group"
_LINE = re.compile(r"\s*([\d.]+)s (setup|call|teardown)\s+(\S.*)$")


def summed(lines) -> tuple[dict, dict, dict]:
    """Seconds per module, seconds per test function, and tests run per module."""
    modules: dict = defaultdict(float)
    functions: dict = defaultdict(float)
    tests: dict = defaultdict(int)
    for line in lines:
        found = _LINE.match(line)
        if not found:
            continue
        seconds, phase, node = float(found.group(1)), found.group(2), found.group(3).strip()
        module, _, rest = node.partition("::")
        function = module + "::" + re.split(r"[@\[]", rest)[0]
        modules[module] += seconds
        functions[function] += seconds
        tests[module] += phase == "call"
    return modules, functions, tests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=Path)
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    modules, functions, tests = summed(args.log.read_text(errors="replace").splitlines())
    total = sum(modules.values()) or 1.0
    print(f"{total:,.0f} s in {sum(tests.values()):,} tests\n\nseconds  share  tests  module")
    for module, seconds in sorted(modules.items(), key=lambda kv: -kv[1])[:args.top]:
        print(f"{seconds:7.1f} {100 * seconds / total:5.1f}% {tests[module]:6d}  {module}")
    print("\nseconds  test function")
    for function, seconds in sorted(functions.items(), key=lambda kv: -kv[1])[:args.top]:
        print(f"{seconds:7.1f}  {function}")


if __name__ == "__main__":
    main()
