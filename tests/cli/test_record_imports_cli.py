"""``aipm usecases import`` and ``aipm risks import``: preview counts, --dry-run, --match,
--on-unknown-id, and ``aipm undo`` taking a whole import back (issue 12)."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aipm_desktop.cli.app import app
from aipm_desktop.services.workspace import new_workspace


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-imports") / "demo.aipm"
    new_workspace(path, demo=True).close()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "work.aipm"
    shutil.copy(demo_file, path)
    return path


def _run(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args], prog_name="aipm")


def _ok(*args: object) -> str:
    result = _run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _edit(path: Path, out: Path, **changes: str) -> Path:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[0].update(changes)
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out


@pytest.mark.parametrize(
    ("area", "count", "field", "value"),
    [("usecases", 12, "owner", "New Owner"), ("risks", 25, "impact", "1")],
)
def test_dry_run_import_and_undo(
    demo: Path, tmp_path: Path, area: str, count: int, field: str, value: str
) -> None:
    exported = tmp_path / "export.csv"
    _ok(area, "export", demo, "--out", exported)
    sha = _sha(demo)
    out = _ok(area, "import", demo, exported, "--dry-run")
    assert f"export.csv: 0 to add, 0 to update, {count} unchanged, 0 rejected" in out
    assert "Dry run: nothing written." in out
    assert _sha(demo) == sha
    word = "use case" if area == "usecases" else "risk"
    out = _ok(area, "import", demo, exported)
    assert f"Nothing to import into {demo}: {count} {word}s unchanged." in out

    edited = _edit(exported, tmp_path / "edited.csv", **{field: value})
    out = _ok(area, "import", demo, edited, "--dry-run")
    assert f"0 to add, 1 to update, {count - 1} unchanged" in out
    out = _ok(area, "import", demo, edited)
    assert f"Imported 1 {word} into {demo}: 0 added, 1 updated, {count - 1} unchanged." in out
    after = tmp_path / "after.csv"
    _ok(area, "export", demo, "--out", after)
    assert after.read_bytes() != exported.read_bytes()

    assert "Done:" in _ok("undo", demo)
    again = tmp_path / "again.csv"
    _ok(area, "export", demo, "--out", again)
    assert again.read_bytes() == exported.read_bytes()


def test_rejected_rows_are_named_and_nothing_written(demo: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,title\n9999,Ghost\n,New one\n", encoding="utf-8")
    sha = _sha(demo)
    for args in ((), ("--dry-run",)):
        result = _run("risks", "import", demo, bad, *args)
        assert result.exit_code == 1, result.output
        assert "1 to add, 0 to update, 0 unchanged, 1 rejected" in result.stdout
        assert "row 2: id: no risk has id 9999" in result.stderr
        assert result.stderr.count("aipm: error: ") == 1
    assert _sha(demo) == sha
    out = _ok("risks", "import", demo, bad, "--on-unknown-id", "add")
    assert "Imported 2 risks" in out and "2 added" in out
    result = _run("usecases", "import", demo, bad, "--match", "name")
    assert result.exit_code == 1 and "match must be one of id, title" in result.stderr


def test_match_title(demo: Path, tmp_path: Path) -> None:
    exported = tmp_path / "uc.csv"
    _ok("usecases", "export", demo, "--out", exported)
    with exported.open(encoding="utf-8-sig", newline="") as fh:
        title = next(csv.DictReader(fh))["title"]
    source = tmp_path / "titles.csv"
    source.write_text(f"title,owner\n{title.upper()},Title Matched\n", encoding="utf-8")
    out = _ok("usecases", "import", demo, source, "--match", "title")
    assert "0 added, 1 updated, 0 unchanged" in out
    out = _ok("usecases", "import", demo, source, "--match", "title", "--dry-run")
    assert "0 to add, 0 to update, 1 unchanged" in out
