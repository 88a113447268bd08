"""Every command names a file the same way for people (ruff's relative paths, `../` when
outside the working folder); JSON keeps absolute paths for machines."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from oracle import SAMPLES

from flopcast.cli import main
from flopcast.model import SCORER_SPAN, display_path

ARGS = ["--width", "8", "--depth", "1"]


def _submission(tmp_path: Path) -> Path:
    folder = tmp_path / "sub"
    folder.mkdir()
    shutil.copy(SAMPLES / "mean_propagation.py", folder / "estimator.py")
    return folder / "estimator.py"


def test_display_path_is_relative_to_the_working_folder_even_above_it(tmp_path, monkeypatch):
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    assert display_path(tmp_path / "here" / "estimator.py") == "estimator.py"
    assert display_path(str(tmp_path / "other" / "estimator.py")) == "../other/estimator.py"
    assert display_path(SCORER_SPAN.path) == SCORER_SPAN.path


def test_analyze_and_check_name_a_file_outside_the_working_folder_alike(tmp_path, monkeypatch, capsys):
    entry = _submission(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    main(["analyze", str(entry), *ARGS])
    analyzed = capsys.readouterr().out
    main(["check", str(entry), *ARGS, "--budget", "10", "--select", "FC001"])
    checked = capsys.readouterr().out
    assert "../sub/estimator.py" in analyzed and str(entry) not in analyzed
    assert "../sub/estimator.py:" in checked and str(entry) not in checked


def test_json_output_keeps_absolute_paths(tmp_path, monkeypatch, capsys):
    entry = _submission(tmp_path)
    monkeypatch.chdir(tmp_path)
    main(["analyze", "sub/estimator.py", *ARGS, "--format", "json", "--no-formula"])
    analyzed = json.loads(capsys.readouterr().out)
    assert analyzed["path"] == str(entry)
    assert {line["path"] for line in analyzed["lines"]} <= {str(entry), SCORER_SPAN.path}
    main(["check", "sub", *ARGS, "--budget", "10", "--select", "FC001", "--format", "json"])
    checked = json.loads(capsys.readouterr().out)
    assert checked["targets"][0]["entry"] == str(entry)
    assert [f["path"] for f in checked["findings"]] == [str(entry)]
