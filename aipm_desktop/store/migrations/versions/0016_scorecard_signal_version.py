"""scorecard signal version: a signal carries a version like every other editable row

Revision ID: 0016_scorecard_signal_version
Revises: 0015_change_log_record_index
Create Date: 2026-12-06

A scorecard's signals are edited one by one in the case library, so an edit must find
the signal as the user read it (no lost update): ``scorecard_signal`` gets the
bookkeeping columns every other editable row has, ``created_at``, ``updated_at`` and
``version``. A stored signal starts at version 1, created and updated when its scorecard
was created (the closest time the file knows). The downgrade drops the three columns and
keeps every signal.
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import UTCDateTime

revision = "0016_scorecard_signal_version"
down_revision = "0015_change_log_record_index"
branch_labels = None
depends_on = None

STAMPS = ("created_at", "updated_at")


def upgrade() -> None:
    with op.batch_alter_table("scorecard_signal", schema=None) as batch_op:
        for name in STAMPS:
            batch_op.add_column(sa.Column(name, UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    created = (
        "(SELECT scorecard.created_at FROM scorecard "
        "WHERE scorecard.id = scorecard_signal.scorecard_id)"
    )
    op.execute(f"UPDATE scorecard_signal SET created_at = {created}, updated_at = {created}")
    with op.batch_alter_table("scorecard_signal", schema=None) as batch_op:
        for name in STAMPS:
            batch_op.alter_column(name, existing_type=UTCDateTime(), nullable=False)
        batch_op.alter_column("version", existing_type=sa.Integer(), server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("scorecard_signal", schema=None) as batch_op:
        for name in ("version", *reversed(STAMPS)):
            batch_op.drop_column(name)
