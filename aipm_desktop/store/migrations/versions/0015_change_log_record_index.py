"""change log record index: who last changed a record, found without a scan

Revision ID: 0015_change_log_record_index
Revises: 0014_audit_chain
Create Date: 2026-12-06

The lists' "Updated by" column reads the newest change-log entry naming each record
shown; the index on ``(entity, entity_id, id)`` answers that with one seek per row,
however long the log. The downgrade drops it.
"""

from alembic import op

revision = "0015_change_log_record_index"
down_revision = "0014_audit_chain"
branch_labels = None
depends_on = None

INDEX = "ix_change_log_entity_record"


def upgrade() -> None:
    op.create_index(INDEX, "change_log", ["entity", "entity_id", "id"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="change_log")
