"""``aipm report`` to Word, PowerPoint and model cards: each kind as .docx and .pptx, the
model card as .md and .json, the same bytes from two separate processes, clear errors."""

from __future__ import annotations

import json
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


def test_model_card_as_markdown_and_cyclonedx(sample_path: Path, tmp_path: Path) -> None:
    card = tmp_path / "card.md"
    result = _report(sample_path, "--kind", "model-card", "--use-case", BOT, "--out", card)
    assert result.exit_code == 0, result.output
    assert card.read_text(encoding="utf-8").count(f"# Model card for {BOT}") == 1
    bom = tmp_path / "card.json"
    result = _report(sample_path, "--kind", "model-card", "--use-case", BOT, "--out", bom)
    assert result.exit_code == 0, result.output
    data = json.loads(bom.read_text(encoding="utf-8"))
    assert data["bomFormat"] == "CycloneDX"
    assert data["components"][0]["type"] == "machine-learning-model"


def test_two_processes_write_the_same_deck_and_card(sample_path: Path, tmp_path: Path) -> None:
    for name, args in (
        ("deck.pptx", ["--kind", "readout", "--client-safe"]),
        ("doc.docx", ["--kind", "readout", "--client-safe"]),
        ("bom.json", ["--kind", "model-card", "--use-case", BOT]),
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


def test_a_model_card_needs_one_use_case_and_md_or_json(sample_path: Path, tmp_path: Path) -> None:
    cases = [
        (("--out", tmp_path / "c.md"), "one use case"),
        (("--use-case", BOT, "--use-case", "Agent reply drafts", "--out", tmp_path / "c.md"),
         "one use case"),
        (("--use-case", BOT, "--out", tmp_path / "c.docx"), ".md or .json"),
    ]  # fmt: skip
    for args, message in cases:
        result = _report(sample_path, "--kind", "model-card", *args)
        assert result.exit_code != 0
        assert message in result.output
    assert not list(tmp_path.iterdir())
