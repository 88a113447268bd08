"""`flopcast report` and `flopcast verify --html` end to end, and what they leave unimported."""

from __future__ import annotations

import re
import subprocess
import sys

from flopcast.cli import main

from .pages import ROOT, SAMPLES

SMALL_ARGS = ["--width", "16", "--depth", "2", "--budget", "10**7"]


def test_report_writes_one_self_contained_page_and_prints_its_path(tmp_path, capsys):
    target = tmp_path / "out" / "page.html"
    code = main(["report", str(SAMPLES / "mean_propagation.py"), "-o", str(target), *SMALL_ARGS])
    out = capsys.readouterr().out
    assert code == 0
    assert out.strip() == str(target)
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    # Nothing to fetch: no external script, stylesheet, image, font or link target.
    assert not re.search(r'<(script|link|img|iframe)\b[^>]*\b(src|href)=', html)
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert not re.search(r"url\((?!#)", html)
    assert "<svg" in html and 'id="width-budget"' in html and 'id="depth-budget"' in html


def test_report_defaults_to_a_file_named_after_the_estimator(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["report", str(SAMPLES / "folder_submission"), *SMALL_ARGS]) == 0
    assert capsys.readouterr().out.strip() == "folder_submission-flopcast.html"
    assert "helpers.py" in (tmp_path / "folder_submission-flopcast.html").read_text(encoding="utf-8")


def test_report_on_a_missing_file_is_an_error_for_people(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nope.py"), *SMALL_ARGS]) == 2
    err = capsys.readouterr().err
    assert "nope.py" in err and "Traceback" not in err


def test_verify_html_shows_flopscopes_count_beside_every_predicted_line(tmp_path, capsys):
    target = tmp_path / "verified.html"
    code = main(["verify", str(SAMPLES / "folder_submission"), *SMALL_ARGS, "--html", str(target)])
    captured = capsys.readouterr()
    assert code == 0, captured.out
    assert f"wrote {target}" in captured.err
    html = target.read_text(encoding="utf-8")
    assert 'class="code with-runtime"' in html and "exact" in html
    # The sample is exact, so every line's runtime cell repeats its FLOPs cell, and nothing differs.
    rows = re.findall(r'data-flops="(\d+)".*?<span class="rt">([\d,]*)</span>', html, re.S)
    costed = [(int(f), int(r.replace(",", "") or 0)) for f, r in rows if int(f)]
    assert costed and all(f == r for f, r in costed)
    assert "m-runtime" not in html


def test_analyze_and_check_do_not_import_the_report_libraries():
    probe = (
        "import sys\n"
        "from flopcast.cli import main\n"
        f"main(['analyze', {str(SAMPLES / 'mean_propagation.py')!r}, '--width', '8', '--depth', '1'])\n"
        f"main(['check', {str(SAMPLES / 'mean_propagation.py')!r}, '--width', '8', '--depth', '1', '--exit-zero'])\n"
        "heavy = [m for m in ('jinja2', 'pygments', 'matplotlib', 'flopcast.report') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.strip().splitlines()[-1] == "HEAVY []"


RUNTIME_FIXTURES = ROOT / "tests" / "runtime" / "fixtures"


def test_verify_html_still_writes_the_page_when_the_run_fails_and_says_so(tmp_path, capsys):
    target = tmp_path / "failed.html"
    code = main(["verify", str(RUNTIME_FIXTURES / "raises_unpredicted"), *SMALL_ARGS, "--html", str(target)])
    capsys.readouterr()
    assert code == 1
    html = target.read_text(encoding="utf-8")
    assert "the run did not finish: EXCEPTION" in html
    assert 'class="code with-runtime"' not in html, "no runtime column without a finished run"


def test_report_analyses_the_class_named_by_class(tmp_path, capsys):
    target = tmp_path / "ones.html"
    path = RUNTIME_FIXTURES / "two_classes" / "estimator.py"
    assert main(["report", str(path), "--class", "Ones", *SMALL_ARGS, "-o", str(target)]) == 0
    capsys.readouterr()
    html = target.read_text(encoding="utf-8")
    assert '<span class="cls">Ones</span>' in html
    assert main(["report", str(path), *SMALL_ARGS, "-o", str(target)]) == 2
    assert "--class" in capsys.readouterr().err


def test_report_calibrate_shows_the_calibrated_prediction_in_the_header(tmp_path, capsys):
    from flopcast.analyzer import analyze
    from flopcast.model import Point
    from flopcast.runtime.calibrate import calibrate

    sample = SAMPLES / "intervals" / "covariance_rescale.py"
    target = tmp_path / "calibrated.html"
    assert main(["report", str(sample), *SMALL_ARGS, "--calibrate", "-o", str(target)]) == 0
    capsys.readouterr()
    expected = calibrate(str(sample), analyze(sample, Point(16, 2, 10**7))).total
    html = target.read_text(encoding="utf-8")
    assert re.search(rf'<dd id="calibrated">{expected:,} FLOPs \(decisions observed in one run at \d+x\d+', html)
