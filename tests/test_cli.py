"""The ``aipm`` command line: exit codes, output, and one-line errors on bad input."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from aipm_desktop import __version__, cli
from aipm_desktop.store import head_revision, save_copy
from aipm_desktop.store.engine import APPLICATION_ID, make_engine
from aipm_desktop.store.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _run(runner: CliRunner, *args: str):
    return runner.invoke(cli.app, [str(a) for a in args], prog_name="aipm")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one_error_line(result, *fragments: str) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("aipm: error: ")
    for fragment in fragments:
        assert fragment in line
    assert "Traceback" not in result.output
    return line


@pytest.fixture
def workspace_file(ws, tmp_path: Path) -> Path:
    """A closed, self-contained copy of the test workspace."""
    path = tmp_path / "client.aipm"
    save_copy(ws, path)
    return path


def test_version(runner: CliRunner) -> None:
    result = _run(runner, "--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"aipm {__version__}"


def test_new_creates_a_workspace(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "acme.aipm"
    result = _run(runner, "new", target, "--name", "Acme AI review")
    assert result.exit_code == 0, result.output
    assert "Created" in result.stdout and "Acme AI review" in result.stdout
    info = json.loads(_run(runner, "info", target, "--json").stdout)
    assert info["name"] == "Acme AI review"
    assert info["counts"]["scoring_model"] >= 1


def test_new_refuses_to_overwrite_without_force(runner: CliRunner, workspace_file: Path) -> None:
    before = _sha(workspace_file)
    result = _run(runner, "new", workspace_file)
    assert result.exit_code == 1
    _one_error_line(result, "already exists", "--force")
    assert _sha(workspace_file) == before
    forced = _run(runner, "new", workspace_file, "--force", "--name", "Fresh")
    assert forced.exit_code == 0, forced.output
    assert json.loads(_run(runner, "info", workspace_file, "--json").stdout)["name"] == "Fresh"


def test_new_in_missing_folder(runner: CliRunner, tmp_path: Path) -> None:
    result = _run(runner, "new", tmp_path / "nope" / "x.aipm")
    assert result.exit_code == 1
    _one_error_line(result, "does not exist")


def test_new_demo(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "demo.aipm"
    result = _run(runner, "new", target, "--demo")
    assert result.exit_code == 0, result.output
    counts = json.loads(_run(runner, "info", target, "--json").stdout)["counts"]
    assert counts["use_case"] >= 10 and counts["risk"] >= 20


def test_info_human_readable(runner: CliRunner, workspace_file: Path) -> None:
    before = _sha(workspace_file)
    result = _run(runner, "info", workspace_file)
    assert result.exit_code == 0, result.output
    assert "Name:      Test workspace" in result.stdout
    assert f"Schema:    {head_revision()}" in result.stdout
    assert any(
        line.startswith("Use cases") and line.endswith(" 0") for line in result.stdout.splitlines()
    )
    assert _sha(workspace_file) == before


def test_info_json_parses(runner: CliRunner, ws, workspace_file: Path) -> None:
    result = _run(runner, "info", workspace_file, "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["schema_version"] == head_revision()
    assert data["name"] == "Test workspace"
    assert data["readonly"] is False
    assert set(data["counts"]) >= {"use_case", "risk", "kpi", "document"}


def _make_0001_file(path: Path) -> None:
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        upgrade(conn, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO workspace_settings (id, created_at, updated_at, version, name,"
                " client, owner_name, risk_method, risk_bands) VALUES (1, '2025-01-01 00:00:00',"
                " '2025-01-01 00:00:00', 1, 'Legacy', 'Contoso', '', 'multiply',"
                ' \'[{"name": "all", "max": 25, "color": "#888"}]\')'
            )
        )
    engine.dispose()


def test_info_and_export_on_older_file_leave_it_unchanged(
    runner: CliRunner, tmp_path: Path
) -> None:
    old = tmp_path / "legacy.aipm"
    _make_0001_file(old)
    before = _sha(old)
    result = _run(runner, "info", old, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["schema_version"], data["client"]) == ("0001", "Contoso")
    human = _run(runner, "info", old)
    assert "0001 (older" in human.stdout
    exported = _run(runner, "export", old, "--out", tmp_path / "legacy.json")
    assert exported.exit_code == 0, exported.output
    assert json.loads((tmp_path / "legacy.json").read_text())["schema_version"] == "0001"
    assert _sha(old) == before
    assert not list(tmp_path.glob("legacy.aipm.bak-*"))


def test_check_sound_file(runner: CliRunner, workspace_file: Path) -> None:
    result = _run(runner, "check", workspace_file)
    assert result.exit_code == 0
    assert result.stdout.strip() == f"OK: {workspace_file} (schema {head_revision()})"


def test_check_reports_corrupt_file_and_leaves_it(
    runner: CliRunner, workspace_file: Path, tmp_path: Path
) -> None:
    corrupt = tmp_path / "corrupt.aipm"
    data = bytearray(workspace_file.read_bytes())
    page = 4096
    assert len(data) > 8 * page
    # Garbage over pages 3-6; page 1 (header, application id) still looks like ours.
    data[2 * page : 6 * page] = bytes(range(256)) * (4 * page // 256)
    corrupt.write_bytes(bytes(data))
    before = _sha(corrupt)
    result = _run(runner, "check", corrupt)
    assert result.exit_code == 1
    line = _one_error_line(result, "corrupt.aipm")
    assert "failed its check" in line or "damaged" in line
    assert _sha(corrupt) == before


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda p: None, "No such file"),
        (lambda p: p.write_bytes(b"hello, this is not a database"), "not an SQLite database"),
        (lambda p: p.mkdir(), "folder"),
    ],
)
def test_bad_paths_give_one_line(runner: CliRunner, tmp_path: Path, make, fragment) -> None:
    path = tmp_path / "thing.aipm"
    make(path)
    for args in (("check", path), ("info", path), ("export", path, "--out", tmp_path / "o.json")):
        result = _run(runner, *args)
        assert result.exit_code == 1, args
        _one_error_line(result, fragment)
    assert not (tmp_path / "o.json").exists()


def test_foreign_sqlite_file(runner: CliRunner, tmp_path: Path) -> None:
    foreign = tmp_path / "contacts.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE contact (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    before = _sha(foreign)
    for command in ("check", "info"):
        result = _run(runner, command, foreign)
        assert result.exit_code == 1
        _one_error_line(result, "another application")
    assert _sha(foreign) == before


def test_export_and_import_round_trip(
    runner: CliRunner, workspace_file: Path, tmp_path: Path
) -> None:
    before = _sha(workspace_file)
    dump = tmp_path / "dump.json"
    result = _run(runner, "export", workspace_file, "--format", "json", "--out", dump)
    assert result.exit_code == 0, result.output
    assert _sha(workspace_file) == before
    assert json.loads(dump.read_text(encoding="utf-8"))["format"] == "aipm-workspace"
    restored = tmp_path / "restored.aipm"
    imported = _run(runner, "import", restored, dump)
    assert imported.exit_code == 0, imported.output
    assert "Imported" in imported.stdout
    again = tmp_path / "again.json"
    assert _run(runner, "export", restored, "--out", again).exit_code == 0
    assert again.read_bytes() == dump.read_bytes()


def test_export_other_format_is_refused(
    runner: CliRunner, workspace_file: Path, tmp_path: Path
) -> None:
    result = _run(runner, "export", workspace_file, "--format", "csv", "--out", tmp_path / "o.csv")
    assert result.exit_code == 1
    _one_error_line(result, "unsupported export format 'csv'", "json")
    assert not (tmp_path / "o.csv").exists()


def test_export_needs_out(runner: CliRunner, workspace_file: Path) -> None:
    result = _run(runner, "export", workspace_file)
    assert result.exit_code == 1
    _one_error_line(result, "--out")


def test_export_into_missing_folder(
    runner: CliRunner, workspace_file: Path, tmp_path: Path
) -> None:
    result = _run(runner, "export", workspace_file, "--out", tmp_path / "gone" / "o.json")
    assert result.exit_code == 1
    _one_error_line(result, "gone")


def test_import_bad_dump_creates_nothing(
    runner: CliRunner, workspace_file: Path, tmp_path: Path
) -> None:
    dump = tmp_path / "dump.json"
    assert _run(runner, "export", workspace_file, "--out", dump).exit_code == 0
    doc = json.loads(dump.read_text(encoding="utf-8"))
    doc["tables"]["scoring_model"][0]["name"] = ""
    dump.write_text(json.dumps(doc), encoding="utf-8")
    target = tmp_path / "new.aipm"
    result = _run(runner, "import", target, dump)
    assert result.exit_code == 1
    _one_error_line(result, "table scoring_model, record 1: field name")
    assert not target.exists()


def test_import_invalid_json(runner: CliRunner, tmp_path: Path) -> None:
    dump = tmp_path / "dump.json"
    dump.write_text('{"format": "aipm-workspace",\n "tables": [}', encoding="utf-8")
    result = _run(runner, "import", tmp_path / "new.aipm", dump)
    assert result.exit_code == 1
    _one_error_line(result, "not valid JSON", "line 2")
    assert not (tmp_path / "new.aipm").exists()


def test_import_refuses_existing_target(
    runner: CliRunner, workspace_file: Path, tmp_path: Path
) -> None:
    dump = tmp_path / "dump.json"
    assert _run(runner, "export", workspace_file, "--out", dump).exit_code == 0
    before = _sha(workspace_file)
    result = _run(runner, "import", workspace_file, dump)
    assert result.exit_code == 1
    _one_error_line(result, "already exists", "--force")
    assert _sha(workspace_file) == before
    assert _run(runner, "import", workspace_file, dump, "--force").exit_code == 0


def test_unexpected_error_is_one_line_and_logged(
    runner: CliRunner, workspace_file: Path, tmp_path: Path, monkeypatch, aipm_home: Path
) -> None:
    from aipm_desktop.services import transfer

    def broken(**_kwargs):
        raise RuntimeError("boom in the exporter")

    monkeypatch.setattr(transfer, "export_json", broken)
    result = _run(runner, "export", workspace_file, "--out", tmp_path / "o.json")
    assert result.exit_code == 2
    line = _one_error_line(
        result, "unexpected RuntimeError: boom in the exporter", "aipm-desktop.log"
    )
    log = Path(line.rsplit("details are in ", 1)[1])
    assert log.is_relative_to(aipm_home)
    assert "Traceback" in log.read_text(encoding="utf-8")


def _subprocess(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AIPM_HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "aipm_desktop.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def test_python_dash_m_works_and_never_shows_a_traceback(tmp_path: Path, aipm_home: Path) -> None:
    version = _subprocess("--version", home=aipm_home)
    assert version.returncode == 0
    assert version.stdout.strip() == f"aipm {__version__}"
    bad = _subprocess("info", str(tmp_path / "missing.aipm"), home=aipm_home)
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    assert bad.stderr.strip().splitlines() == [
        f"aipm: error: No such file: {tmp_path / 'missing.aipm'}"
    ]


def test_echo_json_prints_service_records_as_their_dicts(capsys) -> None:
    import dataclasses
    import datetime as dt

    from aipm_desktop.cli import common
    from aipm_desktop.services.records import record_dict

    @dataclasses.dataclass(frozen=True)
    class Hit:
        id: int
        day: dt.date

        def as_dict(self) -> dict:
            return record_dict(self)

    common.echo_json({"hits": [Hit(1, dt.date(2026, 1, 2))]}, indent=None)
    assert json.loads(capsys.readouterr().out) == {"hits": [{"id": 1, "day": "2026-01-02"}]}
    with pytest.raises(TypeError, match="not JSON serializable"):
        common.echo_json({"when": dt.date(2026, 1, 2)})
