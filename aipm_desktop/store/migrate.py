"""Alembic glue: the schema revisions shipped in the package and how to apply them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The schema revision this version of the app writes."""
    head = _script().get_current_head()
    assert head is not None
    return head


def known_revisions() -> list[str]:
    """All revisions this app knows, oldest first."""
    return [rev.revision for rev in reversed(list(_script().walk_revisions()))]


def upgrade(connection: Connection, target: str = "head") -> None:
    """Migrate the database on ``connection`` up to ``target`` (in its own transaction)."""
    command.upgrade(alembic_config(connection), target)
