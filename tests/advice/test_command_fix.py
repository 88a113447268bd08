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


def test_analyze_ends_with_the_memory_and_the_savings_available(capsys):
    sample = SAMPLES / "advice" / "loop_invariant.py"
    assert main(["analyze", str(sample), "--width", "8", "--depth", "3", "--budget", "2**41", "--no-formula"]) == 0
    out = capsys.readouterr().out
    tail = out[out.index("\nMemory (predict):"):]
    assert "largest array float32 8×8, 256 B, at line 22" in tail
    assert "Savings available: 248 FLOPs (248 with `flopcast check --fix`)" in tail
    assert tail.rstrip().splitlines()[-1].endswith("safe    hoist `fnp.sqrt(base)` out of the loop at line 20")
