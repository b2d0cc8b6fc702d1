"""Column pieces the migrations share (0007 on): the types of the models' text and time
stamp fields and the columns every entity table starts with. What they create must never
change, since shipped migrations use them."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel.sql import sqltypes

#: How the models' ``str`` and aware ``datetime`` fields are stored.
TEXT = sqltypes.AutoString
STAMP = sqltypes.UTCDateTime


def row_columns() -> list[sa.Column[Any]]:
    """The columns every entity table starts with (:class:`~aipm_desktop.models.TableMixin`)."""
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", STAMP(), nullable=False),
        sa.Column("updated_at", STAMP(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


#: Table options of every table with an integer ``id`` (0017 on): SQLite never hands a
#: deleted row's id to a new row. Pass them to ``op.create_table(..., **ID_NEVER_REUSED)``
#: and to ``op.batch_alter_table(..., table_kwargs=ID_NEVER_REUSED)``: a batch rebuild
#: reflects the table without them and would otherwise drop them (a test notices).
ID_NEVER_REUSED: dict[str, Any] = {"sqlite_autoincrement": True}
