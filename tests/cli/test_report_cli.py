"""``aipm report``: writes each format from options or from a saved report, the same
bytes from two separate runs, a clear one-line error and no file for bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from aipm_desktop.cli import app


def _report(*args: object):
    return CliRunner().invoke(app, ["report", *map(str, args)], prog_name="aipm")


def test_each_format_is_written(sample_path: Path, tmp_path: Path) -> None:
    for suffix, magic in ((".pdf", b"%PDF-"), (".html", b"<!DOCTYPE html>"), (".json", b"{")):
        out = tmp_path / f"readout{suffix}"
        result = _report(sample_path, "--kind", "readout", "--as-of", "2026-12-01", "--out", out)
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == f"Wrote {out}"
        assert out.read_bytes().startswith(magic)


def test_two_runs_in_separate_processes_give_the_same_bytes(
    sample_path: Path, tmp_path: Path
) -> None:
    outputs = []
    for n in (1, 2):
        out = tmp_path / f"run{n}.pdf"
        subprocess.run(
            [sys.executable, "-m", "aipm_desktop.cli", "report", str(sample_path), "--kind",
             "readout", "--client-safe", "--as-of", "2026-12-01", "--out", str(out)],
            check=True, capture_output=True,
        )  # fmt: skip
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_saved_report_is_saved_listed_and_run(sample_path: Path, tmp_path: Path) -> None:
    saved = _report(sample_path, "--kind", "rai-pack", "--use-case", "Help-center answer bot",
                    "--save-as", "Bot pack")  # fmt: skip
    assert saved.exit_code == 0 and saved.stdout.strip() == "Saved report 'Bot pack'"
    listed = _report(sample_path, "--list")
    assert listed.stdout.startswith("Bot pack\trai-pack")
    out = tmp_path / "bot.json"
    ran = _report(sample_path, "--saved", "bot pack", "--as-of", "2026-12-01", "--out", out)
    assert ran.exit_code == 0, ran.output
    assert '"Help-center answer bot: responsible-AI documentation"' in out.read_text()


def test_bad_input_is_one_line_and_writes_nothing(sample_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    cases = [
        (("--sections", "kpis,bogus"), "unknown section 'bogus'"),
        (("--kind", "poster"), "unknown report kind 'poster'"),
        (("--as-of", "1 Dec"), "--as-of takes a date as YYYY-MM-DD"),
        (("--page-size", "a3"), "page size 'a3': use a4 or letter"),
        (("--saved", "Nothing"), "no saved report 'Nothing'"),
    ]
    for args, message in cases:
        result = _report(sample_path, *args, "--out", out)
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr.count("\n") == 1 and message in result.stderr
    wrong = _report(sample_path, "--out", tmp_path / "r.odt")
    assert wrong.exit_code == 1 and "use .pdf, .html, .json, .docx or .pptx" in wrong.stderr
    assert not list(tmp_path.glob("r.*"))
