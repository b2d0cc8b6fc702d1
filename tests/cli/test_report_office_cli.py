"""``aipm report`` to Word and PowerPoint: each kind as .docx and .pptx, the same bytes
from two separate processes."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from aipm_desktop.cli import app

BOT = "Help-center answer bot"


def _report(*args: object):
    return CliRunner().invoke(app, ["report", *map(str, args)], prog_name="aipm")


def test_every_kind_goes_to_word_and_powerpoint(sample_path: Path, tmp_path: Path) -> None:
    for kind in ("assessment", "readout", "rai-pack"):
        for suffix, main_part in (
            (".docx", "word/document.xml"),
            (".pptx", "ppt/presentation.xml"),
        ):
            out = tmp_path / f"{kind}{suffix}"
            args = ["--kind", kind, "--as-of", "2026-12-01", "--out", out]
            if kind == "rai-pack":
                args += ["--use-case", BOT]
            result = _report(sample_path, *args)
            assert result.exit_code == 0, result.output
            assert result.stdout.strip() == f"Wrote {out}"
            assert main_part in zipfile.ZipFile(out).namelist()


def test_two_processes_write_the_same_document_and_deck(sample_path: Path, tmp_path: Path) -> None:
    for name, args in (
        ("deck.pptx", ["--kind", "readout", "--client-safe"]),
        ("doc.docx", ["--kind", "readout", "--client-safe"]),
    ):
        outputs = []
        for n in (1, 2):
            out = tmp_path / f"{n}-{name}"
            subprocess.run(
                [sys.executable, "-m", "aipm_desktop.cli", "report", str(sample_path), *args,
                 "--as-of", "2026-12-01", "--out", str(out)],
                check=True, capture_output=True,
            )  # fmt: skip
            outputs.append(out.read_bytes())
        assert outputs[0] == outputs[1], name
