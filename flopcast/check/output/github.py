"""GitHub Actions workflow commands: one `::error`/`::warning` annotation per finding."""

from __future__ import annotations

from flopcast.check.output.common import Results


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(results: Results) -> str:
    from flopcast.check.rules import BY_CODE

    out = []
    for x in results.located():
        f = x.finding
        rule = BY_CODE.get(f.code)
        title = f"{f.code} {rule.name}" if rule else f.code
        out.append(
            f"::{f.level.value} file={_property(f.path)},line={x.line},col={x.col},"
            f"endLine={x.end_line},endColumn={x.end_col},title={_property(title)}::{_data(f.message)}"
        )
    return "".join(line + "\n" for line in out)
