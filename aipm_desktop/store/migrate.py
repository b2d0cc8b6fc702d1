"""Alembic glue: the schema revisions shipped in the package and how to apply them.

Opening a current workspace only needs to know the revision ids, so they are read from
the migration files' ``revision`` / ``down_revision`` lines without importing Alembic
(which costs ~0.1 s at start-up); Alembic itself is imported only to migrate or create.
A test checks this reading against Alembic's own ``ScriptDirectory``.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
VERSIONS_DIR = MIGRATIONS_DIR / "versions"
_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*=\s*(.+)$", re.MULTILINE)


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def known_revisions() -> tuple[str, ...]:
    """All revisions this app knows, oldest first (a single linear history)."""
    parents: dict[str, str | None] = {}
    for script in VERSIONS_DIR.glob("*.py"):
        found = dict(_REVISION_LINE.findall(script.read_text(encoding="utf-8")))
        if "revision" not in found:
            continue
        revision = found["revision"].strip().strip("'\"")
        parent = found.get("down_revision", "None").strip().strip("'\"")
        parents[revision] = None if parent == "None" else parent
    children = {parent: rev for rev, parent in parents.items()}
    chain: list[str] = []
    current = children.get(None)
    while current is not None:
        chain.append(current)
        current = children.get(current)
    if len(chain) != len(parents):
        raise RuntimeError("the shipped migrations do not form one linear history")
    return tuple(chain)


def head_revision() -> str:
    """The schema revision this version of the app writes."""
    return known_revisions()[-1]


def upgrade(connection: Connection, target: str = "head") -> None:
    """Migrate the database on ``connection`` up to ``target`` (in its own transaction)."""
    from alembic import command

    command.upgrade(alembic_config(connection), target)
