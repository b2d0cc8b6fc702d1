"""Exports never destroy a workspace, never replace a file unless told, never half-write."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aipm_desktop.cli import app
from aipm_desktop.services.workspace import new_workspace
from aipm_desktop.store import open_workspace


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "client.aipm"
    new_workspace(path, demo=True).close()
    return path


def _run(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


def _intact(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    open_workspace(path).close()


EXPORTS = [
    ("export", "{ws}", "--out", "{out}"),
    ("docs", "export", "{ws}", "1", "--format", "md", "--out", "{out}"),
    ("docs", "export", "{ws}", "1", "--format", "html", "--out", "{out}"),
    ("docs", "export", "{ws}", "1", "--format", "pdf", "--out", "{out}"),
]


@pytest.mark.parametrize("command", EXPORTS, ids=lambda c: " ".join(c[:2]))
@pytest.mark.parametrize("target", ["{ws}", "{ws}-wal", "{ws}-shm"])
def test_an_export_onto_the_workspace_is_refused(demo: Path, command, target) -> None:
    before = demo.read_bytes()
    out = target.format(ws=demo)
    result = _run(*(part.format(ws=demo, out=out) for part in command))
    assert result.exit_code == 1
    assert "never writes over a workspace" in result.stderr
    assert demo.read_bytes() == before
    _intact(demo)


SHEETS = [
    ("usecases", "export", "{ws}", "--out", "{out}"),
    ("risks", "export", "{ws}", "--out", "{out}"),
    ("kpis", "export", "{ws}", "--out", "{out}"),
]


@pytest.mark.parametrize(
    ("command", "name"),
    [(c, "out.json") for c in EXPORTS[:1]]
    + [(EXPORTS[2], "doc.html")]
    + [(c, "table.csv") for c in SHEETS]
    + [(("chart", "{ws}", "matrix", "--out", "{out}"), "m.png")],
    ids=lambda v: v if isinstance(v, str) else " ".join(v[:2]),
)
def test_an_existing_file_is_replaced_only_with_force(
    demo: Path, tmp_path: Path, command, name: str
) -> None:
    out = tmp_path / name
    out.write_text("keep me", encoding="utf-8")
    args = [part.format(ws=demo, out=out) for part in command]
    refused = _run(*args)
    assert refused.exit_code == 1
    assert "already exists; use --force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    done = _run(*args, "--force")
    assert done.exit_code == 0, done.stderr
    assert out.read_bytes() != b"keep me"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_control_character_in_the_output_name_is_refused(demo: Path, tmp_path: Path) -> None:
    result = _run("export", demo, "--out", tmp_path / "a\nb.json")
    assert result.exit_code == 1
    assert "control character" in result.stderr
    assert "\n" not in result.stderr.strip()  # one line, the name shown escaped
    assert not any("\n" in p.name for p in tmp_path.iterdir())


def test_replacing_an_open_workspace_is_refused(demo: Path, tmp_path: Path) -> None:
    dump = tmp_path / "dump.json"
    assert _run("export", demo, "--out", dump).exit_code == 0
    ws = open_workspace(demo)  # as if the GUI had it open
    try:
        for args in (("import", demo, dump, "--force"), ("new", demo, "--force")):
            result = _run(*args)
            assert result.exit_code == 1, result.stdout
            assert "open in another window" in result.stderr
        # the window keeps working on the same, intact file
        with ws.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM use_case").scalar() == 12
    finally:
        ws.close()
    assert _run("import", demo, dump, "--force").exit_code == 0
