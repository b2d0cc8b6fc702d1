"""saved reports

Revision ID: 0012_reports
Revises: 0011_evaluations
Create Date: 2026-12-06

New table ``saved_report``: a named report (kind, and the report options as JSON:
sections chosen and ordered, use cases, client-safe profile, page size ...). The
downgrade drops the table.
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

# Renumbered with the constant of its test when another migration lands first.
revision = "0012_reports"
down_revision = "0011_evaluations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", AutoString(length=200), nullable=False),
        sa.Column("kind", AutoString(length=40), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", name="uq_saved_report_name"),
    )


def downgrade() -> None:
    op.drop_table("saved_report")
