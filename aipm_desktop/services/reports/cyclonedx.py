"""A model card as a CycloneDX 1.6 ML-BOM: one component of type
"machine-learning-model" whose ``modelCard`` is filled from the workspace.

- ``modelParameters.datasets``: one dataset per line of the use case's data sources;
- ``quantitativeAnalysis.performanceMetrics``: the latest evaluation run's metrics (with
  their 95% interval) and the use case's KPIs (latest value, as of its date);
- ``considerations``: intended users and uses, out-of-scope use and known limitations as
  technical limitations, the latency requirement as a performance trade-off, and each
  linked risk with its mitigations as an ethical consideration;
- component ``properties`` (``aipm:`` names): status, owner, decision, EU AI Act tier,
  outcome metric and cost figures.

The BOM is reproducible: its serial number is a UUID derived from the workspace content
hash, the use case and the card's options, and its timestamp is the card's as-of date.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from .flow import plain_text
from .model import Table
from .model_card import ModelCard
from .sections import DASH

SPEC_VERSION = "1.6"
#: The namespace of the serial numbers' name-based UUIDs.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://aipm-desktop.invalid/model-card")


def _rows(block: Table) -> list[dict[str, str]]:
    return [dict(zip(block.header, row, strict=False)) for row in block.rows]


def _lines(text: str) -> list[str]:
    return [line.strip(" -•") for line in text.replace(";", "\n").splitlines() if line.strip()]


def _metrics(card: ModelCard) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for block in card.tables.get("evaluations", []):
        for row in _rows(block):
            metric: dict[str, Any] = {
                "type": row.get("Metric", ""),
                "value": row.get("Value", ""),
                "slice": f"{row.get('Suite', '')}, run {row.get('Run', '')}".strip(", "),
            }
            low, _, high = row.get("95% CI", "").partition(DASH)
            if low and high:
                metric["confidenceInterval"] = {"lowerBound": low, "upperBound": high}
            found.append(metric)
    for block in card.tables.get("kpis", []):
        for row in _rows(block):
            found.append(
                {
                    "type": row.get("KPI", ""),
                    "value": row.get("Latest", ""),
                    "slice": f"production KPI as of {row.get('As of', '')}".strip(),
                }
            )
    return [m for m in found if m["type"]]


def _considerations(card: ModelCard) -> dict[str, Any]:
    texts, topics = card.texts, card.topics
    limitations = [plain_text(t) for t in (*topics["out_of_scope"], *topics["limitations"])]
    found: dict[str, Any] = {
        "users": _lines(texts["target_users"]),
        "useCases": [t for t in (texts["value_hypothesis"], texts["problem"]) if t]
        + [plain_text(t) for t in topics["direct"]],
        "technicalLimitations": limitations,
        "performanceTradeoffs": (
            [f"Latency requirement: {texts['latency_requirement']}"]
            if texts["latency_requirement"]
            else []
        ),
        "ethicalConsiderations": [
            {"name": row.get("Risk", ""), "mitigationStrategy": row.get("Mitigations", "")}
            for row in (_rows(card.risks) if card.risks is not None else [])
        ],
    }
    return {k: v for k, v in found.items() if v}


def _properties(card: ModelCard) -> list[dict[str, str]]:
    names = {
        "Owner": "aipm:owner",
        "Status": "aipm:status",
        "Area": "aipm:area",
        "Build, partner or buy": "aipm:decision",
        "EU AI Act tier": "aipm:eu-ai-act-tier",
        "Outcome metric": "aipm:outcome-metric",
    }
    found = [{"name": names[k], "value": v} for k, v in card.facts if k in names]
    if card.texts["human_in_loop"]:
        found.append({"name": "aipm:human-oversight", "value": card.texts["human_in_loop"]})
    if card.texts["safety_constraints"]:
        found.append({"name": "aipm:safety-constraints", "value": card.texts["safety_constraints"]})
    for block in card.tables.get("costs", [])[:1]:  # the cost models (not envelope or notes)
        for row in _rows(block):
            model = row.get("Cost model", "")
            for column in ("Per request", "Monthly", "3 years"):
                if row.get(column):
                    found.append(
                        {"name": f"aipm:cost:{model}:{column.lower()}", "value": row[column]}
                    )
    found.append({"name": "aipm:confidentiality", "value": card.meta.confidentiality})
    return found


def bom(card: ModelCard) -> dict[str, Any]:
    """The card as a CycloneDX 1.6 BOM (JSON-ready data)."""
    meta = card.meta
    content = str(card.manifest.get("workspace_content_sha256", ""))
    options = json.dumps(card.manifest.get("options", {}), sort_keys=True)
    serial = uuid.uuid5(NAMESPACE, f"{content}:{card.use_case_id}:{options}")
    ref = f"use-case-{card.use_case_id}"
    datasets = [{"type": "dataset", "name": line} for line in _lines(card.texts["data_sources"])]
    model_card: dict[str, Any] = {
        "bom-ref": f"{ref}-model-card",
        "modelParameters": {"datasets": datasets} if datasets else {},
        "considerations": _considerations(card),
    }
    metrics = _metrics(card)
    if metrics:
        model_card["quantitativeAnalysis"] = {"performanceMetrics": metrics}
    model_card = {k: v for k, v in model_card.items() if v}
    component: dict[str, Any] = {
        "type": "machine-learning-model",
        "bom-ref": ref,
        "name": card.title,
        "version": meta.version,
        "modelCard": model_card,
        "properties": _properties(card),
    }
    if card.texts["problem"]:
        component["description"] = card.texts["problem"]
    if meta.client:
        component["supplier"] = {"name": meta.client}
    tool = {"type": "application", "name": "AIPM Desktop"}
    if card.manifest.get("app_version"):
        tool["version"] = str(card.manifest["app_version"])
    metadata: dict[str, Any] = {
        "timestamp": f"{meta.as_of.isoformat()}T00:00:00Z",
        "tools": {"components": [tool]},
        "properties": [{"name": "aipm:workspace-content-sha256", "value": content}],
    }
    if meta.author:
        metadata["authors"] = [{"name": meta.author}]
    return {
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": f"urn:uuid:{serial}",
        "version": 1,
        "metadata": metadata,
        "components": [component],
    }


def bom_json(card: ModelCard) -> bytes:
    """The BOM as indented JSON with sorted keys (the same card, the same bytes)."""
    return (json.dumps(bom(card), indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
