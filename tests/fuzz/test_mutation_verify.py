"""mutation_verify.py calls a mutant bad only where flopcast's report makes a false claim."""

from __future__ import annotations

from pathlib import Path

import pytest

import mutation_verify

MIXED = Path(__file__).resolve().parents[1] / "fixtures" / "alike" / "mixed_answers.py"


@pytest.mark.parametrize("width, depth", [(8, 2), (16, 3)])
def test_a_run_mixing_the_answers_of_a_site_the_report_assumes_alike_is_no_false_claim(width, depth):
    # verify says MISMATCH (the exp no explored path runs), but the report named the site and
    # the run's total lies inside its interval: a true report, not a mutant to chase
    bad, said = mutation_verify.verdict(MIXED, width, depth, 2**41)
    assert said.startswith("MISMATCH") and not bad, said
