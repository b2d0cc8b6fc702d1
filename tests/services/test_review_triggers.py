"""The monitoring rule recognises real triggers: a metric, a threshold and an action.

Worked examples a PM would write, each one either a trigger (the rule stays quiet) or not
(the rule says "No drift or retraining trigger.").
"""

from __future__ import annotations

import pytest

from aipm_desktop.resources import read_text
from aipm_desktop.services.review import is_trigger, review

HEAD = "# AI PRD: Test\n\n## Summary\n\nA bot. We watch a quality dashboard.\n\n"


def _monitoring(text: str, section: str = "## Monitoring and retraining triggers") -> list[str]:
    result = review(f"{HEAD}{section}\n\n{text}\n", kind="ai_prd")
    return [f.message for f in result.findings if f.rule == "no_monitoring"]


@pytest.mark.parametrize(
    "text",
    [
        "- Hallucination rate above 4% on the weekly sample: pause rollout, investigate.",
        "- Resolution rate down 5 points week over week for a tenant: alert the account team.",
        "Input drift above 0.2 PSI for 7 days triggers retraining.",
        "If p95 latency exceeds 2 s for 10 minutes, page the on-call engineer.",
        "- CSAT falls below 4.0 / 5 in any week → roll back to the previous prompt.",
        "- Escalation rate 8% or higher for two days: re-evaluate on the gold set.",
        "| Signal | Threshold | Action |\n|---|---|---|\n| Hallucination rate | 4% | pause |",
        # the column name says what happens: an alert when the value crosses the limit
        "| Metric | Source | Alert |\n|---|---|---|\n| Draft acceptance | events | below 40% |",
        # an event is the threshold when the monitoring section states it as a condition
        "- Any cross-tenant citation: sev1, turn the feature flag off.",
        "- Vendor model version change: full offline evaluation before it reaches a tenant.",
        # a trigger written over two lines of a hard-wrapped paragraph
        "When the weekly override rate rises above\n15%, we retrain on the new labels.",
    ],
)
def test_a_metric_with_a_threshold_and_an_action_is_a_trigger(text: str) -> None:
    assert _monitoring(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "We will monitor the model and retrain it when needed.",
        "- Monitor hallucination rate weekly.",
        "- Drift dashboard reviewed by the team.",
        "- Accuracy above 90% on the gold set.",  # a threshold, but nothing is done
        "- Pause the rollout if things look wrong.",  # an action, but no threshold
        "<!-- e.g. input drift above 0.2 PSI: retrain -->",  # a template prompt
        "```\nif drift > 0.2: retrain()\n```",  # code
    ],
)
def test_no_threshold_or_no_action_is_not_a_trigger(text: str) -> None:
    assert _monitoring(text) == ["No drift or retraining trigger."]


def test_a_trigger_counts_anywhere_in_the_document() -> None:
    text = (
        f"{HEAD}## Rollout\n\nBeta with 40 customers; stop the rollout if hallucination "
        "rate is above 4% on the weekly sample.\n"
    )
    assert "no_monitoring" not in [f.rule for f in review(text, kind="ai_prd").findings]


def test_an_event_outside_a_monitoring_section_needs_a_threshold() -> None:
    text = f"{HEAD}## Risks\n\n- Any cross-tenant citation: turn the feature flag off.\n"
    messages = [f.message for f in review(text, kind="ai_prd").findings]
    assert "No drift or retraining trigger." in messages


def test_a_stated_trigger_is_also_a_monitoring_plan() -> None:
    text = "# PRD\n\n## Retraining\n\nInput drift above 0.2 PSI for 7 days: retrain.\n"
    assert "no_monitoring" not in [f.rule for f in review(text, kind="ai_prd").findings]


def test_nothing_at_all_names_both_gaps() -> None:
    text = "# PRD\n\n## Summary\n\nA bot.\n"
    messages = [f.message for f in review(text, kind="ai_prd").findings]
    assert "No monitoring plan and no drift or retraining trigger." in messages


def test_is_trigger_on_single_statements() -> None:
    assert is_trigger("Hallucination rate above 4%: pause rollout")
    assert not is_trigger("above 4%: pause rollout")  # no metric named
    assert not is_trigger("Any cross-tenant citation: turn the flag off")
    assert is_trigger("Any cross-tenant citation: turn the flag off", in_monitoring=True)


def test_the_demo_prd_has_its_four_triggers_recognised() -> None:
    text = read_text("demo/documents/ai_prd.md")
    result = review(text, kind="ai_prd")
    assert "no_monitoring" not in [f.rule for f in result.findings]
    # and without its monitoring section, the rule fires again
    start = text.index("## Monitoring and retraining triggers")
    end = text.index("## Risks")
    cut = text[:start] + text[end:]
    cut = cut.replace("stop rollout above 4%", "")  # the guardrail that is a trigger too
    messages = [f.message for f in review(cut, kind="ai_prd").findings]
    assert any(m.endswith("no drift or retraining trigger.") for m in messages), messages
