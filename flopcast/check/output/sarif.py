"""SARIF 2.1.0, for GitHub code scanning (`github/codeql-action/upload-sarif`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from flopcast.check.output.common import Results
from flopcast.check.output.json_format import calibrated

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _uri(path: str) -> dict:
    p = Path(path)
    if p.is_absolute():
        return {"uri": p.as_uri()}
    return {"uri": p.as_posix(), "uriBaseId": "%SRCROOT%"}


def document(results: Results) -> dict:
    from flopcast import __version__
    from flopcast.check.rules import ALL_RULES

    rules = [{
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "help": {"text": f"See {r.doc_path()} in the flopcast repository."},
        "defaultConfiguration": {"level": r.level.value},
        "properties": {"tags": ["flopcast"]},
    } for r in ALL_RULES]
    index = {r.code: i for i, r in enumerate(ALL_RULES)}
    sarif_results = []
    for x in results.located():
        f = x.finding
        extra = {"properties": dict(f.properties)} if f.properties else {}
        sarif_results.append({
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": f.level.value,
            "message": {"text": f.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": _uri(f.path),
                    "region": {"startLine": x.line, "startColumn": x.col,
                               "endLine": x.end_line, "endColumn": x.end_col},
                },
            }],
            **extra,
        })
    predictions = [{
        "path": t.submission.given,
        "width": t.point.width, "depth": t.point.depth, "budget": t.point.budget,
        "round": t.point.tag,
        "lo": t.report.total.lo if t.report else None,
        "hi": t.report.total.hi if t.report else None,
        **(calibrated(t.report) if t.report else {}),
    } for t in results.targets]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "flopcast",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path(os.getcwd()).as_uri() + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": sarif_results,
            "invocations": [{"executionSuccessful": not any(t.analysis_error for t in results.targets)}],
            "properties": {"predictions": predictions},
        }],
    }


def render(results: Results) -> str:
    return json.dumps(document(results), indent=2) + "\n"
