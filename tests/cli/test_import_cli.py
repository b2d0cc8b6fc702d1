"""``aipm import TARGET DUMP`` into a new file or an empty server database: the same
guarantees on both (validated first, all or nothing, an existing workspace replaced only
with --force)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

pytestmark = pytest.mark.backends

Aipm = Callable[..., Result]


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


def _error_line(result: Result, *fragments: str) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aipm: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


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


def test_a_bad_record_imports_nothing_and_names_it(aipm: Aipm, dump: Path, target: str) -> None:
    doc: dict[str, Any] = json.loads(dump.read_text(encoding="utf-8"))
    doc["tables"]["scoring_model"][0]["name"] = ""
    dump.write_text(json.dumps(doc), encoding="utf-8")
    result = aipm("import", target, dump)
    _error_line(result, "table scoring_model, record 1: field name")
    assert _is_empty(target)


def test_an_existing_workspace_is_replaced_only_with_force(
    aipm: Aipm, dump: Path, target: str
) -> None:
    made = aipm("new", target, "--name", "Already here")
    assert made.exit_code == 0, made.output
    refused = aipm("import", target, dump)
    line = _error_line(refused)
    assert "already exists" in line or "not empty" in line
    assert "--force" in line
    assert json.loads(aipm("info", target, "--json").stdout)["name"] == "Already here"
    replaced = aipm("import", target, dump, "--force")
    assert replaced.exit_code == 0, replaced.output
    assert json.loads(aipm("info", target, "--json").stdout)["name"] == "Tidewell AI portfolio"
