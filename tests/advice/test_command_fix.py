"""`flopcast check --diff` shows and changes nothing; `--fix` writes; a second run has nothing to do."""

from __future__ import annotations

import shutil

from oracle import SAMPLES

from flopcast.cli import main

POINT = ["--width", "8", "--depth", "2", "--budget", "2**41", "--select", "FC102"]


def test_diff_then_fix_then_nothing_left(tmp_path, capsys):
    target = tmp_path / "estimator.py"
    shutil.copy(SAMPLES / "advice" / "costly_power.py", target)
    original = target.read_text()

    assert main(["check", str(target), *POINT]) == 0
    out = capsys.readouterr().out
    assert "FC102 [*] `w ** 2`" in out
    assert "[*] 3 fixable with `flopcast check --fix`." in out

    assert main(["check", str(target), *POINT, "--diff"]) == 1
    captured = capsys.readouterr()
    assert "-            var = (w ** 2).T @ var  # second moment of the weights" in captured.out
    assert "+            var = (w * w).T @ var  # second moment of the weights" in captured.out
    assert "Would fix 3 findings" in captured.err
    assert target.read_text() == original

    assert main(["check", str(target), *POINT, "--fix"]) == 0
    captured = capsys.readouterr()
    assert "Fixed 3 findings" in captured.err and "saving 2,400 FLOPs" in captured.err
    assert "All checks passed!" in captured.out
    assert target.read_text() != original

    assert main(["check", str(target), *POINT, "--diff"]) == 0
    assert capsys.readouterr().out == ""
