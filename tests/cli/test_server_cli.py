"""``aipm server init``, ``aipm copy``, ``aipm import`` and the area commands on a server URL."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url
from typer.testing import Result

Aipm = Callable[..., Result]


def _one_line_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aipm: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_server_init_sets_up_an_empty_database_and_can_run_again(aipm: Aipm, pg_url: str) -> None:
    first = aipm("server", "init", pg_url, "--name", "Team portfolio")
    assert first.exit_code == 0, first.output
    assert "created the workspace (schema" in first.stdout
    assert "granted aipm_viewer reading and aipm_editor reading and writing" in first.stdout
    again = aipm("server", "init", pg_url)
    assert again.exit_code == 0, again.output
    assert "the workspace is at schema" in again.stdout
    shown = json.loads(aipm("info", pg_url, "--json").stdout)
    assert shown["name"] == "Team portfolio" and shown["counts"]["scoring_model"] == 3
    assert shown["path"].startswith(f"postgresql://{make_url(pg_url).username}@")
    assert shown["readonly"] is False
    assert aipm("usecases", "list", pg_url).stdout.strip() == "No use cases yet."
    checked = aipm("check", pg_url)
    assert checked.exit_code == 0 and checked.stdout.startswith("OK: postgresql://")


def test_copy_moves_a_file_to_the_server_and_back(
    aipm: Aipm, sample_path: Path, pg_url: str, tmp_path: Path
) -> None:
    listed = aipm("usecases", "list", sample_path, "--json").stdout
    moved = aipm("copy", sample_path, pg_url)
    assert moved.exit_code == 0, moved.output
    assert "'Tidewell AI portfolio'" in moved.stdout
    assert aipm("usecases", "list", pg_url, "--json").stdout == listed
    _one_line_error(aipm("copy", sample_path, pg_url), "not empty", "--force")
    assert aipm("copy", sample_path, pg_url, "--force").exit_code == 0
    back = tmp_path / "back.aipm"
    assert aipm("copy", pg_url, back).exit_code == 0
    assert aipm("usecases", "list", back, "--json").stdout == listed
    _one_line_error(aipm("copy", pg_url, back), "already exists")


def test_a_viewer_reads_but_may_not_edit_and_an_outsider_is_told_why(
    aipm: Aipm, team_roles: dict[str, str]
) -> None:
    viewer = team_roles["viewer"]
    shown = json.loads(aipm("info", viewer, "--json").stdout)
    assert shown["readonly"] is True
    _one_line_error(aipm("undo", viewer), "read-only")
    outsider = aipm("info", team_roles["outsider"])
    _one_line_error(outsider, "may not read", "aipm_viewer")


def test_setting_up_without_the_right_to_create_tables_says_so(
    aipm: Aipm, pg_url: str, team_roles: dict[str, str]
) -> None:
    user = make_url(team_roles["outsider"]).username
    as_outsider = make_url(pg_url).set(username=user).render_as_string(hide_password=False)
    result = aipm("server", "init", as_outsider)
    _one_line_error(result, "right to create tables")


def test_new_makes_the_demo_in_an_empty_database_and_refuses_a_full_one(
    aipm: Aipm, pg_url: str
) -> None:
    made = aipm("new", pg_url, "--demo")
    assert made.exit_code == 0, made.output
    assert "'Tidewell AI portfolio'" in made.stdout
    assert "Agent reply drafts" in aipm("usecases", "list", pg_url).stdout
    _one_line_error(aipm("new", pg_url), "not empty")


def test_an_unreachable_server_is_one_line(aipm: Aipm, tmp_path: Path) -> None:
    url = f"postgresql://nobody@/nothing?host={tmp_path}&port=1"
    _one_line_error(aipm("info", url), "Cannot connect")
    _one_line_error(aipm("info", "postgresql://nobody@localhost"), "names no database")


# -- aipm import into a file or a server: the same guarantees on both back ends ----------------


@pytest.fixture
def target(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """Where the import goes: a new file, or an empty database on the server."""
    if backend == "sqlite":
        return str(tmp_path / "restored.aipm")
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def dump(aipm: Aipm, sample_path: Path, tmp_path: Path) -> Path:
    out = tmp_path / "dump.json"
    result = aipm("export", sample_path, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def _is_empty(target: str) -> bool:
    """No workspace at ``target``: no file, or a database without a table."""
    if not target.startswith("postgresql"):
        return not Path(target).exists()
    from sqlalchemy import create_engine

    from aipm_desktop.store import ServerLocation

    engine = create_engine(ServerLocation.parse(target).url)
    try:
        with engine.connect() as conn:
            tables = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
            ).scalar()
    finally:
        engine.dispose()
    return tables == 0


@pytest.mark.backends
def test_an_export_imported_gives_the_same_workspace_back(
    aipm: Aipm, dump: Path, target: str, tmp_path: Path, sample_path: Path
) -> None:
    imported = aipm("import", target, dump)
    assert imported.exit_code == 0, imported.output
    assert imported.stdout.startswith(f"Imported {dump} into ")
    assert "'Tidewell AI portfolio'" in imported.stdout
    listed = aipm("usecases", "list", target, "--json").stdout
    assert listed == aipm("usecases", "list", sample_path, "--json").stdout
    again = tmp_path / "again.json"
    assert aipm("export", target, "--out", again).exit_code == 0
    assert (
        json.loads(again.read_text("utf-8"))["tables"]
        == json.loads(dump.read_text("utf-8"))["tables"]
    )
    assert aipm("audit", "verify", target).exit_code == 0


@pytest.mark.backends
def test_a_bad_record_imports_nothing_and_names_it(aipm: Aipm, dump: Path, target: str) -> None:
    doc: dict[str, Any] = json.loads(dump.read_text(encoding="utf-8"))
    doc["tables"]["scoring_model"][0]["name"] = ""
    dump.write_text(json.dumps(doc), encoding="utf-8")
    result = aipm("import", target, dump)
    _one_line_error(result, "table scoring_model, record 1: field name")
    assert _is_empty(target)


@pytest.mark.backends
def test_an_existing_workspace_is_replaced_only_with_force(
    aipm: Aipm, dump: Path, target: str
) -> None:
    made = aipm("new", target, "--name", "Already here")
    assert made.exit_code == 0, made.output
    refused = aipm("import", target, dump)
    _one_line_error(refused, "--force")
    assert "already exists" in refused.stderr or "not empty" in refused.stderr
    assert json.loads(aipm("info", target, "--json").stdout)["name"] == "Already here"
    replaced = aipm("import", target, dump, "--force")
    assert replaced.exit_code == 0, replaced.output
    assert json.loads(aipm("info", target, "--json").stdout)["name"] == "Tidewell AI portfolio"
