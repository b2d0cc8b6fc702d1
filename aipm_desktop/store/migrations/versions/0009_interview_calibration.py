"""interview calibration: blind scoring, reveal, decision, practice evaluations, case references

Revision ID: 0009
Revises: 0008
Create Date: 2027-01-25

``evaluation`` gains ``submitted_at`` (blind scoring: ratings stay hidden from the other
interviewers and the comparison until submitted) and ``practice`` (a calibration
exercise on a case's sample answer, never a hiring figure); its ``candidate_id`` may be
empty (a practice evaluation has no candidate). Every stored evaluation that has a rating
counts as submitted (at its last change), so comparisons made before stay visible.
``candidate`` gains the "compare now" reveal (when, who, why) and the panel's decision
(hire / no hire / hold, rationale, who, when). ``case_exercise`` gains the sample answer
scored in calibration sessions and the scorecard it is scored on (empty: the default).
New table ``reference_rating``: the rating a case's sample answer deserves per dimension.

The downgrade drops the practice evaluations (and their ratings) and the new columns and
table; the rest of every row comes back as it was. Like every migration it runs with
foreign keys off (the store's upgrade engine), as the rebuilt tables have children.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

_TEXT = sqlmodel.sql.sqltypes.AutoString
_STAMP = sqlmodel.sql.sqltypes.UTCDateTime

# The lead may renumber this revision at a merge, with the constant of its test.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    required = {
        "id": sa.Integer(),
        "created_at": _STAMP(),
        "updated_at": _STAMP(),
        "version": sa.Integer(),
        "exercise_id": sa.Integer(),
        "dimension_key": _TEXT(length=60),
        "rating": sa.Integer(),
        "rationale": _TEXT(),
    }
    op.create_table(
        "reference_rating",
        *(sa.Column(name, kind, nullable=False) for name, kind in required.items()),
        sa.CheckConstraint("rating >= 1 AND rating <= 4", name="ck_rating_range"),
        sa.ForeignKeyConstraint(["exercise_id"], ["case_exercise.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("exercise_id", "dimension_key", name="uq_reference_rating_dimension"),
    )
    op.create_index("ix_reference_rating_exercise_id", "reference_rating", ["exercise_id"])
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submitted_at", _STAMP(), nullable=True))
        batch_op.add_column(
            sa.Column("practice", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.alter_column("candidate_id", existing_type=sa.Integer(), nullable=True)
    op.execute(
        "UPDATE evaluation SET submitted_at = updated_at WHERE EXISTS "
        "(SELECT 1 FROM rating WHERE rating.evaluation_id = evaluation.id)"
    )
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revealed_at", _STAMP(), nullable=True))
        batch_op.add_column(
            sa.Column("revealed_by", _TEXT(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("reveal_reason", _TEXT(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("decision", sa.String(length=30), nullable=True))
        batch_op.add_column(
            sa.Column("decision_rationale", _TEXT(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("decided_by", _TEXT(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("decided_at", _STAMP(), nullable=True))
        batch_op.create_check_constraint(
            "ck_candidate_decision",
            "decision IS NULL OR decision IN ('hire', 'no_hire', 'hold')",
        )
    with op.batch_alter_table("case_exercise", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sample_answer", _TEXT(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("scorecard_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_case_exercise_scorecard_id_scorecard",
            "scorecard",
            ["scorecard_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    op.execute(
        "DELETE FROM rating WHERE evaluation_id IN "
        "(SELECT id FROM evaluation WHERE candidate_id IS NULL)"
    )
    op.execute("DELETE FROM evaluation WHERE candidate_id IS NULL")
    op.drop_index("ix_reference_rating_exercise_id", table_name="reference_rating")
    op.drop_table("reference_rating")
    with op.batch_alter_table("case_exercise", schema=None) as batch_op:
        batch_op.drop_constraint("fk_case_exercise_scorecard_id_scorecard", type_="foreignkey")
        batch_op.drop_column("scorecard_id")
        batch_op.drop_column("sample_answer")
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.drop_constraint("ck_candidate_decision", type_="check")
        for column in (
            "decided_at",
            "decided_by",
            "decision_rationale",
            "decision",
            "reveal_reason",
            "revealed_by",
            "revealed_at",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.alter_column("candidate_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("practice")
        batch_op.drop_column("submitted_at")
