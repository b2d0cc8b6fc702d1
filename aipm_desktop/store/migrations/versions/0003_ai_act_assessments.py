"""ai act assessments: the EU AI Act tier check per use case and its obligation items

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ai_act_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("use_case_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("tier", sa.String(length=30), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("assessor", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "tier IN ('prohibited', 'high', 'limited', 'minimal')",
            name="ck_ai_act_assessment_tier",
        ),
        sa.ForeignKeyConstraint(["use_case_id"], ["use_case.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("use_case_id"),
    )
    op.create_table(
        "compliance_obligation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("use_case_id", sa.Integer(), nullable=False),
        sa.Column("article", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("evidence", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'done', 'blocked', 'not_applicable')",
            name="ck_compliance_obligation_status",
        ),
        sa.ForeignKeyConstraint(["use_case_id"], ["use_case.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("use_case_id", "article", name="uq_compliance_obligation_article"),
    )
    with op.batch_alter_table("compliance_obligation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_compliance_obligation_use_case_id"), ["use_case_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("compliance_obligation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_compliance_obligation_use_case_id"))
    op.drop_table("compliance_obligation")
    op.drop_table("ai_act_assessment")
