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
