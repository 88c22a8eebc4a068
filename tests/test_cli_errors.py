"""Every CLI error is one line on stderr with exit 2, never a traceback: unreadable, binary or
non-UTF-8 text, a missing path, a folder where a file is expected, an unwritable output, an
unknown name, a mistyped option, and anything unforeseen."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from migdash import cli

PROJECT = Path(__file__).resolve().parents[1]
PARAGRAPH = "In 2020 there were 281 million international migrants in the world."


def one_line_error(capsys: pytest.CaptureFixture[str], args: list[str]) -> str:
    code = cli.main(args)
    out, err = capsys.readouterr()
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: "), err
    assert "Traceback" not in err and not out
    return err


@pytest.mark.parametrize(("content", "expected"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a binary file, not text"),
    ("México tenía 11 millones de emigrantes".encode("latin-1"), "is not UTF-8 text (byte 0xe9 at position 1)"),
])
def test_claims_scan_refuses_a_file_that_is_not_text(content, expected, tmp_path, capsys):
    path = tmp_path / "paragraph.txt"
    path.write_bytes(content)
    assert expected in one_line_error(capsys, ["claims", "scan", str(path), "--db", str(tmp_path / "none.duckdb")])


def test_claims_scan_names_a_missing_file_and_a_folder(tmp_path, capsys):
    missing = tmp_path / "nowhere.txt"
    assert f"{missing}: no such file" in one_line_error(capsys, ["claims", "scan", str(missing)])
    assert f"{tmp_path} is a folder, not a text file" in one_line_error(capsys, ["claims", "scan", str(tmp_path)])


def test_outputs_into_a_missing_folder(built_db, tmp_path, capsys):
    text = tmp_path / "paragraph.txt"
    text.write_text(PARAGRAPH, encoding="utf-8")
    target = tmp_path / "no" / "such" / "folder"
    code = cli.main(["claims", "scan", str(text), "--db", str(built_db), "--save-yaml", str(target / "claims.yaml")])
    err = capsys.readouterr().err  # the scan's report is printed before the YAML is written
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert f"cannot write {target / 'claims.yaml'}: the folder {target} does not exist" in err
    err = one_line_error(capsys, ["brief", "--area", "484", "--db", str(built_db), "--out", str(target / "brief.html")])
    assert f"cannot write {target / 'brief.html'}: the folder {target} does not exist" in err
    assert f"cannot write {tmp_path}: it is a folder" in one_line_error(
        capsys, ["brief", "--area", "484", "--db", str(built_db), "--out", str(tmp_path)])


def test_unknown_names_and_mistyped_options(tmp_path, capsys):
    err = one_line_error(capsys, ["etl", "--db", str(tmp_path / "x.duckdb"), "--accept-loss", "worldbank,wb"])
    assert "unknown source 'wb' in --accept-loss" in err
    err = one_line_error(capsys, ["etl", "--db", str(tmp_path / "x.duckdb"), "--mirror", "wb=/data"])
    assert "unknown source 'wb' in --mirror" in err
    with pytest.raises(SystemExit) as exit_:
        cli.main(["changes", "--format", "pdf"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and len(err.strip().splitlines()) == 1 and "invalid choice: 'pdf'" in err


def test_an_unforeseen_error_is_one_line_too(monkeypatch, tmp_path, capsys):
    def broken(args):
        raise KeyError("a bug")

    monkeypatch.setattr(cli, "run_changes", broken)
    monkeypatch.delenv(cli.DEBUG_ENV, raising=False)
    err = one_line_error(capsys, ["changes", "--db", str(tmp_path / "x.duckdb")])
    assert "KeyError" in err and f"{cli.DEBUG_ENV}=1" in err
    monkeypatch.setenv(cli.DEBUG_ENV, "1")
    with pytest.raises(KeyError):
        cli.main(["changes", "--db", str(tmp_path / "x.duckdb")])


def test_the_installed_command_prints_no_traceback(tmp_path):
    """A new process, as an operator runs it: exit 2, one line, for a file that does not exist."""
    done = subprocess.run([sys.executable, "-m", "migdash.cli", "claims", "scan", str(tmp_path / "missing.txt")],
                          capture_output=True, text=True, timeout=120, cwd=PROJECT)
    assert done.returncode == 2 and done.stderr.strip().count("\n") == 0 and "no such file" in done.stderr
    assert "Traceback" not in done.stderr and not done.stdout
