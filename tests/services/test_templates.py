"""Built-in templates: one per deliverable kind, required sections, prompts; user templates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aipm_desktop.errors import UserError, ValidationError
from aipm_desktop.resources import load_json
from aipm_desktop.services import documents, templates
from aipm_desktop.services.review import review

KINDS = [k["key"] for k in load_json("deliverable_kinds")]
HEADING = re.compile(r"^#{2,6}\s+(.*)$", re.M)


def test_every_deliverable_kind_has_a_built_in_template() -> None:
    built_in = {t.kind: t for t in templates.built_in_templates()}
    assert sorted(built_in) == sorted(KINDS)
    names = {k["key"]: k["name"] for k in load_json("deliverable_kinds")}
    for kind, template in built_in.items():
        assert template.source == templates.BUILT_IN
        assert template.key == kind
        assert template.name == names[kind]
        assert len(template.required_sections) >= 5, kind
        assert template.body.startswith("# {{title}}"), kind
        assert "<!--" not in template.body.split("\n", 1)[0]


@pytest.mark.parametrize("kind", KINDS)
def test_each_template_has_every_required_section_as_a_heading_with_a_prompt(kind: str) -> None:
    template = templates.template_for(kind)
    assert template is not None
    headings = [h.strip() for h in HEADING.findall(template.body)]
    for name in template.section_names:
        assert name in headings, f"{kind}: required section {name!r} has no heading"
    assert template.body.count("<!--") >= 3, f"{kind}: templates guide the writer with prompts"
    assert "lorem" not in template.body.lower()
    result = review(templates.fill(template.body, title="Draft"), kind=kind)
    rules = {f.rule for f in result.findings}
    assert "required_section_missing" not in rules
    # an untouched template is not ready: its sections hold nothing but prompts
    assert "required_section_empty" in rules
    assert result.score < 100


def test_ai_prd_requires_the_ai_specific_sections() -> None:
    template = templates.template_for("ai_prd")
    assert template is not None
    assert template.section_names == (
        "Problem and outcome",
        "Target users",
        "Intended use and out-of-scope use",
        "Data sources and constraints",
        "Evaluation plan",
        "Safety and quality requirements",
        "Model behaviour and fallbacks",
        "Monitoring and retraining triggers",
        "Rollout and rollback",
        "KPIs and guardrails",
        "Risks",
        "Open questions",
    )
    for sub in ("### Offline", "### Online", "### Acceptance thresholds"):
        assert sub in template.body


def test_parse_template_reads_front_matter_and_keeps_a_plain_file_whole() -> None:
    meta, required, body = templates.parse_template(
        "<!--\nname: Mine\nkind: ai_prd\nrequired: Goals | goal, objective\n-->\n# {{title}}\n"
    )
    assert meta == {"name": "Mine", "kind": "ai_prd"}
    assert required == ("Goals | goal, objective",)
    assert body == "# {{title}}\n"
    assert templates.section_terms(required[0]) == ("goals", "goal", "objective")
    assert templates.parse_template("# Just text\n") == ({}, (), "# Just text\n")


def test_fill_replaces_the_placeholders() -> None:
    import datetime as dt

    text = templates.fill(
        "# {{title}}\n{{date}} {{use_case}}", title="T", use_case="U", today=dt.date(2025, 1, 2)
    )
    assert text == "# T\n2025-01-02 U"


def test_save_as_template_writes_a_user_template_listed_after_the_built_in_ones(
    ws, tmp_path: Path
) -> None:
    doc_id, _ = documents.new_document(ws=ws, kind="ai_prd", title="Refund assistant PRD")
    documents.save_body(
        ws=ws,
        document_id=doc_id,
        body="# Refund assistant PRD\n\n## Problem and outcome\n\nOur own structure.\n",
    )
    folder = tmp_path / "mine"
    path = templates.save_as_template(
        ws=ws, document_id=doc_id, name="Team PRD (lean)", user_dir=folder
    )
    assert path == folder / "team-prd-lean.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!--\nname: Team PRD (lean)\nkind: ai_prd\n")
    assert "required: Problem and outcome | problem, outcome" in text
    every = templates.templates(user_dir=folder)
    mine = every[-1]
    assert len(every) == len(KINDS) + 1
    assert (mine.key, mine.kind, mine.name, mine.source) == (
        "user:team-prd-lean",
        "ai_prd",
        "Team PRD (lean)",
        templates.USER,
    )
    assert mine.body.startswith("# {{title}}\n\n## Problem and outcome")
    assert templates.template_for("user:team-prd-lean", user_dir=folder) == mine

    # a new document from the user template
    new_id, _ = documents.new_document(
        ws=ws,
        kind="ai_prd",
        title="Second PRD",
        template_key="user:team-prd-lean",
        user_dir=folder,
    )
    assert documents.get_document(ws=ws, document_id=new_id).body.startswith("# Second PRD\n")


def test_save_as_template_refuses_to_overwrite_unless_asked(ws, tmp_path: Path) -> None:
    doc_id, _ = documents.new_document(ws=ws, kind="beta_plan", title="Beta")
    templates.save_as_template(ws=ws, document_id=doc_id, name="Beta", user_dir=tmp_path)
    (tmp_path / "beta.md").write_text("keep me", encoding="utf-8")
    with pytest.raises(UserError, match="already exists"):
        templates.save_as_template(ws=ws, document_id=doc_id, name="beta", user_dir=tmp_path)
    assert (tmp_path / "beta.md").read_text(encoding="utf-8") == "keep me"
    templates.save_as_template(
        ws=ws, document_id=doc_id, name="beta", user_dir=tmp_path, overwrite=True
    )
    assert "kind: beta_plan" in (tmp_path / "beta.md").read_text(encoding="utf-8")
    with pytest.raises(ValidationError):
        templates.save_as_template(ws=ws, document_id=doc_id, name=" !! ", user_dir=tmp_path)


def test_user_templates_default_to_the_user_data_folder(aipm_home: Path) -> None:
    from aipm_desktop.paths import user_templates_dir

    (user_templates_dir() / "quick.md").write_text("# {{title}}\n\nNotes\n", encoding="utf-8")
    (user_templates_dir() / "broken.md").write_bytes(b"\xff\xfe\x00bad")
    keys = [t.key for t in templates.templates()]
    assert "user:quick" in keys and "user:broken" not in keys
    assert user_templates_dir().is_relative_to(aipm_home)
    assert templates.template_for("no_such_kind") is None
