"""Every rule is documented, and the pre-commit hook is declared as documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from flopcast.check.rules import ALL_RULES

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_each_rule_has_a_page_with_what_why_example_and_fix(rule):
    page = (ROOT / "docs" / "rules" / f"{rule.code}.md").read_text()
    assert page.startswith(f"# {rule.code} {rule.name}")
    for heading in ("## What it flags", "## Why", "## Example", "## Fix"):
        assert heading in page


def test_the_rule_index_lists_every_rule_once():
    index = (ROOT / "docs" / "rules" / "README.md").read_text()
    for rule in ALL_RULES:
        assert index.count(f"[{rule.code}]({rule.code}.md)") == 1


def test_codes_are_unique_and_well_formed():
    codes = [r.code for r in ALL_RULES]
    assert len(codes) == len(set(codes))
    assert all(len(c) == 5 and c.startswith("FC") and c[2:].isdigit() for c in codes)


def test_the_pre_commit_hook_checks_the_folder_with_flopcast_check():
    import yaml
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "flopcast-check")
    assert hook["entry"] == "flopcast check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert hook["files"] == r"\.py$"
