"""The demo content, read from the data files under ``aipm_desktop/resources/demo/``.

Every file is plain data an editor can change without touching code:

- ``company.json``: the company, the workspace owner, the wiki base URL and the people.
- ``use_cases.json``, ``risks.json``, ``ai_act.json``, ``kpis.json``, ``releases.json``,
  ``operations.json`` (experiments, incidents, cost models), ``evaluations.json`` (eval
  suites, their metrics and the parameters of their generated runs), ``interviews.json``
  and ``change_log.json``: the rows of each area, linked by keys (a use case's ``key``, a
  risk's title, a roadmap item's ``key``, a document's ``kind``, a launch check's item).
- ``roadmap.csv`` and ``roadmap_dependencies.csv``: the roadmap items and their
  finish-to-start dependencies.
- ``experiment_results.csv``: daily aggregates per arm and metric of the experiments
  that have results (``day`` counts days from the experiment's start), in the columns of
  a results import.
- ``feedback.csv``: customer feedback and tickets for the feedback inbox (``days`` from
  the anchor), most triaged (class, failure cluster, links by use case key, risk title
  and incident title), the last two weeks mostly not yet; the refund-policy cluster
  spikes after the model update of the SEV2 incident.
- ``documents.json`` and ``documents/*.md``: the deliverables; each markdown file is a
  :meth:`str.format` template over the dates in ``documents.json`` and the KPI figures.

Dates are never absolute: ``*_days`` and ``days`` are days from the anchor (a Monday;
negative is in the past), ``*_days_ago`` days before it, ``*_week``/``start``/``end``
weeks from it, so the same files give a portfolio that is always current.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from ...resources import read_text

#: The folder of the demo data, relative to the resources package.
DEMO_DIR = "demo"
#: The folder of the demo documents' markdown templates.
DOCUMENTS_DIR = f"{DEMO_DIR}/documents"

_ROADMAP_INTS = ("start_week", "end_week", "weeks_slipped")


def load_json(name: str) -> Any:
    """The parsed data file ``demo/<name>.json`` (a fresh object on every call)."""
    return json.loads(read_text(f"{DEMO_DIR}/{name}.json"))


def load_csv(name: str) -> list[dict[str, str]]:
    """The rows of ``demo/<name>.csv`` as dicts of strings, keyed by the header."""
    return list(csv.DictReader(io.StringIO(read_text(f"{DEMO_DIR}/{name}.csv"))))


def document_template(file: str) -> str:
    """The markdown template ``demo/documents/<file>``."""
    return read_text(f"{DOCUMENTS_DIR}/{file}")


def document_files() -> list[str]:
    """The names of every markdown file shipped in ``demo/documents/``, sorted."""
    folder = files("aipm_desktop.resources").joinpath(*DOCUMENTS_DIR.split("/"))
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".md"))


def _roadmap_row(row: dict[str, str]) -> dict[str, Any]:
    """A roadmap CSV row with its week columns as ints and empty cells as ``None``."""
    out: dict[str, Any] = {k: (v or None) for k, v in row.items()}
    for key in _ROADMAP_INTS:
        out[key] = int(row[key])
    return out


@dataclass(frozen=True)
class DemoContent:
    """Everything the demo builder writes, as loaded from the data files."""

    company: dict[str, Any]
    use_cases: list[dict[str, Any]]
    risks: list[dict[str, Any]]
    ai_act: list[dict[str, Any]]
    kpis: list[dict[str, Any]]
    kpi_notes: dict[tuple[str, int], str]
    documents: list[dict[str, Any]]
    document_dates: dict[str, int]
    kpi_figures: dict[str, str]
    templates: dict[str, str]  # document file name -> markdown template
    roadmap: list[dict[str, Any]]
    dependencies: list[tuple[str, str]]
    releases: list[dict[str, Any]]
    upcoming_checks: dict[str, dict[str, Any]]
    check_owners: dict[str, str]
    check_evidence_documents: dict[str, str]
    experiments: list[dict[str, Any]]
    experiment_results: list[dict[str, str]]
    incidents: list[dict[str, Any]]
    runbooks: list[dict[str, Any]]
    cost_models: list[dict[str, Any]]
    feedback: list[dict[str, str]]
    candidates: list[dict[str, Any]]
    calibration: dict[str, Any]
    change_log: list[dict[str, Any]]
    eval_suites: list[dict[str, Any]]
    controls: dict[str, Any]  # control statuses and evidence (controls.json)


def given_fields(spec: dict[str, Any], model: Any) -> dict[str, Any]:
    """What a demo data record gives, under their own names, for ``model``'s fields."""
    return {name: spec[name] for name in model.model_fields if name in spec}


def load_content() -> DemoContent:
    """Read every demo data file."""
    kpis = load_json("kpis")
    documents = load_json("documents")
    releases = load_json("releases")
    operations = load_json("operations")
    return DemoContent(
        company=load_json("company"),
        use_cases=load_json("use_cases"),
        risks=load_json("risks"),
        ai_act=load_json("ai_act"),
        kpis=kpis["kpis"],
        kpi_notes={(n["kpi"], n["week"]): n["note"] for n in kpis["notes"]},
        documents=documents["documents"],
        document_dates=documents["dates"],
        kpi_figures=documents["kpi_figures"],
        templates={d["file"]: document_template(d["file"]) for d in documents["documents"]},
        roadmap=[_roadmap_row(row) for row in load_csv("roadmap")],
        dependencies=[(r["predecessor"], r["successor"]) for r in load_csv("roadmap_dependencies")],
        releases=releases["releases"],
        upcoming_checks=releases["upcoming_checks"],
        check_owners=releases["check_owners"],
        check_evidence_documents=releases["check_evidence_documents"],
        experiments=operations["experiments"],
        experiment_results=load_csv("experiment_results"),
        incidents=operations["incidents"],
        runbooks=operations["runbooks"],
        cost_models=operations["cost_models"],
        feedback=load_csv("feedback"),
        candidates=load_json("interviews"),
        calibration=load_json("calibration"),
        change_log=load_json("change_log"),
        eval_suites=load_json("evaluations")["suites"],
        controls=load_json("controls"),
    )
