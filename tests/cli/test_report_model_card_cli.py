"""``aipm report --kind model-card``: the card as Markdown and CycloneDX, the same bytes
from two separate processes, a clear error for a card without one use case or of another
format, and no sections to choose."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from aipm_desktop.cli import app

BOT = "Help-center answer bot"


def _report(*args: object):
    return CliRunner().invoke(app, ["report", *map(str, args)], prog_name="aipm")


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


def test_two_processes_write_the_same_card(sample_path: Path, tmp_path: Path) -> None:
    outputs = []
    for n in (1, 2):
        out = tmp_path / f"{n}-bom.json"
        subprocess.run(
            [sys.executable, "-m", "aipm_desktop.cli", "report", str(sample_path), "--kind",
             "model-card", "--use-case", BOT, "--as-of", "2026-12-01", "--out", str(out)],
            check=True, capture_output=True,
        )  # fmt: skip
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_a_model_card_needs_one_use_case_and_md_or_json(sample_path: Path, tmp_path: Path) -> None:
    cases = [
        (("--out", tmp_path / "c.md"), "one use case"),
        (("--use-case", BOT, "--use-case", "Agent reply drafts", "--out", tmp_path / "c.md"),
         "one use case"),
        (("--use-case", BOT, "--out", tmp_path / "c.docx"), ".md or .json"),
        (("--use-case", BOT, "--sections", "kpis", "--out", tmp_path / "c.md"), "no sections"),
    ]  # fmt: skip
    for args, message in cases:
        result = _report(sample_path, "--kind", "model-card", *args)
        assert result.exit_code != 0
        assert message in result.output
    assert not list(tmp_path.glob("c.*"))  # the workspace sits in tmp_path too


def test_a_saved_model_card_reruns_to_the_same_card(sample_path: Path, tmp_path: Path) -> None:
    direct, rerun = tmp_path / "direct.md", tmp_path / "rerun.md"
    args = ("--kind", "model-card", "--use-case", BOT, "--as-of", "2026-12-01")
    assert _report(sample_path, *args, "--out", direct).exit_code == 0
    saved = _report(sample_path, *args, "--save-as", "Bot card")
    assert saved.exit_code == 0, saved.output
    assert _report(sample_path, "--list").stdout.startswith("Bot card\tmodel-card")
    ran = _report(sample_path, "--saved", "Bot card", "--out", rerun)
    assert ran.exit_code == 0, ran.output
    assert rerun.read_bytes() == direct.read_bytes()
