"""experiments: metrics, variants, guardrails, planning inputs, daily results, decision

Revision ID: 0008
Revises: 0007
Create Date: 2027-01-11

The experiment table is rebuilt. Every stored experiment keeps its id, timestamps,
version, title, hypothesis, use case, primary metric (as the name of a proportion metric,
higher is better), design notes, result text and start date; ``end`` becomes
``planned_end``; status *concluded* becomes *decided* (draft, running and abandoned stay);
the old free-text ``decision`` becomes the ``rationale`` (the new ``decision`` -- ship,
iterate or stop -- is left empty: the text does not say it reliably); the free-text
``guardrails`` becomes one ``experiment_guardrail`` row per name (split on semicolons and
line breaks; kind proportion, no margin yet), and the text is appended to the design notes
when a name had to be shortened. New tables: ``experiment_variant``,
``experiment_guardrail``, ``experiment_result``.

The downgrade rebuilds the 0007 table: decided reads as concluded and analysing as
running, the guardrail names are joined with "; ", the decision and rationale become the
decision text (at most 300 characters); variants, results and the new fields are dropped.
"""

import datetime as dt
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

from aipm_desktop.store.migrations.columns import row_columns as _row_columns

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_STAMP = sqlmodel.sql.sqltypes.UTCDateTime

#: Columns of the 0007 experiment kept under the same name and meaning.
_KEPT = (
    "id",
    "created_at",
    "updated_at",
    "version",
    "title",
    "hypothesis",
    "use_case_id",
    "primary_metric",
    "start",
    "result",
)


def _experiment_columns() -> list[sa.schema.SchemaItem]:
    return [
        *_row_columns(),
        sa.Column("title", _TEXT(length=200), nullable=False),
        sa.Column("hypothesis", _TEXT(), nullable=False),
        sa.Column("use_case_id", sa.Integer(), nullable=True),
        sa.Column("owner", _TEXT(length=200), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("randomisation_unit", _TEXT(length=100), nullable=False),
        sa.Column("eligibility", _TEXT(), nullable=False),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("planned_end", sa.Date(), nullable=True),
        sa.Column("primary_metric", _TEXT(length=200), nullable=False),
        sa.Column("primary_kind", sa.String(length=30), nullable=False),
        sa.Column("primary_higher_is_better", sa.Boolean(), nullable=False),
        sa.Column("peeking", sa.String(length=30), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=True),
        sa.Column("sd", sa.Float(), nullable=True),
        sa.Column("mde", sa.Float(), nullable=True),
        sa.Column("mde_relative", sa.Boolean(), nullable=False),
        sa.Column("alpha", sa.Float(), nullable=False),
        sa.Column("power", sa.Float(), nullable=False),
        sa.Column("correction", sa.String(length=30), nullable=False),
        sa.Column("daily_units", sa.Float(), nullable=True),
        sa.Column("kpi_id", sa.Integer(), nullable=True),
        sa.Column("roadmap_item_id", sa.Integer(), nullable=True),
        sa.Column("design", _TEXT(), nullable=False),
        sa.Column("result", _TEXT(), nullable=False),
        sa.Column("decision", sa.String(length=30), nullable=True),
        sa.Column("rationale", _TEXT(), nullable=False),
        sa.Column("decided_by", _TEXT(length=200), nullable=False),
        sa.Column("decided_at", _STAMP(), nullable=True),
        sa.Column("results_file", _TEXT(length=300), nullable=False),
        sa.Column("results_sha256", _TEXT(length=64), nullable=False),
        sa.Column("results_rows", sa.Integer(), nullable=False),
        sa.Column("results_imported_at", _STAMP(), nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'running', 'analysing', 'decided', 'abandoned')",
            name="ck_experiment_status",
        ),
        sa.CheckConstraint(
            "primary_kind IN ('proportion', 'mean')", name="ck_experiment_primary_kind"
        ),
        sa.CheckConstraint("peeking IN ('none', 'msprt', 'obf')", name="ck_experiment_peeking"),
        sa.CheckConstraint(
            "correction IN ('none', 'bonferroni', 'holm')", name="ck_experiment_correction"
        ),
        sa.CheckConstraint(
            "decision IS NULL OR decision IN ('ship', 'iterate', 'stop')",
            name="ck_experiment_decision",
        ),
        sa.ForeignKeyConstraint(["use_case_id"], ["use_case.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpi.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["roadmap_item_id"], ["roadmap_item.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    ]


def _create_detail_tables() -> sa.Table:
    op.create_table(
        "experiment_variant",
        *_row_columns(),
        sa.Column("experiment_id", sa.Integer(), nullable=False),
        sa.Column("name", _TEXT(length=100), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", _TEXT(), nullable=False),
        sa.CheckConstraint("weight >= 0.0001 AND weight <= 1000", name="ck_weight_range"),
        sa.ForeignKeyConstraint(["experiment_id"], ["experiment.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("experiment_id", "name", name="uq_experiment_variant_name"),
    )
    op.create_index("ix_experiment_variant_experiment_id", "experiment_variant", ["experiment_id"])
    guardrails = op.create_table(
        "experiment_guardrail",
        *_row_columns(),
        sa.Column("experiment_id", sa.Integer(), nullable=False),
        sa.Column("name", _TEXT(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("margin", sa.Float(), nullable=True),
        sa.Column("relative", sa.Boolean(), nullable=False),
        sa.Column("higher_is_better", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('proportion', 'mean')", name="ck_experiment_guardrail_kind"),
        sa.ForeignKeyConstraint(["experiment_id"], ["experiment.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("experiment_id", "name", name="uq_experiment_guardrail_name"),
    )
    op.create_index(
        "ix_experiment_guardrail_experiment_id", "experiment_guardrail", ["experiment_id"]
    )
    op.create_table(
        "experiment_result",
        sa.Column("experiment_id", sa.Integer(), nullable=False),
        sa.Column("variant_id", sa.Integer(), nullable=False),
        sa.Column("metric", _TEXT(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("conversions", sa.Float(), nullable=True),
        sa.Column("total", sa.Float(), nullable=True),
        sa.Column("total_sq", sa.Float(), nullable=True),
        sa.Column("pre_total", sa.Float(), nullable=True),
        sa.Column("pre_total_sq", sa.Float(), nullable=True),
        sa.Column("cross_total", sa.Float(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint("units >= 0 AND units <= 1000000000000000.0", name="ck_units_range"),
        sa.ForeignKeyConstraint(["experiment_id"], ["experiment.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["variant_id"], ["experiment_variant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "experiment_id", "day", "variant_id", "metric", name="uq_experiment_result_key"
        ),
    )
    op.create_index("ix_experiment_result_experiment_id", "experiment_result", ["experiment_id"])
    op.create_index("ix_experiment_result_variant_id", "experiment_result", ["variant_id"])
    return guardrails


def upgrade() -> None:
    conn = op.get_bind()
    old_rows = conn.execute(sa.text("SELECT * FROM experiment ORDER BY id")).mappings().all()
    op.drop_index("ix_experiment_use_case_id", table_name="experiment")
    op.drop_table("experiment")
    op.create_table("experiment", *_experiment_columns())
    op.create_index("ix_experiment_use_case_id", "experiment", ["use_case_id"])
    op.create_index("ix_experiment_kpi_id", "experiment", ["kpi_id"])
    op.create_index("ix_experiment_roadmap_item_id", "experiment", ["roadmap_item_id"])
    guardrails = _create_detail_tables()
    if not old_rows:
        return
    # Untyped columns: values pass through as SQLite stored them (dates as text).
    target = sa.table(
        "experiment",
        *(
            sa.column(name)
            for name in (
                *_KEPT,
                "owner",
                "status",
                "randomisation_unit",
                "eligibility",
                "planned_end",
                "primary_kind",
                "primary_higher_is_better",
                "peeking",
                "mde_relative",
                "alpha",
                "power",
                "correction",
                "design",
                "rationale",
                "decided_by",
                "results_file",
                "results_sha256",
                "results_rows",
            )
        ),
    )
    from aipm_desktop.models.experiments import from_schema_0007

    migrated, guardrail_rows = [], []
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for old in old_rows:
        row, names = from_schema_0007(dict(old))
        migrated.append(
            {
                **{name: row[name] for name in _KEPT},
                "owner": "",
                "status": row["status"],
                "randomisation_unit": "user",
                "eligibility": "",
                "planned_end": row["planned_end"],
                "primary_kind": "proportion",
                "primary_higher_is_better": True,
                "peeking": "none",
                "mde_relative": False,
                "alpha": 0.05,
                "power": 0.8,
                "correction": "holm",
                "design": row["design"],
                "rationale": row["rationale"],
                "decided_by": "",
                "results_file": "",
                "results_sha256": "",
                "results_rows": 0,
            }
        )
        guardrail_rows += [
            {
                "created_at": now,
                "updated_at": now,
                "version": 1,
                "experiment_id": row["id"],
                "name": name,
                "kind": "proportion",
                "margin": None,
                "relative": False,
                "higher_is_better": True,
                "position": position,
            }
            for position, name in enumerate(names)
        ]
    conn.execute(target.insert(), migrated)
    if guardrail_rows:
        op.bulk_insert(guardrails, guardrail_rows)


_DECISION_WORDS = {"ship": "Ship", "iterate": "Iterate", "stop": "Stop"}


def downgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT * FROM experiment ORDER BY id")).mappings().all()
    names: dict[int, list[str]] = {}
    for experiment_id, name in conn.execute(
        sa.text(
            "SELECT experiment_id, name FROM experiment_guardrail ORDER BY experiment_id,"
            " position, id"
        )
    ):
        names.setdefault(int(experiment_id), []).append(str(name))
    for name in ("experiment_result", "experiment_guardrail", "experiment_variant"):
        op.drop_table(name)
    for index in ("roadmap_item_id", "kpi_id", "use_case_id"):
        op.drop_index(f"ix_experiment_{index}", table_name="experiment")
    op.drop_table("experiment")
    op.create_table(
        "experiment",
        *_row_columns(),
        sa.Column("title", _TEXT(length=200), nullable=False),
        sa.Column("hypothesis", _TEXT(), nullable=False),
        sa.Column("use_case_id", sa.Integer(), nullable=True),
        sa.Column("primary_metric", _TEXT(length=200), nullable=False),
        sa.Column("guardrails", _TEXT(), nullable=False),
        sa.Column("design", _TEXT(), nullable=False),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("result", _TEXT(), nullable=False),
        sa.Column("decision", _TEXT(length=300), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'running', 'concluded', 'abandoned')",
            name="ck_experiment_status",
        ),
        sa.ForeignKeyConstraint(["use_case_id"], ["use_case.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_experiment_use_case_id", "experiment", ["use_case_id"])
    if not rows:
        return
    table = sa.table(
        "experiment",
        *(sa.column(c) for c in _KEPT),
        sa.column("guardrails"),
        sa.column("design"),
        sa.column("end"),
        sa.column("status"),
        sa.column("decision"),
    )
    restored = []
    for row in rows:
        status = {"decided": "concluded", "analysing": "running"}.get(row["status"], row["status"])
        text = row["rationale"] or ""
        word = _DECISION_WORDS.get(row["decision"] or "")
        if word:
            text = f"{word}: {text}" if text else word
        restored.append(
            {
                **{name: row[name] for name in _KEPT},
                "guardrails": "; ".join(names.get(int(row["id"]), [])),
                "design": row["design"],
                "end": row["planned_end"],
                "status": status,
                "decision": text[:300],
            }
        )
    conn.execute(table.insert(), restored)
