"""The model / system card of a use case: Markdown in the Hugging Face layout and a
CycloneDX 1.6 ML-BOM validated against the official schema (shipped in
tests/resources/cyclonedx, resolved locally: no network)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource

from aipm_desktop.errors import UserError
from aipm_desktop.services.reports import ReportOptions
from aipm_desktop.services.reports.cyclonedx import bom, bom_json
from aipm_desktop.services.reports.model_card import build_card, card_markdown, export_model_card

from .office_reports import ANSWER_BOT, AS_OF, REPLY_DRAFTS, SECRET

SCHEMAS = Path(__file__).parent.parent / "resources" / "cyclonedx"
BOM_SCHEMA = "bom-1.6.SNAPSHOT.schema.json"

#: The Hugging Face model card's sections, in its order.
HF_HEADINGS = [
    "## Model details",
    "### Model description",
    "## Uses",
    "### Direct use",
    "### Out-of-scope use",
    "## Bias, risks, and limitations",
    "### Recommendations",
    "## Training details",
    "### Training data",
    "## Evaluation",
    "### Results",
    "## Environmental impact and costs",
    "## Technical specifications",
    "## Model card authors",
    "## Model card contact",
]


@pytest.fixture(scope="module")
def validator() -> Draft7Validator:
    """The official schema with the two schemas it references, registered under their
    published ids so ``$ref`` resolves from disk."""
    names = (BOM_SCHEMA, "spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json")
    schemas = {n: json.loads((SCHEMAS / n).read_text(encoding="utf-8")) for n in names}

    def no_network(uri: str) -> Resource:
        raise AssertionError(f"the schema asked for {uri}")

    registry: Registry = Registry(retrieve=no_network).with_resources(  # type: ignore[call-arg]
        (f"http://cyclonedx.org/schema/{n}", Resource.from_contents(s)) for n, s in schemas.items()
    )
    return Draft7Validator(
        schemas[BOM_SCHEMA], registry=registry, format_checker=Draft7Validator.FORMAT_CHECKER
    )


def _options(use_case: str, **more: Any) -> ReportOptions:
    return ReportOptions(kind="model-card", use_cases=(use_case,), as_of=AS_OF, **more)


def test_markdown_follows_the_hugging_face_layout_filled_from_the_workspace(
    internal_ws: Any,
) -> None:
    text = card_markdown(build_card(ws=internal_ws, options=_options(ANSWER_BOT)))
    assert text.startswith("---\ntags:\n- aipm-desktop\n")
    assert f"# Model card for {ANSWER_BOT}" in text
    positions = [text.index(f"\n{h}\n") for h in HF_HEADINGS]
    assert positions == sorted(positions)
    assert "- **Status:** Pilot" in text
    assert "- **EU AI Act tier:**" in text
    # The use case's PRD fills intended use; its risks fill the risk table.
    assert "*From “AI PRD: Help-center answer bot”" in text
    assert "| Risk | Status | Residual | Owner | Next review | Mitigations |" in text
    assert "Answer bot states refund or SLA terms that do not exist" in text
    # The KPIs of the use case, and a topic nothing covers says so.
    assert "### Monitoring in production (KPIs)" in text and "Help-center deflection" in text
    assert "*Not documented in the workspace.*" in text
    assert f"**Card date:** {AS_OF.isoformat()}" in text


def test_a_cyclonedx_ml_bom_that_the_official_schema_accepts(
    internal_ws: Any, validator: Draft7Validator
) -> None:
    for use_case in (ANSWER_BOT, REPLY_DRAFTS):
        data = json.loads(bom_json(build_card(ws=internal_ws, options=_options(use_case))))
        errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(data)]
        assert errors == []
        assert (data["bomFormat"], data["specVersion"]) == ("CycloneDX", "1.6")
        (component,) = data["components"]
        assert component["type"] == "machine-learning-model"
        assert component["name"] == use_case
        considerations = component["modelCard"]["considerations"]
        assert considerations["ethicalConsiderations"][0]["name"]
        assert considerations["users"]
        assert data["metadata"]["timestamp"] == "2026-12-01T00:00:00Z"


def test_the_bom_carries_kpis_risks_and_properties(internal_ws: Any) -> None:
    data = bom(build_card(ws=internal_ws, options=_options(ANSWER_BOT)))
    (component,) = data["components"]
    metrics = component["modelCard"]["quantitativeAnalysis"]["performanceMetrics"]
    deflection = next(m for m in metrics if m["type"] == "Help-center deflection")
    assert deflection["value"] == "15%" and deflection["slice"].startswith("production KPI")
    risks = {r["name"] for r in component["modelCard"]["considerations"]["ethicalConsiderations"]}
    assert "Answer bot states refund or SLA terms that do not exist" in risks
    properties = {p["name"]: p["value"] for p in component["properties"]}
    assert properties["aipm:status"] == "Pilot"
    assert "aipm:eu-ai-act-tier" in properties


def test_the_schema_check_can_fail(validator: Draft7Validator) -> None:
    """The validator rejects a wrong model card and an unknown SPDX licence (the second
    proves the referenced spdx schema is resolved from disk)."""
    base = {"bomFormat": "CycloneDX", "specVersion": "1.6"}
    wrong = {
        **base,
        "components": [
            {
                "type": "machine-learning-model",
                "name": "x",
                "modelCard": {"considerations": {"users": "everyone"}},
            }
        ],
    }
    assert list(validator.iter_errors(wrong))
    licensed = {
        **base,
        "components": [
            {"type": "library", "name": "x", "licenses": [{"license": {"id": "Apache-2.0"}}]}
        ],
    }
    assert not list(validator.iter_errors(licensed))
    licensed["components"][0]["licenses"][0]["license"]["id"] = "Not-A-Licence"
    assert list(validator.iter_errors(licensed))


def test_the_same_card_gives_the_same_bytes(internal_ws: Any, tmp_path: Path) -> None:
    for suffix in (".md", ".json"):
        first = export_model_card(
            ws=internal_ws, options=_options(ANSWER_BOT), out=tmp_path / f"a{suffix}"
        ).read_bytes()
        second = export_model_card(
            ws=internal_ws, options=_options(ANSWER_BOT), out=tmp_path / f"b{suffix}"
        ).read_bytes()
        assert first == second
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert data["serialNumber"].startswith("urn:uuid:")


def test_client_safe_card_leaves_out_the_seeded_internal_texts(internal_ws: Any) -> None:
    for use_case in (ANSWER_BOT, REPLY_DRAFTS):
        safe = build_card(ws=internal_ws, options=_options(use_case, client_safe=True))
        assert SECRET not in card_markdown(safe)
        assert SECRET not in bom_json(safe).decode()
    full = build_card(ws=internal_ws, options=_options(ANSWER_BOT))
    assert card_markdown(full).count(SECRET) >= 2  # document paragraph and mitigation
    drafts = card_markdown(build_card(ws=internal_ws, options=_options(REPLY_DRAFTS)))
    assert f"{SECRET} rationale" in drafts and f"{SECRET} cost note" in drafts
    safe_text = card_markdown(
        build_card(ws=internal_ws, options=_options(ANSWER_BOT, client_safe=True))
    )
    assert "### Left out of this card" in safe_text
    assert "Document paragraphs marked internal: 1" in safe_text


def test_one_use_case_a_known_one_and_md_or_json(internal_ws: Any, tmp_path: Path) -> None:
    both = ReportOptions(kind="model-card", use_cases=(ANSWER_BOT, REPLY_DRAFTS), as_of=AS_OF)
    with pytest.raises(UserError, match="one use case"):
        export_model_card(ws=internal_ws, options=both, out=tmp_path / "card.md")
    with pytest.raises(UserError, match="no use case 'Nope'"):
        export_model_card(ws=internal_ws, options=_options("Nope"), out=tmp_path / "card.md")
    with pytest.raises(UserError, match=r"\.md or \.json"):
        export_model_card(ws=internal_ws, options=_options(ANSWER_BOT), out=tmp_path / "card.pdf")
    assert not list(tmp_path.iterdir())  # nothing written
