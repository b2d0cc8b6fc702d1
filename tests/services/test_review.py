"""The review rules: each one fires on a bad case and stays quiet on a good one."""

from __future__ import annotations

import copy

import pytest

from aipm_desktop.services.review import Finding, load_rules, review
from aipm_desktop.services.templates import fill, template_for

#: An AI PRD that passes every rule, even for a high-risk use case.
GOOD_PRD = """\
# AI PRD: Claims triage

## Problem and outcome

Adjusters spend 40 minutes per claim on triage. Goal: reduce claim handling time for
adjusters by 20% by 2026-06-30.

## Target users

- Claims adjusters who review the suggested queue.

## Intended use and out-of-scope use

Intended use: routing property claims to the right queue.
Out of scope: fraud decisions and payouts.

## Data sources and constraints

Claims from the last 3 years, PII redacted before training.

## Evaluation plan

Offline: precision 0.9 or higher on a 2,000-claim gold set. Online: adjuster overrides.

## Safety and quality requirements

No decision about a person is automated; every routing is reviewed by a human adjuster
before the claim moves (human-in-the-loop).

## Model behaviour and fallbacks

Low-confidence claims fall back to the manual queue.

## Monitoring and retraining triggers

We monitor override rate daily; input drift above 0.2 PSI for 7 days triggers retraining.

## Rollout and rollback

Pilot with 2 teams, then all teams; the feature flag turns routing off within 5 minutes.

## KPIs and guardrails

| Metric | Baseline | Target | By when | Guardrail |
|---|---|---|---|---|
| Handling time per claim | 40 min | 32 min | 2026-06-30 | override rate below 15% |

## Risks

Risk #12 (wrong queue for urgent claims), risk #14 (bias by region).

## Open questions

- [ ] Include commercial claims? (Ana, by 2026-02-01)
"""


def _rules(result) -> list[str]:
    return [f.rule for f in result.findings]


def _only(result, rule: str) -> list[Finding]:
    return [f for f in result.findings if f.rule == rule]


def test_the_good_prd_passes_every_rule_with_a_full_score() -> None:
    result = review(GOOD_PRD, kind="ai_prd", high_risk=True)
    assert result.findings == ()
    assert result.score == 100
    assert set(result.breakdown) >= {"required_section_missing", "no_human_in_loop"}
    assert all(points == 0 for points in result.breakdown.values())


def _replace_section(text: str, heading: str, new: str) -> str:
    start = text.index(f"## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[:start] + new + (text[end + 1 :] if end != -1 else "")


def test_missing_required_section_fires_with_line_one() -> None:
    text = _replace_section(GOOD_PRD, "Open questions", "")
    found = _only(review(text, kind="ai_prd"), "required_section_missing")
    assert [(f.line, f.severity) for f in found] == [(1, "error")]
    assert '"Open questions"' in found[0].message
    assert "## Open questions" in found[0].suggestion


def test_a_heading_with_an_alias_satisfies_a_required_section() -> None:
    text = GOOD_PRD.replace("## Problem and outcome", "## The problem")
    assert "required_section_missing" not in _rules(review(text, kind="ai_prd"))


def test_empty_required_section_fires_on_its_heading_even_with_prompt_comments() -> None:
    text = _replace_section(
        GOOD_PRD, "Risks", "## Risks\n\n<!-- Link the risks from the register. -->\n\n- \n"
    )
    found = _only(review(text, kind="ai_prd"), "required_section_empty")
    line = text.splitlines().index("## Risks") + 1
    assert [(f.line, f.message) for f in found] == [(line, 'Required section "Risks" is empty.')]


def test_a_section_whose_content_is_in_a_subsection_is_not_empty() -> None:
    text = _replace_section(
        GOOD_PRD, "Evaluation plan", "## Evaluation plan\n\n### Offline\n\nGold set of 2,000.\n\n"
    )
    assert "required_section_empty" not in _rules(review(text, kind="ai_prd"))


def test_a_table_with_only_a_header_row_is_empty() -> None:
    text = _replace_section(
        GOOD_PRD,
        "KPIs and guardrails",
        "## KPIs and guardrails\n\n| Metric | Target |\n|---|---|\n| | |\n\n",
    )
    assert "required_section_empty" in _rules(review(text, kind="ai_prd"))


def test_goals_stated_only_as_model_metrics_fire() -> None:
    text = (
        GOOD_PRD.replace(
            "Adjusters spend 40 minutes per claim on triage. Goal: reduce claim handling time for\n"
            "adjusters by 20% by 2026-06-30.",
            "Routing is slow today.",
        )
        .replace(
            "## KPIs and guardrails\n",
            "## Goals\n\n- Reach 95% accuracy and an F1 of 0.9 on the gold set.\n\n"
            "## KPIs and guardrails\n",
        )
        .replace(
            "| Handling time per claim | 40 min | 32 min |", "| Routing F1 | 0.7 | 0.9 points |"
        )
    )
    found = _only(review(text, kind="ai_prd"), "model_metric_goal")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "95% accuracy" in s)
    assert len(found) == 1 and found[0].line == line
    assert "accuracy" in found[0].message and "f1" in found[0].message
    assert "user" in found[0].suggestion or "business" in found[0].suggestion


def test_model_metrics_beside_a_user_outcome_do_not_fire() -> None:
    text = GOOD_PRD.replace(
        "## KPIs and guardrails\n",
        "## Goals\n\n- Cut claim handling time for adjusters by 20%, with precision above 0.9.\n\n"
        "## KPIs and guardrails\n",
    )
    assert "model_metric_goal" not in _rules(review(text, kind="ai_prd"))


def test_model_metrics_in_an_evaluation_plan_are_fine() -> None:
    text = "# Eval\n\n## Metrics\n\nPrecision and recall on the gold set.\n"
    assert "model_metric_goal" not in _rules(review(text, kind="evaluation_plan"))


@pytest.mark.parametrize(
    ("item", "missing"),
    [
        ("- Improve adoption", "a number, a unit or a date"),
        ("- Adoption 30% of eligible users", "a date"),
        ("- Adoption 30 by Q3", "a unit"),
        ("- Adoption up by Q3 for users", "a number"),
    ],
)
def test_success_metric_without_number_unit_or_date_fires(item: str, missing: str) -> None:
    text = f"# Brief\n\n## Success metrics\n\n{item}\n"
    found = _only(review(text, kind="strategy_brief"), "metric_without_target")
    assert [(f.line, f.message) for f in found] == [(5, f"Success metric without {missing}.")]


def test_success_metrics_with_number_unit_and_date_pass_and_table_headers_count() -> None:
    text = (
        "# Brief\n\n## Success metrics\n\n- Adoption 30% of eligible users by 2026-09-30\n"
        "- Handle time down 2 minutes within 90 days\n\n"
        "| Metric | Target at GA + 90 days |\n|---|---|\n| CSAT | 4.2 / 5 |\n"
    )
    assert "metric_without_target" not in _rules(review(text, kind="strategy_brief"))


def test_guardrail_without_threshold_fires_in_a_section_a_column_and_a_list_item() -> None:
    text = (
        "# Test\n\n## Guardrail metrics\n\n- CSAT must not drop\n- Latency p95 under 800 ms\n\n"
        "## Success metrics\n\n| Metric | Target by Q3 | Guardrail |\n|---|---|---|\n"
        "| Conversion | +3% | refunds stay flat |\n| Revenue | +2% | |\n\n"
        "## Notes\n\n- Guardrail: complaints stay low\n"
    )
    found = _only(review(text, kind="experiment_design"), "guardrail_without_threshold")
    lines = text.splitlines()
    assert [f.line for f in found] == [
        lines.index("- CSAT must not drop") + 1,
        lines.index("| Conversion | +3% | refunds stay flat |") + 1,
        lines.index("- Guardrail: complaints stay low") + 1,
    ]


def test_guardrails_with_thresholds_pass() -> None:
    text = (
        "# Test\n\n## Guardrail metrics\n\n- CSAT no lower than 4.0 / 5\n\n"
        "| Guardrail | Threshold |\n|---|---|\n| Refund rate | below 2% |\n"
    )
    assert "guardrail_without_threshold" not in _rules(review(text, kind="experiment_design"))


@pytest.mark.parametrize(
    ("rule", "sentence"),
    [
        ("no_fallback_plan", "the feature flag turns routing off within 5 minutes"),
        ("no_fallback_plan", "Low-confidence claims fall back to the manual queue"),
        ("no_monitoring", "We monitor override rate daily"),
        ("no_out_of_scope", "Out of scope: fraud decisions and payouts"),
        ("no_human_in_loop", "every routing is reviewed by a human adjuster"),
    ],
)
def test_document_level_rules_fire_when_the_statement_is_gone(rule: str, sentence: str) -> None:
    text = GOOD_PRD
    # take out every statement the rule accepts, keep the headings
    removals = {
        "no_fallback_plan": [
            "the feature flag turns routing off within 5 minutes",
            "Low-confidence claims fall back to the manual queue",
        ],
        # a stated trigger is a monitoring plan too: take both out
        "no_monitoring": [
            "We monitor override rate daily; input drift above 0.2 PSI for 7 days triggers "
            "retraining."
        ],
        "no_out_of_scope": ["Out of scope: fraud decisions and payouts"],
        "no_human_in_loop": [
            "every routing is reviewed by a human adjuster\n"
            "before the claim moves (human-in-the-loop)"
        ],
    }[rule]
    assert sentence in text.replace("\n", " ") or sentence in text
    for part in removals:
        assert part in text
        text = text.replace(part, "details to follow")
    found = _only(review(text, kind="ai_prd", high_risk=True), rule)
    assert len(found) == 1
    assert found[0].severity == "error" and found[0].suggestion
    # the finding points at the matching section's heading
    assert text.splitlines()[found[0].line - 1].startswith("## ")
    assert rule not in _rules(review(GOOD_PRD, kind="ai_prd", high_risk=True))


def test_monitoring_without_a_retraining_trigger_names_what_is_missing() -> None:
    text = GOOD_PRD.replace(
        "input drift above 0.2 PSI for 7 days triggers retraining", "alerts go to on-call"
    )
    found = _only(review(text, kind="ai_prd"), "no_monitoring")
    assert [f.message for f in found] == ["No drift or retraining trigger."]


def test_rule_keywords_inside_headings_comments_and_code_do_not_count() -> None:
    text = (
        "# Spec\n\n## Rollout and rollback\n\n<!-- describe the rollback plan -->\n\n"
        "```\nrollback()\n```\n\nPhased rollout.\n"
    )
    assert "no_fallback_plan" in _rules(review(text, kind="ai_prd"))


def test_human_in_the_loop_is_only_required_for_high_risk_use_cases() -> None:
    text = GOOD_PRD.replace(
        "every routing is reviewed by a human adjuster\nbefore the claim moves (human-in-the-loop)",
        "routing is automatic",
    )
    assert "no_human_in_loop" not in _rules(review(text, kind="ai_prd", high_risk=False))
    assert "no_human_in_loop" not in review(text, kind="ai_prd").breakdown
    result = review(text, kind="ai_prd", high_risk=True)
    assert "no_human_in_loop" in _rules(result)
    assert result.breakdown["no_human_in_loop"] == 12


def test_vague_words_fire_per_occurrence_with_a_specific_fix() -> None:
    text = GOOD_PRD.replace(
        "Claims from the last 3 years",
        "A seamless, best-in-class and smarter pipeline, as accurate as possible. "
        "Claims from the last 3 years",
    )
    found = _only(review(text, kind="ai_prd"), "vague_language")
    words = [f.message for f in found]
    assert words == [
        'Vague wording: "seamless".',
        'Vague wording: "best-in-class".',
        'Vague wording: "smarter".',
        'Vague wording: "as accurate as possible".',
    ]
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "seamless" in s)
    assert {f.line for f in found} == {line}
    assert all(f.severity == "info" and f.suggestion for f in found)
    assert "threshold" in found[-1].suggestion


def test_plain_words_are_not_vague() -> None:
    text = (
        GOOD_PRD + "\nSeams are fine, smart people review, and perfection is a word of its own.\n"
    )
    assert "vague_language" not in _rules(review(text, kind="ai_prd"))


def test_score_uses_the_weights_and_caps_of_the_rules_file() -> None:
    rules = load_rules()
    vague = rules["rules"]["vague_language"]
    text = GOOD_PRD + "\n" + "seamless " * 20 + "\n"
    result = review(text, kind="ai_prd", rules=rules)
    assert len(_only(result, "vague_language")) == 20
    assert result.breakdown["vague_language"] == vague["max_points"]
    assert result.score == 100 - vague["max_points"]

    tuned = copy.deepcopy(rules)
    tuned["rules"]["vague_language"].update(weight=1, max_points=100)
    tuned["vague_words"] = {"claims": "Say which claims."}
    result = review(text, kind="ai_prd", rules=tuned)
    # every "claims" counts, the title's too ("claim" alone is another word)
    assert [f.rule for f in result.findings].count("vague_language") == GOOD_PRD.lower().count(
        "claims"
    )
    assert result.score == 100 - result.breakdown["vague_language"]


def test_score_never_goes_below_zero_and_empty_text_is_reviewed() -> None:
    result = review("", kind="ai_prd", high_risk=True)
    assert result.score == 0
    assert len(_only(result, "required_section_missing")) == 12


def test_the_rules_file_documents_every_rule_and_a_kind_override_applies() -> None:
    rules = load_rules()
    assert rules["_doc"]
    for name, spec in rules["rules"].items():
        assert spec["severity"] in ("error", "warning", "info"), name
        assert spec["weight"] > 0 and spec["max_points"] >= spec["weight"], name
        assert name in " ".join(rules["_doc"]) or name.startswith("required_section"), name
    assert len(rules["required_sections"]["ai_prd"]) == 12
    tuned = copy.deepcopy(rules)
    tuned["required_sections"]["ai_prd"] = ["Appendix"]
    assert [
        f.message for f in _only(review(GOOD_PRD, rules=tuned), "required_section_missing")
    ] == ['Required section "Appendix" is missing.']


def test_a_fresh_ai_prd_from_its_template_has_clickable_findings_for_each_empty_section() -> None:
    template = template_for("ai_prd")
    assert template is not None
    text = fill(template.body, title="New PRD")
    result = review(text, kind="ai_prd")
    empty = _only(result, "required_section_empty")
    assert len(empty) == 12
    lines = text.splitlines()
    assert all(lines[f.line - 1].startswith("## ") for f in empty)


def test_a_table_of_guardrails_needs_a_number_in_each_row() -> None:
    text = "# T\n\n## Safety\n\n| Guardrail | Limit |\n|---|---|\n| Refund rate | stays flat |\n"
    found = _only(review(text, kind="experiment_design"), "guardrail_without_threshold")
    assert [f.line for f in found] == [7]
