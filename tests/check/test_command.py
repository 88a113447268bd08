"""The `flopcast check` command: exit codes, selection, noqa, configuration.

Commands run in-process through `flopcast.cli.main` with the analyzer replaced
by a stand-in (see helpers.Checker.use_report); one test runs the real console
entry point in a subprocess.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap


from flopcast.cli import main

from .helpers import charge, report

ESTIMATOR = """\
import flopscope.numpy as fnp
from whestbench import BaseEstimator


class Estimator(BaseEstimator):
    def predict(self, mlp, budget):
        x = fnp.ones((mlp.depth, mlp.width), dtype=fnp.float32)
        y = x @ x.T
        return x * y[0, 0]
"""

POINT_ARGS = ["--width", "64", "--depth", "4", "--budget", "1000000"]


def run(check, capsys, *args, flops=10, source=ESTIMATOR):
    """Write estimator.py in a fresh folder, analyze it as costing `flops`, run check."""
    check.write(source)
    check.use_report(lambda p: report(p, [charge(p, 8, flops)]))
    code = main(["check", str(check.tmp_path), *POINT_ARGS, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


# exit codes ----------------------------------------------------------------------

def test_exit_0_when_within_budget_and_clean(check, capsys):
    code, out, _ = run(check, capsys)
    assert code == 0
    assert "All checks passed!" in out
    assert "predicted 10 FLOPs" in out


def test_exit_1_when_the_prediction_exceeds_the_budget(check, capsys):
    code, out, _ = run(check, capsys, flops=2_000_000)
    assert code == 1
    assert "FC001" in out


def test_warnings_alone_exit_0(check, capsys):
    code, out, _ = run(check, capsys, source=ESTIMATOR.replace("x @ x.T", "x ** 2"))
    assert "FC102" not in out  # the stand-in report did not charge a power: no finding
    assert code == 0


def test_exit_zero_turns_errors_into_success(check, capsys):
    code, out, _ = run(check, capsys, "--exit-zero", flops=2_000_000)
    assert code == 0 and "FC001" in out


def test_exit_2_for_a_missing_path(capsys, tmp_path):
    assert main(["check", str(tmp_path / "nope"), *POINT_ARGS]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_exit_2_for_a_folder_without_estimator_py(capsys, tmp_path):
    assert main(["check", str(tmp_path), *POINT_ARGS]) == 2
    assert "no estimator.py" in capsys.readouterr().err


def test_exit_2_for_a_syntax_error_naming_the_place(check, capsys):
    check.write("def predict(:\n")
    assert main(["check", str(check.tmp_path), *POINT_ARGS]) == 2
    assert "estimator.py:1:" in capsys.readouterr().err


def test_exit_2_for_an_unknown_rule_code(check, capsys):
    code, _, err = run(check, capsys, "--select", "FC999")
    assert code == 2 and "unknown rule code" in err


def test_exit_2_when_the_analysis_fails_but_source_findings_are_still_printed(check, capsys):
    check.write(ESTIMATOR.replace("import flopscope.numpy as fnp", "import numpy\nimport flopscope.numpy as fnp"))
    check.use_report(None)  # the stand-in raises
    code = main(["check", str(check.tmp_path), *POINT_ARGS])
    out = capsys.readouterr()
    assert code == 2
    assert "FC201" in out.out
    assert "FLOP analysis" in out.err and "were not checked" in out.err


def test_source_rules_alone_never_run_the_analysis(check, capsys):
    check.write(ESTIMATOR)
    check.use_report(None)
    assert main(["check", str(check.tmp_path), *POINT_ARGS, "--select", "FC201,FC202,FC203,FC301,FC302"]) == 0


def test_the_console_script_exits_1_on_a_forbidden_import(tmp_path):
    (tmp_path / "estimator.py").write_text("import numpy\n")
    proc = subprocess.run(
        [sys.executable, "-m", "flopcast", "check", str(tmp_path), "--select", "FC201"],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert "estimator.py:1:1: FC201" in proc.stdout


# selection and suppression -------------------------------------------------------

def test_ignore_drops_a_rule(check, capsys):
    code, out, _ = run(check, capsys, "--ignore", "FC001", flops=2_000_000)
    assert code == 0 and "FC001" not in out


def test_select_by_prefix(check, capsys):
    code, out, _ = run(check, capsys, "--select", "FC0", flops=2_000_000)
    assert code == 1 and "FC001" in out


def test_the_more_specific_of_select_and_ignore_wins(check, capsys):
    code, _, _ = run(check, capsys, "--select", "FC001", "--ignore", "FC0", flops=2_000_000)
    assert code == 1


def test_noqa_with_the_code_suppresses_the_finding_on_its_line(check, capsys):
    source = ESTIMATOR.replace("    def predict(self, mlp, budget):",
                               "    def predict(self, mlp, budget):  # noqa: FC001")
    code, out, _ = run(check, capsys, flops=2_000_000, source=source)
    assert code == 0 and "FC001" not in out


def test_noqa_for_another_code_does_not_suppress(check, capsys):
    source = ESTIMATOR.replace("    def predict(self, mlp, budget):",
                               "    def predict(self, mlp, budget):  # noqa: FC101, E501")
    code, _, _ = run(check, capsys, flops=2_000_000, source=source)
    assert code == 1


def test_bare_noqa_suppresses_everything_on_its_line(check, capsys):
    source = "import numpy  # noqa\n" + ESTIMATOR
    code, out, _ = run(check, capsys, source=source)
    assert code == 0 and "FC201" not in out


# configuration -------------------------------------------------------------------

def write_config(check, body: str, where=None) -> None:
    folder = where or check.tmp_path
    (folder / "pyproject.toml").write_text("[tool.flopcast]\n" + textwrap.dedent(body))


def test_pyproject_ignore_is_read_from_the_checked_folder(check, capsys):
    write_config(check, 'ignore = ["FC001"]\n')
    code, out, _ = run(check, capsys, flops=2_000_000)
    assert code == 0 and "FC001" not in out


def test_pyproject_is_found_by_walking_up(check, capsys, tmp_path):
    sub = tmp_path / "submission"
    sub.mkdir()
    write_config(check, 'ignore = ["FC0"]\n', where=tmp_path)
    (sub / "estimator.py").write_text(ESTIMATOR)
    check.use_report(lambda p: report(p, [charge(p, 8, 2_000_000)]))
    assert main(["check", str(sub), *POINT_ARGS]) == 0


def test_pyproject_budget_sets_the_point_and_the_command_line_overrides_it(check, capsys):
    write_config(check, 'width = 64\ndepth = 4\nbudget = "2**10"\n')
    check.write(ESTIMATOR)
    check.use_report(lambda p: report(p, [charge(p, 8, 5_000)]))
    assert main(["check", str(check.tmp_path)]) == 1  # 5,000 > 1,024
    assert main(["check", str(check.tmp_path), "--budget", "10000"]) == 0


def test_the_command_line_select_replaces_the_config_select(check, capsys):
    write_config(check, 'select = ["FC2"]\n')
    code, out, _ = run(check, capsys, "--select", "FC0", flops=2_000_000)
    assert code == 1 and "FC001" in out


def test_per_file_ignores_apply_to_matching_files(check, capsys):
    write_config(check, '[tool.flopcast.per-file-ignores]\n"helpers.py" = ["FC201"]\n')
    check.write("import numpy\n", "helpers.py")
    code, out, _ = run(check, capsys)
    assert code == 0 and "FC201" not in out


def test_explicit_config_file(check, capsys, tmp_path):
    other = tmp_path / "elsewhere.toml"
    other.write_text('[tool.flopcast]\nignore = ["FC001"]\n')
    code, _, _ = run(check, capsys, "--config", str(other), flops=2_000_000)
    assert code == 0


def test_an_unknown_config_key_is_a_usage_error_naming_the_file(check, capsys):
    write_config(check, 'selcet = ["FC1"]\n')
    code, _, err = run(check, capsys)
    assert code == 2
    assert "pyproject.toml" in err and "selcet" in err


# many submissions: a process pool ------------------------------------------------

def test_many_submissions_are_checked_in_parallel_with_the_same_output(tmp_path, capsys):
    folders = []
    for i in range(5):
        folder = tmp_path / f"team{i}"
        folder.mkdir()
        # different costs, so an output out of order would show
        (folder / "estimator.py").write_text(ESTIMATOR.replace("x @ x.T", "x @ x.T" + " + 1.0" * i))
        folders.append(str(folder))
    args = ["check", *folders, "--width", "16", "--depth", "2", "--statistics"]
    assert main([*args, "--jobs", "1"]) == 0
    serial = capsys.readouterr()
    assert main([*args, "--jobs", "3"]) == 0
    pooled = capsys.readouterr()
    assert pooled.out == serial.out
    assert "5 submissions (5 files)" in pooled.err and "files/s with 3 processes" in pooled.err
    assert "with 1 process" in serial.err
