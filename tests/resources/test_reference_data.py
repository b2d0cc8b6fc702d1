"""The built-in reference data loads, is internally consistent and matches the domain source."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from aipm_desktop.resources import load_json, read_text

DATA_FILES = [
    "kpi_catalog",
    "scoring_models",
    "deliverable_kinds",
    "interview",
    "risk_taxonomies",
    "launch_checklist",
]

SLUG = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")

FREQUENCIES = {"daily", "weekly", "biweekly", "monthly", "quarterly", "per_release"}
KPI_DIRECTIONS = {"higher_is_better", "lower_is_better"}
KPI_CATEGORIES = {
    "adoption",
    "value",
    "quality",
    "safety",
    "operations",
    "economics",
    "delivery",
    "governance",
}
GROUPS = {"value", "feasibility", "risk"}
CRITERION_DIRECTIONS = {"benefit", "cost"}

# The 20 metric rows of section 7; the latency row is split into P50 and P95.
SECTION_7_METRICS = [
    "AI Feature Adoption Rate",
    "Task Success Lift",
    "Time-on-Task Reduction",
    "Deflection / Cost-to-Serve Reduction",
    "Conversion / Retention Impact",
    "Model Quality Score",
    "Hallucination Rate",
    "Safety Policy Violation Rate",
    "Escalation Rate to Human",
    "User Report Rate",
    ("Latency (P50)", "Latency (P95)"),
    "Cost per Successful Task",
    "Experiment Throughput",
    "Instrumentation Coverage",
    "Regression Rate Post-Release",
    "Drift Detection Signal Health",
    "Stakeholder Satisfaction",
    "Compliance Gate Pass Rate",
    "Roadmap Predictability",
    "Documentation Completeness",
]

INTERVIEW_WEIGHTS = {
    "product_sense": 20,
    "metrics_experimentation": 20,
    "ai_evaluation_lifecycle": 15,
    "data_privacy_literacy": 15,
    "execution_prioritization": 15,
    "cross_functional_leadership": 10,
    "communication": 5,
}


def _assert_unique_slugs(items: list[dict[str, Any]], field: str = "key") -> None:
    keys = [item[field] for item in items]
    duplicates = [key for key, count in Counter(keys).items() if count > 1]
    assert not duplicates, f"duplicate {field}s: {duplicates}"
    bad = [key for key in keys if not SLUG.match(key)]
    assert not bad, f"not snake_case slugs: {bad}"


def _assert_text(value: Any) -> None:
    assert isinstance(value, str) and value.strip(), f"expected non-empty text, got {value!r}"


# --- loader -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DATA_FILES)
def test_each_file_loads(name: str) -> None:
    data = load_json(name)
    assert data, f"{name} is empty"


def test_load_json_returns_fresh_objects() -> None:
    first = load_json("kpi_catalog")
    first.clear()
    assert load_json("kpi_catalog")


def test_read_text_matches_load_json() -> None:
    assert "hallucination_rate" in read_text("data/kpi_catalog.json")


@pytest.mark.parametrize("name", ["../pyproject", "data/kpi_catalog", "", ".hidden"])
def test_load_json_rejects_non_stem_names(name: str) -> None:
    with pytest.raises(ValueError):
        load_json(name)


@pytest.mark.parametrize("relpath", ["/etc/passwd", "../__init__.py", "data/../../x", ""])
def test_read_text_rejects_escaping_paths(relpath: str) -> None:
    with pytest.raises(ValueError):
        read_text(relpath)


def test_missing_resource_raises_file_not_found() -> None:
    with pytest.raises(FileNotFoundError):
        load_json("no_such_reference_file")


# --- KPI catalog --------------------------------------------------------------------------


def test_kpi_catalog_schema() -> None:
    kpis = load_json("kpi_catalog")
    fields = {
        "key",
        "name",
        "what",
        "why",
        "example_target",
        "frequency",
        "unit",
        "direction",
        "category",
    }
    _assert_unique_slugs(kpis)
    for kpi in kpis:
        assert set(kpi) == fields, kpi["key"]
        for field in fields:
            _assert_text(kpi[field])
        assert kpi["frequency"] in FREQUENCIES, kpi["key"]
        assert kpi["direction"] in KPI_DIRECTIONS, kpi["key"]
        assert kpi["category"] in KPI_CATEGORIES, kpi["key"]
    assert len({kpi["name"] for kpi in kpis}) == len(kpis)


def test_kpi_catalog_covers_every_section_7_metric() -> None:
    names = {kpi["name"] for kpi in load_json("kpi_catalog")}
    for metric in SECTION_7_METRICS:
        variants = metric if isinstance(metric, tuple) else (metric,)
        for variant in variants:
            assert variant in names, f"missing KPI {variant!r}"
    assert len(names) == 21


def test_kpi_directions_and_details() -> None:
    by_key = {kpi["key"]: kpi for kpi in load_json("kpi_catalog")}
    lower = {
        "hallucination_rate",
        "safety_policy_violation_rate",
        "escalation_rate_to_human",
        "user_report_rate",
        "latency_p50",
        "latency_p95",
        "cost_per_successful_task",
        "regression_rate_post_release",
    }
    for key, kpi in by_key.items():
        expected = "lower_is_better" if key in lower else "higher_is_better"
        assert kpi["direction"] == expected, key
    assert by_key["hallucination_rate"]["name"] == "Hallucination Rate"
    assert by_key["hallucination_rate"]["category"] == "quality"
    assert by_key["user_report_rate"]["unit"] == "per 1k"
    assert by_key["user_report_rate"]["frequency"] == "daily"
    assert by_key["cost_per_successful_task"]["unit"] == "USD"
    assert by_key["documentation_completeness"]["frequency"] == "per_release"
    assert by_key["conversion_retention_impact"]["frequency"] == "quarterly"
    assert "25" in by_key["ai_feature_adoption_rate"]["example_target"]
    # Every category the app offers has at least one metric.
    assert {kpi["category"] for kpi in by_key.values()} == KPI_CATEGORIES


# --- scoring models -----------------------------------------------------------------------


def test_scoring_models_schema() -> None:
    models = load_json("scoring_models")
    _assert_unique_slugs(models)
    assert {model["key"] for model in models} == {"ai_value_feasibility_risk", "rice", "ice"}
    for model in models:
        assert set(model) == {"key", "name", "description", "is_default", "criteria"}
        assert isinstance(model["is_default"], bool)
        _assert_text(model["name"])
        _assert_text(model["description"])
        _assert_unique_slugs(model["criteria"])
        for criterion in model["criteria"]:
            assert set(criterion) == {
                "key",
                "name",
                "group",
                "weight",
                "direction",
                "description",
                "levels",
            }
            assert criterion["group"] in GROUPS, criterion["key"]
            assert criterion["direction"] in CRITERION_DIRECTIONS, criterion["key"]
            weight = criterion["weight"]
            assert isinstance(weight, int | float) and not isinstance(weight, bool)
            assert weight > 0, criterion["key"]
            assert len(criterion["levels"]) == 5, criterion["key"]
            for level in criterion["levels"]:
                _assert_text(level)
            assert len(set(criterion["levels"])) == 5, f"levels repeat in {criterion['key']}"


def test_default_scoring_model() -> None:
    models = load_json("scoring_models")
    defaults = [model for model in models if model["is_default"]]
    assert len(defaults) == 1
    model = defaults[0]
    assert model["key"] == "ai_value_feasibility_risk"
    criteria = {criterion["key"]: criterion for criterion in model["criteria"]}
    expected_groups = {
        "business_value": "value",
        "marginal_value": "value",
        "reach": "value",
        "data_availability": "feasibility",
        "technical_feasibility": "feasibility",
        "time_to_value": "feasibility",
        "safety_compliance": "risk",
        "cost_to_serve": "risk",
    }
    assert {key: c["group"] for key, c in criteria.items()} == expected_groups
    for criterion in criteria.values():
        expected = "cost" if criterion["group"] == "risk" else "benefit"
        assert criterion["direction"] == expected, criterion["key"]
    assert sum(c["weight"] for c in criteria.values()) == 100


def test_rice_and_ice_presets() -> None:
    models = {model["key"]: model for model in load_json("scoring_models")}
    rice = {c["key"]: c["direction"] for c in models["rice"]["criteria"]}
    assert rice == {
        "reach": "benefit",
        "impact": "benefit",
        "confidence": "benefit",
        "effort": "cost",
    }
    ice = {c["key"]: c["direction"] for c in models["ice"]["criteria"]}
    assert ice == {"impact": "benefit", "confidence": "benefit", "ease": "benefit"}


# --- deliverables -------------------------------------------------------------------------


def test_deliverable_kinds() -> None:
    kinds = load_json("deliverable_kinds")
    _assert_unique_slugs(kinds)
    assert {kind["key"] for kind in kinds} == {
        "ai_prd",
        "strategy_brief",
        "roadmap_release_plan",
        "experiment_design",
        "model_behavior_spec",
        "launch_checklist",
        "analytics_dashboard_spec",
        "beta_plan",
        "responsible_ai_pack",
        "incident_runbook",
        "post_incident_review",
        "stakeholder_update",
        "evaluation_plan",
    }
    for kind in kinds:
        assert set(kind) == {"key", "name", "description"}
        _assert_text(kind["name"])
        _assert_text(kind["description"])
    prd = next(kind for kind in kinds if kind["key"] == "ai_prd")
    for section in ("intended", "out-of-scope", "evaluation", "monitoring", "retraining"):
        assert section in prd["description"].lower(), section


# --- interview ----------------------------------------------------------------------------


def test_interview_scorecard() -> None:
    scorecard = load_json("interview")["scorecard"]
    assert scorecard["key"] == "ai_pm_default"
    _assert_text(scorecard["name"])
    scale = scorecard["rating_scale"]
    assert [entry["level"] for entry in scale] == [1, 2, 3, 4]
    for entry in scale:
        _assert_text(entry["label"])
        _assert_text(entry["description"])
    dimensions = scorecard["dimensions"]
    _assert_unique_slugs(dimensions)
    assert {d["key"]: d["weight"] for d in dimensions} == INTERVIEW_WEIGHTS
    assert sum(d["weight"] for d in dimensions) == 100
    for dimension in dimensions:
        _assert_text(dimension["name"])
        _assert_text(dimension["meets_bar"])
        assert len(dimension["levels"]) == 4, dimension["key"]
        for level in dimension["levels"]:
            _assert_text(level)


def test_interview_signals() -> None:
    signals = load_json("interview")["scorecard"]["signals"]
    assert set(signals) == {"strong", "weak", "red_flag"}
    for kind, items in signals.items():
        assert len(items) >= 5, kind
        for item in items:
            _assert_text(item)
    assert any("rollback" in item for item in signals["red_flag"])
    assert any("falsifiable" in item for item in signals["red_flag"])


def test_interview_exercises() -> None:
    interview = load_json("interview")
    dimension_keys = {d["key"] for d in interview["scorecard"]["dimensions"]}
    exercises = interview["exercises"]
    _assert_unique_slugs(exercises)
    assert len(exercises) == 3
    fields = {
        "key",
        "title",
        "prompt",
        "materials_md",
        "expected_outputs",
        "time_box_minutes",
        "dimensions",
    }
    for exercise in exercises:
        assert set(exercise) == fields, exercise["key"]
        for field in ("title", "prompt", "materials_md"):
            _assert_text(exercise[field])
        assert exercise["expected_outputs"], exercise["key"]
        for output in exercise["expected_outputs"]:
            _assert_text(output)
        assert isinstance(exercise["time_box_minutes"], int)
        assert exercise["time_box_minutes"] > 0
        assert exercise["dimensions"], exercise["key"]
        assert set(exercise["dimensions"]) <= dimension_keys, exercise["key"]
        assert len(set(exercise["dimensions"])) == len(exercise["dimensions"])
    prd = next(e for e in exercises if e["key"] == "ai_feature_prd_eval_plan")
    assert prd["time_box_minutes"] == 90
    # Every dimension is probed by at least one exercise.
    assert set().union(*(e["dimensions"] for e in exercises)) == dimension_keys


def _week_table(markdown: str) -> list[list[str]]:
    """Data rows of the first markdown table whose header starts with 'Week'."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(r"^\|\s*Week\s*\|", line))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def test_metrics_exercise_data_pack_has_eight_weeks_with_a_story() -> None:
    exercises = {e["key"]: e for e in load_json("interview")["exercises"]}
    materials = exercises["metrics_tradeoff_scenario"]["materials_md"]
    header = next(line for line in materials.splitlines() if line.startswith("| Week"))
    assert "adoption" in header.lower()
    assert "per 1k" in header.lower()
    assert "usd" in header.lower()
    rows = _week_table(materials)
    assert [row[0] for row in rows] == [str(week) for week in range(1, 9)]
    adoption = [float(row[1]) for row in rows]
    reports = [float(row[2]) for row in rows]
    cost = [float(row[3]) for row in rows]
    assert adoption == sorted(adoption) and adoption[-1] > adoption[0]
    # The report rate spikes in week 5 and stays well above the pre-spike level.
    assert max(reports) == reports[4]
    assert min(reports[4:]) > 1.5 * max(reports[:4])
    assert cost == sorted(cost) and cost[-1] > cost[0]


# --- risk taxonomies ----------------------------------------------------------------------


def test_risk_taxonomies_schema() -> None:
    taxonomies = load_json("risk_taxonomies")
    _assert_unique_slugs(taxonomies)
    assert {t["key"] for t in taxonomies} == {"nist_ai_600_1", "ai_product_risks", "nist_ai_rmf"}
    for taxonomy in taxonomies:
        assert set(taxonomy) == {"key", "name", "source", "items"}
        _assert_text(taxonomy["name"])
        _assert_text(taxonomy["source"])
        _assert_unique_slugs(taxonomy["items"])
        for item in taxonomy["items"]:
            assert set(item) == {"key", "name", "description"}
            _assert_text(item["name"])
            _assert_text(item["description"])


def test_nist_600_1_has_the_twelve_risks() -> None:
    taxonomies = {t["key"]: t for t in load_json("risk_taxonomies")}
    names = {item["name"].lower() for item in taxonomies["nist_ai_600_1"]["items"]}
    assert len(names) == 12
    for expected in (
        "cbrn information or capabilities",
        "confabulation",
        "data privacy",
        "human-ai configuration",
        "information integrity",
        "value chain and component integration",
    ):
        assert expected in names


def test_ai_product_risks() -> None:
    taxonomies = {t["key"]: t for t in load_json("risk_taxonomies")}
    keys = {item["key"] for item in taxonomies["ai_product_risks"]["items"]}
    assert keys >= {
        "prompt_injection",
        "data_exfiltration",
        "model_vendor_regression",
        "drift",
        "cost_overrun",
        "latency",
        "over_reliance",
        "overclaiming",
    }


def test_nist_rmf_categories() -> None:
    taxonomies = {t["key"]: t for t in load_json("risk_taxonomies")}
    items = taxonomies["nist_ai_rmf"]["items"]
    expected = (
        [f"govern_{n}" for n in range(1, 7)]
        + [f"map_{n}" for n in range(1, 6)]
        + [f"measure_{n}" for n in range(1, 5)]
        + [f"manage_{n}" for n in range(1, 5)]
    )
    assert [item["key"] for item in items] == expected
    for item in items:
        function, number = item["key"].split("_")
        assert item["name"].startswith(f"{function.upper()} {number}: "), item["name"]


# --- launch checklist ---------------------------------------------------------------------


def test_launch_checklist() -> None:
    items = load_json("launch_checklist")
    pairs = [(entry["function"], entry["item"]) for entry in items]
    assert len(pairs) == len(set(pairs))
    for entry in items:
        assert set(entry) == {"function", "item", "description"}
        for field in entry.values():
            _assert_text(field)
    per_function = Counter(entry["function"] for entry in items)
    assert len(per_function) == 10
    assert all(2 <= count <= 3 for count in per_function.values()), per_function
    text = " ".join(f"{e['function']} {e['item']}" for e in items).lower()
    for topic in (
        "security",
        "privacy",
        "legal",
        "support",
        "training",
        "go-to-market",
        "offline evaluation",
        "drift",
        "incident runbook",
        "responsible ai",
    ):
        assert topic in text, topic
