"""unit economics: cost models with scenarios, tokens, caching, review and margins; model prices

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-14

The cost model table is rebuilt with the inputs of a full unit-economics model. Every
stored model keeps its values: ``tokens_per_request`` becomes the input tokens per
request, ``cost_per_1k_tokens`` the price per million input tokens (x 1000), and
``other_cost_per_request`` the embedding and retrieval cost per request, so each model's
cost per request is what it was; a source note on each of those inputs says so. The
``sensitivity_ranges`` column (the user's low / high values of inputs for the tornado
chart) starts empty. The new
``model_price`` table is filled with the dated starting table shipped with the app
(``resources/data/model_prices.json``).
"""

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: Columns of the 0005 cost model kept under the same name and meaning.
_KEPT = (
    "id",
    "created_at",
    "updated_at",
    "version",
    "name",
    "use_case_id",
    "requests_per_month",
    "fixed_monthly_cost",
    "success_rate",
    "target_cost_per_task",
    "notes",
)


def _number(default: str = "0") -> dict[str, Any]:
    return {"nullable": False, "server_default": default}


def _cost_model_columns() -> list[sa.schema.SchemaItem]:
    text = sqlmodel.sql.sqltypes.AutoString
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", text(length=200), nullable=False),
        sa.Column("use_case_id", sa.Integer(), nullable=True),
        sa.Column("option_label", text(length=100), nullable=False, server_default=""),
        sa.Column("role", sa.String(length=30), nullable=False, server_default="none"),
        sa.Column("currency", text(length=3), nullable=False, server_default="USD"),
        sa.Column("requests_per_month", sa.Float(), **_number()),
        sa.Column("requests_per_month_low", sa.Float(), nullable=True),
        sa.Column("requests_per_month_high", sa.Float(), nullable=True),
        sa.Column("input_tokens_per_request", sa.Float(), **_number()),
        sa.Column("output_tokens_per_request", sa.Float(), **_number()),
        sa.Column("cached_input_share", sa.Float(), **_number()),
        sa.Column("retries_per_request", sa.Float(), **_number()),
        sa.Column("price_id", sa.Integer(), nullable=True),
        sa.Column("price_input_per_m", sa.Float(), **_number()),
        sa.Column("price_cached_input_per_m", sa.Float(), nullable=True),
        sa.Column("price_output_per_m", sa.Float(), **_number()),
        sa.Column("retrieval_cost_per_request", sa.Float(), **_number()),
        sa.Column("guardrail_calls_per_request", sa.Float(), **_number()),
        sa.Column("guardrail_cost_per_call", sa.Float(), **_number()),
        sa.Column("fixed_monthly_cost", sa.Float(), **_number()),
        sa.Column("build_cost_oneoff", sa.Float(), **_number()),
        sa.Column("review_share", sa.Float(), **_number()),
        sa.Column("review_minutes", sa.Float(), **_number()),
        sa.Column("review_hourly_cost", sa.Float(), **_number()),
        sa.Column("success_rate", sa.Float(), **_number("1")),
        sa.Column("price_per_task", sa.Float(), nullable=True),
        sa.Column("price_per_seat", sa.Float(), nullable=True),
        sa.Column("tasks_per_seat", sa.Float(), nullable=True),
        sa.Column("human_cost_per_task", sa.Float(), nullable=True),
        sa.Column("target_cost_per_task", sa.Float(), nullable=True),
        sa.Column("kpi_id", sa.Integer(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False, server_default="{}"),
        sa.Column("sensitivity_ranges", sa.JSON(), nullable=False, server_default="{}"),
        sa.Column("notes", text(), nullable=False, server_default=""),
        sa.CheckConstraint(
            "role IN ('none', 'build', 'partner', 'buy')", name="ck_cost_model_role"
        ),
        sa.CheckConstraint("success_rate >= 0 AND success_rate <= 1", name="ck_success_rate_range"),
        sa.CheckConstraint(
            "cached_input_share >= 0 AND cached_input_share <= 1",
            name="ck_cached_input_share_range",
        ),
        sa.CheckConstraint("review_share >= 0 AND review_share <= 1", name="ck_review_share_range"),
        sa.ForeignKeyConstraint(["use_case_id"], ["use_case.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["price_id"], ["model_price.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpi.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    ]


def _create_model_price() -> sa.Table:
    text = sqlmodel.sql.sqltypes.AutoString
    return op.create_table(
        "model_price",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("provider", text(length=100), nullable=False),
        sa.Column("model", text(length=200), nullable=False),
        sa.Column("price_input_per_m", sa.Float(), nullable=False),
        sa.Column("price_cached_input_per_m", sa.Float(), nullable=True),
        sa.Column("price_output_per_m", sa.Float(), nullable=False),
        sa.Column("currency", text(length=3), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("source", text(length=500), nullable=False),
        sa.Column("notes", text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("provider", "model", name="uq_model_price_provider_model"),
    )


def _seed_prices(table: sa.Table) -> None:
    from aipm_desktop import resources

    data = resources.load_json("model_prices")
    as_of = dt.date.fromisoformat(data["as_of"])
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    rows = [
        {
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "provider": p["provider"],
            "model": p["model"],
            "price_input_per_m": float(p["price_input_per_m"]),
            "price_cached_input_per_m": p["price_cached_input_per_m"],
            "price_output_per_m": float(p["price_output_per_m"]),
            "currency": data["currency"],
            "as_of": as_of,
            "source": p["source"],
            "notes": p["notes"],
        }
        for p in data["prices"]
    ]
    op.bulk_insert(table, rows)


def _untyped(name: str, table: sa.Table) -> Any:
    """An INSERT into ``table`` passing values through as stored (timestamps as the text
    SQLite holds), so copied rows keep their exact values."""
    return sa.table(name, *(sa.column(c.name) for c in table.columns)).insert()


def _migrated(row: Any) -> dict[str, Any]:
    """A 0005 cost model as a 0006 one, with the same cost per request."""
    values = {name: row[name] for name in _KEPT}
    tokens = float(row["tokens_per_request"] or 0)
    per_1k = float(row["cost_per_1k_tokens"] or 0)
    other = float(row["other_cost_per_request"] or 0)
    values.update(
        option_label="",
        role="none",
        currency="USD",
        requests_per_month_low=None,
        requests_per_month_high=None,
        input_tokens_per_request=tokens,
        output_tokens_per_request=0.0,
        cached_input_share=0.0,
        retries_per_request=0.0,
        price_id=None,
        price_input_per_m=per_1k * 1000,
        price_cached_input_per_m=None,
        price_output_per_m=0.0,
        retrieval_cost_per_request=other,
        guardrail_calls_per_request=0.0,
        guardrail_cost_per_call=0.0,
        build_cost_oneoff=0.0,
        review_share=0.0,
        review_minutes=0.0,
        review_hourly_cost=0.0,
        price_per_task=None,
        price_per_seat=None,
        tasks_per_seat=None,
        human_cost_per_task=None,
        kpi_id=None,
        sensitivity_ranges="{}",
        sources=json.dumps(
            {
                "input_tokens_per_request": "Tokens per request before the upgrade "
                "(input and output were one count).",
                "price_input_per_m": f"Converted from {per_1k:g} per 1,000 tokens.",
                "retrieval_cost_per_request": "The 'other cost per request' before the upgrade.",
            }
        ),
    )
    return values


def upgrade() -> None:
    prices = _create_model_price()
    _seed_prices(prices)
    conn = op.get_bind()
    old_rows = conn.execute(sa.text("SELECT * FROM cost_model ORDER BY id")).mappings().all()
    op.drop_index("ix_cost_model_use_case_id", table_name="cost_model")
    op.drop_table("cost_model")
    table = op.create_table("cost_model", *_cost_model_columns())
    op.create_index("ix_cost_model_use_case_id", "cost_model", ["use_case_id"], unique=False)
    op.create_index("ix_cost_model_price_id", "cost_model", ["price_id"], unique=False)
    op.create_index("ix_cost_model_kpi_id", "cost_model", ["kpi_id"], unique=False)
    if old_rows:
        conn.execute(_untyped("cost_model", table), [_migrated(row) for row in old_rows])


def downgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT * FROM cost_model ORDER BY id")).mappings().all()
    op.drop_index("ix_cost_model_kpi_id", table_name="cost_model")
    op.drop_index("ix_cost_model_price_id", table_name="cost_model")
    op.drop_index("ix_cost_model_use_case_id", table_name="cost_model")
    op.drop_table("cost_model")
    old = op.create_table(
        "cost_model",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("use_case_id", sa.Integer(), nullable=True),
        sa.Column("requests_per_month", sa.Float(), nullable=False),
        sa.Column("tokens_per_request", sa.Float(), nullable=False),
        sa.Column("cost_per_1k_tokens", sa.Float(), nullable=False),
        sa.Column("other_cost_per_request", sa.Float(), nullable=False),
        sa.Column("fixed_monthly_cost", sa.Float(), nullable=False),
        sa.Column("success_rate", sa.Float(), nullable=False),
        sa.Column("target_cost_per_task", sa.Float(), nullable=True),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.CheckConstraint(
            "success_rate >= 0.0001 AND success_rate <= 1", name="ck_success_rate_range"
        ),
        sa.ForeignKeyConstraint(["use_case_id"], ["use_case.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_cost_model_use_case_id", "cost_model", ["use_case_id"], unique=False)
    # Lossy: one token count (input + output) at the input price; the rest of the
    # per-request costs as "other"; prices from the price table are not looked up.
    restored = []
    for row in rows:
        values = {name: row[name] for name in _KEPT}
        values["success_rate"] = max(float(row["success_rate"]), 0.0001)
        tokens = float(row["input_tokens_per_request"]) + float(row["output_tokens_per_request"])
        values["tokens_per_request"] = tokens
        values["cost_per_1k_tokens"] = float(row["price_input_per_m"]) / 1000
        values["other_cost_per_request"] = float(row["retrieval_cost_per_request"]) + float(
            row["guardrail_calls_per_request"]
        ) * float(row["guardrail_cost_per_call"])
        restored.append(values)
    if restored:
        conn.execute(_untyped("cost_model", old), restored)
    op.drop_table("model_price")
