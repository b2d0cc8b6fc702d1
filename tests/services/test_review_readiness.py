"""Readiness says what the worst finding means: any error is never green."""

from __future__ import annotations

import pytest

from aipm_desktop.services.review import Finding, ReviewResult, readiness, review

from .test_review import GOOD_PRD


def _result(score: int, *severities: str) -> ReviewResult:
    findings = tuple(Finding("rule", s, 1, "message", "") for s in severities)
    return ReviewResult(findings, score)


@pytest.mark.parametrize(
    ("score", "severities", "band", "verdict"),
    [
        (100, (), "good", "Ready"),
        (98, ("info",), "good", "Ready"),
        (82, ("error", "error"), "poor", "Not ready"),  # the case from issue 13
        (90, ("warning",), "fair", "Almost ready"),
        (90, ("warning", "error", "info"), "poor", "Not ready"),
        (60, (), "fair", "Almost ready"),
        (40, ("info",), "poor", "Not ready"),
    ],
)
def test_the_band_is_the_score_band_capped_by_the_worst_finding(
    score: int, severities: tuple[str, ...], band: str, verdict: str
) -> None:
    ready = readiness(_result(score, *severities))
    assert (ready.band, ready.verdict) == (band, verdict)


def test_the_summary_counts_what_is_left_to_fix() -> None:
    ready = readiness(_result(82, "error", "error", "warning"))
    assert (ready.verdict, ready.summary) == ("Not ready", "2 errors, 1 warning to fix.")
    assert readiness(_result(100)).summary.startswith("No findings")
    assert readiness(_result(98, "info")).summary == "1 info to consider."


def test_a_real_document_with_errors_and_a_high_score_is_not_green() -> None:
    text = GOOD_PRD.replace("Out of scope: fraud decisions and payouts.", "")
    result = review(text, kind="ai_prd")
    assert result.score >= 80 and result.worst == "error"
    assert readiness(result).band == "poor"
