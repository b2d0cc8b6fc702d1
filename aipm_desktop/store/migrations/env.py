"""Alembic environment: runs on the connection the store hands over, never on a URL."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import aipm_desktop.models
from aipm_desktop.store.fulltext import include_name

aipm_desktop.models.load_all()  # every table on the metadata, for autogenerate

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("AIPM migrations run only through aipm_desktop.store")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
