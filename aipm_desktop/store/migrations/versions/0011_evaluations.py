"""evaluations: suites per use case, metrics with thresholds, runs and their results

Revision ID: 0011_evaluations
Revises: 0010_feedback_triage
Create Date: 2026-12-06

New tables only: ``eval_suite`` (a test set of a use case), ``eval_metric`` (what a suite
measures, its threshold and whether it blocks a launch), ``eval_run`` (a version scored on
a suite, with its source file's name, SHA-256 and rows, and the KPI snapshot it recorded)
and ``eval_run_results`` (a run's per-example results as one compressed blob). The
downgrade drops them.
"""

from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011_evaluations"
down_revision = "0010_feedback_triage"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_STAMP = sqlmodel.sql.sqltypes.UTCDateTime

_KINDS = (
    "accuracy, precision, recall, f1, macro_precision, macro_recall, macro_f1, ece, "
    "pass_rate, mean_score, latency_p50, latency_p95, cost_per_item"
)


def _quoted(names: str) -> str:
    return ", ".join(f"'{n.strip()}'" for n in names.split(","))


def _row_columns() -> list[Any]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", _STAMP(), nullable=False),
        sa.Column("updated_at", _STAMP(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def _index(table: str, column: str, *, unique: bool = False) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=unique)


def upgrade() -> None:
    op.create_table(
        "eval_suite",
        *_row_columns(),
        sa.Column("name", _TEXT(length=200), nullable=False),
        sa.Column("use_case_id", sa.Integer(), nullable=True),
        sa.Column("purpose", _TEXT(), nullable=False),
        sa.Column("dataset", _TEXT(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("provenance", _TEXT(length=500), nullable=False),
        sa.Column("licence", _TEXT(length=200), nullable=False),
        sa.Column("labelling", _TEXT(), nullable=False),
        sa.Column("refresh_cadence", _TEXT(length=100), nullable=False),
        sa.Column("owner", _TEXT(length=200), nullable=False),
        sa.Column("slices", _TEXT(length=500), nullable=False),
        sa.Column("classes", _TEXT(length=2000), nullable=False),
        sa.Column("positive_label", _TEXT(length=200), nullable=False),
        sa.Column("mapping", _TEXT(length=10000), nullable=False),
        sa.ForeignKeyConstraint(["use_case_id"], ["use_case.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("eval_suite", "use_case_id")
    op.create_table(
        "eval_metric",
        *_row_columns(),
        sa.Column("suite_id", sa.Integer(), nullable=False),
        sa.Column("name", _TEXT(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("column", _TEXT(length=100), nullable=False),
        sa.Column("direction", sa.String(length=30), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("blocking", sa.Boolean(), nullable=False),
        sa.Column("slice_column", _TEXT(length=100), nullable=False),
        sa.Column("slice_value", _TEXT(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(f"kind IN ({_quoted(_KINDS)})", name="ck_eval_metric_kind"),
        sa.CheckConstraint(
            "direction IN ('higher_is_better', 'lower_is_better')",
            name="ck_eval_metric_direction",
        ),
        sa.ForeignKeyConstraint(["suite_id"], ["eval_suite.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("eval_metric", "suite_id")
    op.create_table(
        "eval_run",
        *_row_columns(),
        sa.Column("suite_id", sa.Integer(), nullable=False),
        sa.Column("name", _TEXT(length=200), nullable=False),
        sa.Column("run_date", sa.Date(), nullable=True),
        sa.Column("environment", _TEXT(length=200), nullable=False),
        sa.Column("notes", _TEXT(), nullable=False),
        sa.Column("source_file", _TEXT(length=300), nullable=False),
        sa.Column("source_sha256", _TEXT(length=64), nullable=False),
        sa.Column("source_rows", sa.Integer(), nullable=False),
        sa.Column("imported_at", _STAMP(), nullable=True),
        sa.Column("kpi_snapshot_id", sa.Integer(), nullable=True),
        sa.Column("metric_values", _TEXT(), nullable=False),
        sa.ForeignKeyConstraint(["suite_id"], ["eval_suite.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["kpi_snapshot_id"], ["kpi_snapshot.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("suite_id", "name", name="uq_eval_run_suite_name"),
    )
    _index("eval_run", "suite_id")
    op.create_table(
        "eval_run_results",
        *_row_columns(),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("columns", _TEXT(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["eval_run.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    _index("eval_run_results", "run_id", unique=True)


def downgrade() -> None:
    for table in ("eval_run_results", "eval_run", "eval_metric", "eval_suite"):
        op.drop_table(table)
