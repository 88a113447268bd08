"""Output formats: text (ruff's concise style), json, sarif 2.1.0 and github annotations.

sarif-schema-2.1.0.json is the official OASIS SARIF 2.1.0 schema (2.1.0-rtm.5, JSON Schema
draft-04), as shipped in the MIT-licensed npm package @microsoft/jest-sarif 1.0.0-beta.0
(lib/schemas/sarif-2.1.0-rtm.5.json); no PyPI package ships it.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from flopcast.cli import main

from .helpers import charge, report

SCHEMA = Path(__file__).parent / "sarif-schema-2.1.0.json"

SOURCE = """\
import numpy  # a forbidden import: FC201
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = fnp.ones((mlp.depth, mlp.width), dtype=fnp.float32)
        ünï = x ** 2
        return x + ünï
"""


@pytest.fixture
def output(check, capsys):
    """Run check in one format over a submission with an error and a warning."""
    def produce(fmt: str) -> tuple[int, str]:
        check.write(SOURCE)
        check.use_report(lambda p: report(p, [charge(p, 9, 4096, op="power", col=16, end_col=22)]))
        code = main(["check", str(check.tmp_path), "--width", "64", "--depth", "4",
                     "--budget", "1000000", "--format", fmt])
        return code, capsys.readouterr().out
    return produce


def test_text_lines_are_path_line_col_code_message(output):
    code, out = output("text")
    lines = out.splitlines()
    assert code == 1
    assert lines[0].endswith("estimator.py:1:1: FC201 `numpy` must not be imported: the grader has no "
                             "numpy (ModuleNotFoundError) and compute outside flopscope is prohibited; "
                             "use flopscope.numpy")
    assert "estimator.py:9:15: FC102" in lines[1]  # columns count characters, not UTF-8 bytes
    assert lines[-2] == "Found 1 error and 1 warning."
    assert lines[-1] == "[*] 1 fixable with `flopcast check --fix`."  # ruff's closing line


def test_json_is_versioned_and_lists_findings_and_the_prediction(output):
    code, out = output("json")
    doc = json.loads(out)
    assert code == 1
    assert doc["schema_version"] == "1.0"
    assert doc["summary"] == {"errors": 1, "warnings": 1}
    first = doc["findings"][0]
    assert (first["code"], first["level"], first["line"], first["column"]) == ("FC201", "error", 1, 1)
    assert doc["targets"][0]["prediction"] == {"lo": 4096, "hi": 4096, "exact": True, "lower_bound": False,
                                                  "presumes_no_raise": []}
    assert doc["targets"][0]["point"] == {"width": 64, "depth": 4, "budget": 1000000, "round": None}


def test_sarif_validates_against_the_sarif_2_1_0_schema(output):
    _, out = output("sarif")
    doc = json.loads(out)
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft4Validator(schema).validate(doc)
    run = doc["runs"][0]
    assert doc["version"] == "2.1.0"
    assert [r["ruleId"] for r in run["results"]] == ["FC201", "FC102"]
    assert [r["level"] for r in run["results"]] == ["error", "warning"]
    rules = run["tool"]["driver"]["rules"]
    assert rules[run["results"][0]["ruleIndex"]]["id"] == "FC201"
    region = run["results"][1]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (9, 15, 21)


def test_sarif_with_no_findings_still_validates(check, capsys):
    check.write("import math\n")
    main(["check", str(check.tmp_path), "--select", "FC201", "--format", "sarif"])
    doc = json.loads(capsys.readouterr().out)
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text())).validate(doc)
    assert doc["runs"][0]["results"] == []


def test_github_format_emits_workflow_annotations(output):
    _, out = output("github")
    lines = out.splitlines()
    assert lines[0].startswith("::error file=")
    assert ",line=1,col=1,endLine=1,endColumn=13,title=FC201 forbidden-import::`numpy` must not" in lines[0]
    assert lines[1].startswith("::warning file=")


def test_github_format_escapes_newlines_and_percent_signs():
    from flopcast.check.output.github import _data, _property

    assert _data("50%\nmore") == "50%25%0Amore"
    assert _property("a:b,c") == "a%3Ab%2Cc"
