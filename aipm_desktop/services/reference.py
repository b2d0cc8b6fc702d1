"""Loading the built-in reference data (resources/data/*.json) into a workspace."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import Session

from .. import resources
from ..models import (
    CaseExercise,
    Criterion,
    DeliverableKind,
    KpiCatalogEntry,
    LaunchChecklistTemplate,
    RiskTaxonomy,
    RiskTaxonomyItem,
    Scorecard,
    ScorecardDimension,
    ScorecardSignal,
    ScoringModel,
)

#: Tables holding reference data: replaced wholesale when a JSON dump is imported.
REFERENCE_TABLES = (
    "kpi_catalog",
    "deliverable_kind",
    "risk_taxonomy",
    "risk_taxonomy_item",
    "launch_checklist_template",
)


def _insert(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(model.__table__), rows)  # type: ignore[attr-defined]


def seed_catalogs(session: Session) -> None:
    """KPI catalog, deliverable kinds, risk taxonomies, the launch checklist template."""
    for model in (RiskTaxonomyItem, RiskTaxonomy, KpiCatalogEntry, DeliverableKind):
        session.execute(delete(model.__table__))  # type: ignore[union-attr]
    session.execute(delete(LaunchChecklistTemplate.__table__))  # type: ignore[attr-defined]
    kpi_fields = set(KpiCatalogEntry.model_fields) - {"id"}
    _insert(
        session,
        KpiCatalogEntry,
        [
            {k: v for k, v in e.items() if k in kpi_fields}
            for e in resources.load_json("kpi_catalog")
        ],
    )
    _insert(
        session,
        DeliverableKind,
        [
            {"key": d["key"], "name": d["name"], "description": d.get("description", "")}
            for d in resources.load_json("deliverable_kinds")
        ],
    )
    for tax in resources.load_json("risk_taxonomies"):
        taxonomy = RiskTaxonomy(key=tax["key"], name=tax["name"], source=tax.get("source", ""))
        session.add(taxonomy)
        session.flush()
        _insert(
            session,
            RiskTaxonomyItem,
            [
                {
                    "taxonomy_id": taxonomy.id,
                    "key": item["key"],
                    "name": item["name"],
                    "description": item.get("description", ""),
                }
                for item in tax["items"]
            ],
        )
    _insert(
        session,
        LaunchChecklistTemplate,
        [
            {
                "function": item["function"],
                "item": item["item"],
                "description": item.get("description", ""),
                "position": i,
            }
            for i, item in enumerate(resources.load_json("launch_checklist"))
        ],
    )


def seed_scoring_models(session: Session) -> int | None:
    """Load the built-in scoring models; returns the default model's id."""
    default_id = None
    for spec in resources.load_json("scoring_models"):
        model = ScoringModel(
            key=spec["key"],
            name=spec["name"],
            description=spec.get("description", ""),
            is_preset=True,
        )
        session.add(model)
        session.flush()
        for position, crit in enumerate(spec["criteria"]):
            session.add(
                Criterion.model_validate(
                    {
                        "model_id": model.id,
                        "key": crit["key"],
                        "name": crit["name"],
                        "group": crit["group"],
                        "weight": crit["weight"],
                        "direction": crit["direction"],
                        "description": crit.get("description", ""),
                        "levels": crit["levels"],
                        "position": position,
                    }
                )
            )
        if spec.get("is_default"):
            default_id = model.id
    session.flush()
    return default_id


def _as_markdown(value: str | list[str]) -> str:
    """Reference text given as a list of points becomes a markdown bullet list."""
    if isinstance(value, list):
        return "\n".join(f"- {item}" for item in value)
    return value


def seed_interview_kit(session: Session) -> None:
    """The default scorecard, its signals and the built-in case exercises."""
    kit = resources.load_json("interview")
    card_spec = kit["scorecard"]
    card = Scorecard(
        key=card_spec["key"], name=card_spec["name"], rating_scale=card_spec["rating_scale"]
    )
    session.add(card)
    session.flush()
    assert card.id is not None  # assigned by the flush
    for position, dim in enumerate(card_spec["dimensions"]):
        session.add(
            ScorecardDimension(
                scorecard_id=card.id,
                key=dim["key"],
                name=dim["name"],
                weight=dim["weight"],
                meets_bar=dim.get("meets_bar", ""),
                levels=dim["levels"],
                position=position,
            )
        )
    for kind, texts in card_spec["signals"].items():
        for position, text in enumerate(texts):
            session.add(
                ScorecardSignal(scorecard_id=card.id, kind=kind, text=text, position=position)
            )
    for ex in kit["exercises"]:
        session.add(
            CaseExercise(
                key=ex["key"],
                title=ex["title"],
                prompt=ex["prompt"],
                materials=ex.get("materials_md", ""),
                expected_outputs=_as_markdown(ex.get("expected_outputs", "")),
                time_box_minutes=int(ex.get("time_box_minutes", 45)),
                dimension_keys=list(ex.get("dimensions", [])),
                built_in=True,
            )
        )
    session.flush()


def seed_all(session: Session) -> int | None:
    """Everything a new workspace starts with; returns the default scoring model id."""
    seed_catalogs(session)
    default_model = seed_scoring_models(session)
    seed_interview_kit(session)
    return default_model


def incident_reference_rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The severity definitions and failure categories a workspace starts with (no id, no
    timestamps); migration 0007 seeds the same rows into every file."""
    data = resources.load_json("incident_reference")
    severities = [
        {
            "severity": s["severity"],
            "name": s["name"],
            "definition": s["definition"],
            "acknowledge_within_hours": s.get("acknowledge_within_hours"),
        }
        for s in data["severities"]
    ]
    categories = [
        {"name": c["name"], "description": c.get("description", ""), "position": i}
        for i, c in enumerate(data["failure_categories"])
    ]
    return severities, categories
