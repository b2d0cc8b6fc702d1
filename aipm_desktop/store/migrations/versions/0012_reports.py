"""saved reports

Revision ID: 0012_reports
Revises: 0009
Create Date: 2026-12-06

New table ``saved_report``: a named report (kind, and the report options as JSON:
sections chosen and ordered, use cases, client-safe profile, page size ...). The
downgrade drops the table.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

_TEXT = sqlmodel.sql.sqltypes.AutoString
_STAMP = sqlmodel.sql.sqltypes.UTCDateTime

# The lead may renumber this revision at a merge, with the constant of its test.
revision = "0012_reports"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", _STAMP(), nullable=False),
        sa.Column("updated_at", _STAMP(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", _TEXT(length=200), nullable=False),
        sa.Column("kind", _TEXT(length=40), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", name="uq_saved_report_name"),
    )


def downgrade() -> None:
    op.drop_table("saved_report")
