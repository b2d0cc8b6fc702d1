"""The demo builder: writes the demo content (:mod:`.content`) into a new workspace.

It creates the rows area by area in the creating transaction, validating each through
the entity's create class, and remembers the ids the later areas link to. Every date is
an offset from ``anchor``; the random numbers (KPI noise, sign-off days) come from one
generator seeded with :data:`SEED`, so the same anchor always gives the same rows.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Session, SQLModel, col

from ...models import (
    AiActAssessment,
    Candidate,
    CaseExercise,
    ChangeLog,
    ComplianceObligation,
    Criterion,
    Document,
    DocumentRevision,
    Evaluation,
    Kpi,
    KpiCatalogEntry,
    KpiSnapshot,
    LaunchCheck,
    LaunchChecklistTemplate,
    MitigationAction,
    Rating,
    ReferenceRating,
    Release,
    Risk,
    RiskUseCaseLink,
    RoadmapDependency,
    RoadmapItem,
    RolloutStage,
    Score,
    Scorecard,
    ScorecardDimension,
    ScorecardSignal,
    UseCase,
    WorkspaceSettings,
    utcnow,
)
from ...models.usecases import COST_FIELDS
from .. import clock
from ..ai_act import OBLIGATIONS, QUESTIONS, evaluate
from ..records import new_row, validate_create
from .content import DemoContent, given_fields, load_content
from .controls_demo import DemoControls
from .evals_demo import EvalsDemo
from .kpi_series import STALE_KPI_KEY, STALE_WEEKS, WEEKS_OF_HISTORY, kpi_value
from .operations_demo import OperationsDemo

#: The random seed: the demo is the same every time for the same anchor.
SEED = 20240617


def this_monday(today: dt.date | None = None) -> dt.date:
    """The Monday of the week containing ``today`` (default: the current week)."""
    today = today or clock.today()
    return today - dt.timedelta(days=today.weekday())


def populate_demo(
    session: Session,
    *,
    anchor: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Fill a new workspace with the Tidewell demo portfolio, inside ``session``'s transaction.

    The reference data and the settings row (id 1) must already exist. ``anchor`` is the
    reference date every demo date is relative to (default: this week's Monday); the same
    anchor always produces the same content. ``progress(done, total)`` is called after each
    area, for a progress dialog.
    """
    builder = _DemoBuilder(session, anchor or this_monday(), load_content())
    steps = builder.steps()
    if progress is not None:
        progress(0, len(steps))
    for done, step in enumerate(steps, start=1):
        step()
        session.flush()
        if progress is not None:
            progress(done, len(steps))


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _stage_status(stage: dict[str, Any]) -> str:
    """A demo stage's status from its ``started`` / ``completed`` days (``releases.json``:
    days from the anchor): complete, active, or pending when it has neither."""
    if "completed" in stage:
        return "complete"
    return "active" if "started" in stage else "pending"


def _fmt(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


class _DemoBuilder(OperationsDemo, EvalsDemo):
    """Creates the demo rows area by area, remembering ids for the links between them."""

    def __init__(self, session: Session, anchor: dt.date, content: DemoContent) -> None:
        self.session = session
        self.anchor = anchor
        self.content = content
        self.company: str = content.company["company"]
        self.owner: str = content.company["owner"]
        self.rng = random.Random(SEED)
        self.use_cases: dict[str, int] = {}
        self.documents: dict[str, tuple[int, str]] = {}  # kind -> (id, use case key)
        self.items: dict[str, RoadmapItem] = {}
        self.risks: dict[str, int] = {}
        self.checks: dict[str, int] = {}
        self.kpi_values: dict[str, list[float]] = {}  # catalog key -> weekly values
        self.criteria: dict[str, int] = {}  # rollback criterion text -> id

    def steps(self) -> list[Callable[[], None]]:
        return [
            self.settings,
            self.add_use_cases,
            self.add_risks,
            self.add_ai_act,
            self.add_kpis,
            self.add_documents,
            self.add_roadmap,
            self.add_releases,
            self.add_operations,
            self.add_feedback,
            self.add_evaluations,
            self.add_controls,
            self.add_interviews,
            self.add_change_log,
        ]

    def add_feedback(self) -> None:
        from .feedback_demo import add_feedback

        add_feedback(
            self.session,
            self.content.feedback,
            day=self.day,
            use_cases=self.use_cases,
            risks=self.risks,
        )

    # helpers ---------------------------------------------------------------------

    def day(self, days: int) -> dt.date:
        return self.anchor + dt.timedelta(days=days)

    def moment(self, days: int, hour: int = 10, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(self.day(days), dt.time(hour, minute), tzinfo=dt.UTC)

    def add(self, model: type[SQLModel], data: dict[str, Any]) -> Any:
        """Validate ``data`` through the entity's create class and add the row."""
        obj = validate_create(model, data)
        self.session.add(obj)
        return obj

    def add_many(self, model: type[SQLModel], rows: Sequence[dict[str, Any]]) -> list[Any]:
        objs = [self.add(model, row) for row in rows]
        self.session.flush()
        return objs

    # areas -----------------------------------------------------------------------

    def settings(self) -> None:
        settings = self.session.get(WorkspaceSettings, 1)
        if settings is None:
            raise RuntimeError("the demo needs the workspace settings row")
        settings.name = self.content.company["workspace_name"]
        settings.client = self.content.company["client"]
        settings.owner_name = self.owner

    def add_use_cases(self) -> None:
        specs = self.content.use_cases
        rows = []
        for spec in specs:
            row = {k: v for k, v in spec.items() if k not in ("key", "costs", "scores")}
            row["metric_date"] = self.day(7 * row.pop("metric_weeks"))
            row.update({field: spec["costs"][field] for field in COST_FIELDS})
            rows.append(row)
        objs = self.add_many(UseCase, rows)
        self.use_cases = {spec["key"]: obj.id for spec, obj in zip(specs, objs, strict=True)}

        settings = self.session.get(WorkspaceSettings, 1)
        model_id = settings.active_scoring_model_id if settings else None
        if model_id is None:
            return
        criteria = {
            c.key: c.id
            for c in self.session.execute(
                select(Criterion).where(col(Criterion.model_id) == model_id)
            ).scalars()
        }
        scores = []
        for spec in specs:
            for key, (value, rationale) in spec["scores"].items():
                if key in criteria:
                    scores.append(
                        {
                            "use_case_id": self.use_cases[spec["key"]],
                            "criterion_id": criteria[key],
                            "value": value,
                            "rationale": rationale,
                        }
                    )
        self.add_many(Score, scores)

    def add_risks(self) -> None:
        for spec in self.content.risks:
            no_acceptance: dict[str, Any] = {"rationale": "", "approver": "", "expiry_days": None}
            acceptance = spec["acceptance"] or no_acceptance
            expiry = acceptance["expiry_days"]
            risk = self.add(
                Risk,
                {
                    **given_fields(spec, Risk),
                    "acceptance_rationale": acceptance["rationale"],
                    "approver": acceptance["approver"],
                    "acceptance_expiry": None if expiry is None else self.day(expiry),
                    "next_review": self.day(spec["next_review_days"]),
                },
            )
            self.session.flush()
            self.risks[spec["title"]] = risk.id
            for key in spec["use_cases"]:
                self.session.add(RiskUseCaseLink(risk_id=risk.id, use_case_id=self.use_cases[key]))
            for action in spec["actions"]:
                self.add(
                    MitigationAction,
                    {
                        "risk_id": risk.id,
                        "action": action["action"],
                        "owner": action["owner"],
                        "due_date": self.day(action["due_days"]),
                        "status": action["status"],
                    },
                )

    def add_ai_act(self) -> None:
        for spec in self.content.ai_act:
            use_case_id = self.use_cases[spec["use_case"]]
            answers = {key: True for key in spec["answers"]}
            result = evaluate(answers)
            self.add(
                AiActAssessment,
                {
                    "use_case_id": use_case_id,
                    "answers": {**dict.fromkeys(self._ai_act_keys(), False), **answers},
                    "tier": result.tier,
                    "reasons": list(result.reasons),
                    "assessor": spec["assessor"],
                    "assessed_on": self.day(spec["days"]),
                },
            )
            states = spec.get("obligations", {})
            if result.obligations:
                self.add_many(
                    ComplianceObligation,
                    [
                        {
                            "use_case_id": use_case_id,
                            "article": article,
                            "title": title,
                            "description": description,
                            "status": states[article]["status"],
                            "owner": states[article]["owner"],
                            "due_date": (
                                None
                                if states[article]["due_days"] is None
                                else self.day(states[article]["due_days"])
                            ),
                            "evidence": states[article]["evidence"],
                        }
                        for article, title, description in OBLIGATIONS
                    ],
                )

    @staticmethod
    def _ai_act_keys() -> list[str]:
        return [q.key for q in QUESTIONS]

    def _doc_dates(self) -> dict[str, str]:
        return {
            "company": self.company,
            **{name: _fmt(self.day(days)) for name, days in self.content.document_dates.items()},
            "month": f"{self.anchor:%B %Y}",
        }

    def _kpi_figures(self) -> dict[str, float]:
        """Latest and quarter-ago values of the KPIs the stakeholder update quotes."""
        figures = {}
        for name, key in self.content.kpi_figures.items():
            values = self.kpi_values.get(key) or [0.0] * 14
            figures[f"{name}_now"] = values[-1]
            figures[f"{name}_quarter"] = values[-14]
        return figures

    def add_documents(self) -> None:
        dates: dict[str, Any] = {**self._doc_dates(), **self._kpi_figures()}
        for spec in self.content.documents:
            body = self.content.templates[spec["file"]].format_map(dates)
            approved = spec["approved_days_ago"]
            doc = self.add(
                Document,
                {
                    "kind": spec["kind"],
                    "title": spec["title"],
                    "body": body,
                    "status": spec["status"],
                    "use_case_id": self.use_cases[spec["use_case"]],
                    "approver": spec["approver"],
                    "approved_on": None if approved is None else self.day(-approved),
                },
            )
            self.session.flush()
            self.documents[spec["kind"]] = (doc.id, spec["use_case"])
            lines = body.splitlines()
            for revision in spec["revisions"]:
                count = max(1, round(len(lines) * revision["share"]))
                self.session.add(
                    DocumentRevision(
                        document_id=doc.id,
                        created_at=self.moment(-revision["days_ago"], 16, 30),
                        title=spec["title"],
                        body="\n".join(lines[:count]) + "\n",
                        note=revision["note"],
                    )
                )

    def add_kpis(self) -> None:
        catalog = {e.key: e for e in self.session.execute(select(KpiCatalogEntry)).scalars().all()}
        snapshots: list[dict[str, Any]] = []
        stamp = utcnow()
        for spec in self.content.kpis:
            key = spec["catalog_key"]
            entry = catalog.get(key)
            kpi = self.add(
                Kpi,
                {
                    **given_fields(spec, Kpi),
                    "catalog_key": key if entry else "",
                    "direction": entry.direction if entry else "higher_is_better",
                    "frequency": "weekly",
                    "category": entry.category if entry else "",
                    "use_case_id": self.use_cases.get(spec["use_case"] or ""),
                },
            )
            self.session.flush()
            last = self.anchor - dt.timedelta(weeks=STALE_WEEKS if key == STALE_KPI_KEY else 0)
            source = spec["data_source"].split(":")[0]
            values = [
                round(kpi_value(key, t, self.rng), spec["decimals"])
                for t in range(WEEKS_OF_HISTORY)
            ]
            self.kpi_values[key] = values
            for t, value in enumerate(values):
                row = {
                    "kpi_id": kpi.id,
                    "date": last - dt.timedelta(weeks=WEEKS_OF_HISTORY - 1 - t),
                    "value": value,
                    "note": self.content.kpi_notes.get((key, t), ""),
                    "source": source,
                }
                snapshots.append(new_row(row, stamp))
        self.session.execute(insert(KpiSnapshot.__table__), snapshots)  # type: ignore[attr-defined]

    def add_controls(self) -> None:
        parts = (self.session, self.day, self.add, self.use_cases, self.risks)
        DemoControls(*parts, self.content.controls).populate()

    def add_roadmap(self) -> None:
        rows = []
        for spec in self.content.roadmap:
            kind, start_w, slip = spec["kind"], spec["start_week"], spec["weeks_slipped"]
            if kind == "work":
                start, end = self.day(7 * start_w), self.day(7 * spec["end_week"] - 3)
                planned_start, planned_end = start, end - dt.timedelta(weeks=slip)
            else:
                start = end = self.day(7 * start_w + 3)
                planned_start = planned_end = start - dt.timedelta(weeks=slip)
            if end < self.anchor:
                status, progress = "done", 100
            elif start > self.anchor:
                status, progress = "planned", 0
            else:
                elapsed = (self.anchor - start).days / max((end - start).days, 1)
                status, progress = "in_progress", min(95, max(5, 5 * round(elapsed * 20)))
            rows.append(
                {
                    "title": spec["title"],
                    "lane": spec["lane"],
                    "kind": kind,
                    "start": start,
                    "end": end,
                    "planned_start": planned_start,
                    "planned_end": planned_end,
                    "status": spec["status"] or status,
                    "progress": progress,
                    "owner": spec["owner"],
                    "use_case_id": self.use_cases.get(spec["use_case"] or ""),
                }
            )
        objs = self.add_many(RoadmapItem, rows)
        self.items = {
            spec["key"]: obj for spec, obj in zip(self.content.roadmap, objs, strict=True)
        }
        for pred, succ in self.content.dependencies:
            pred_id, succ_id = self.items[pred].id, self.items[succ].id
            assert pred_id is not None and succ_id is not None  # flushed by add_many
            self.session.add(RoadmapDependency(predecessor_id=pred_id, successor_id=succ_id))

    def add_releases(self) -> None:
        template = list(
            self.session.execute(
                select(LaunchChecklistTemplate).order_by(col(LaunchChecklistTemplate.position))
            ).scalars()
        )
        upcoming = self.content.upcoming_checks
        wiki = self.content.company["wiki"]
        for spec in self.content.releases:
            item = self.items[spec["item"]]
            release = self.add(
                Release,
                {
                    "name": spec["name"],
                    "target_date": item.end,
                    "feature_flag": spec["feature_flag"],
                    "description": spec["description"],
                    "use_case_id": self.use_cases[spec["use_case"]],
                    "roadmap_item_id": item.id,
                },
            )
            self.session.flush()
            shipped = spec["shipped"]
            stage_rows = self.add_many(
                RolloutStage,
                [
                    {
                        "release_id": release.id,
                        "position": position,
                        "name": stage["name"],
                        "audience_pct": stage["audience_pct"],
                        "entry_criteria": stage["entry_criteria"],
                        "exit_criteria": stage["exit_criteria"],
                        "rollback_criteria": stage["rollback_criteria"],
                        "status": _stage_status(stage),
                    }
                    for position, stage in enumerate(spec["stages"])
                ],
            )
            self._log_stage_moves(spec["stages"], stage_rows)
            checks = []
            for row in template:
                if shipped:
                    status, blocking = "done", True
                elif row.item in upcoming:
                    status, blocking = upcoming[row.item]["status"], upcoming[row.item]["blocking"]
                else:
                    status, blocking = "open", True
                doc_kind = self.content.check_evidence_documents.get(row.item, "")
                doc = self.documents.get(doc_kind)
                evidence_doc = None
                evidence_url = ""
                if status in ("done", "in_progress"):
                    if doc and (doc[1] == spec["use_case"] or row.item.startswith("Incident")):
                        evidence_doc = doc[0]
                    else:
                        flag = spec["feature_flag"].replace("_", "-")
                        evidence_url = f"{wiki}/launch/{flag}/{_slug(row.item)}"
                done = status == "done"
                owner = self.content.check_owners.get(row.function, self.owner)
                signed_days = self.rng.randint(3, 20)
                checks.append(
                    {
                        "release_id": release.id,
                        "function": row.function,
                        "item": row.item,
                        "owner": owner,
                        "status": status,
                        "blocking": blocking,
                        "evidence_url": evidence_url,
                        "evidence_document_id": evidence_doc,
                        "signed_off_by": owner if done else "",
                        "signed_off_on": (
                            min(item.end, self.anchor) - dt.timedelta(days=signed_days)
                            if done
                            else None
                        ),
                    }
                )
            for check in self.add_many(LaunchCheck, checks):
                if not shipped:
                    self.checks[check.item] = check.id

    def _log_stage_moves(self, specs: list[dict[str, Any]], stages: list[RolloutStage]) -> None:
        """Change-log rows for the days each stage was set active and complete, so a
        finished stage is judged on the KPI snapshots of its own window."""
        for spec, stage in zip(specs, stages, strict=True):
            assert stage.id is not None  # flushed by add_many
            moves = [("started", "pending", "active"), ("completed", "active", "complete")]
            for key, old, new in moves:
                if key in spec:
                    self.session.add(
                        ChangeLog(
                            at=self.moment(spec[key], 9, 30),
                            who=self.owner,
                            entity="rollout_stage",
                            entity_id=stage.id,
                            action="update",
                            label=stage.name,
                            changes={"status": [old, new]},
                        )
                    )

    def add_interviews(self) -> None:
        """Candidates with their panel's evaluations (submitted unless the demo says not),
        decisions, and the calibration case with its practice evaluations."""
        card = self.session.execute(select(Scorecard).order_by(col(Scorecard.id))).scalars().first()
        if card is None:
            return
        dims = list(
            self.session.execute(
                select(ScorecardDimension)
                .where(col(ScorecardDimension.scorecard_id) == card.id)
                .order_by(col(ScorecardDimension.position))
            ).scalars()
        )
        signals = {
            s.text: s.id
            for s in self.session.execute(
                select(ScorecardSignal).where(ScorecardSignal.scorecard_id == card.id)
            ).scalars()
        }
        exercises = {e.key: e.id for e in self.session.execute(select(CaseExercise)).scalars()}
        for spec in self.content.candidates:
            decision = spec.get("decision") or {}
            candidate = self.add(
                Candidate,
                {
                    "name": spec["name"],
                    "role_level": spec["role_level"],
                    "interview_date": self.day(spec["days"]),
                    "interviewers": ", ".join(spec["interviewers"]),
                    "decision": decision.get("decision"),
                    "decision_rationale": decision.get("rationale", ""),
                    "decided_by": decision.get("by", ""),
                    "decided_at": self.moment(decision["days"], 16) if decision else None,
                },
            )
            self.session.flush()
            for interviewer, ev in zip(spec["interviewers"], spec["evaluations"], strict=True):
                evaluation = self.add(
                    Evaluation,
                    {
                        "candidate_id": candidate.id,
                        "exercise_id": exercises.get(spec["exercise"]),
                        "scorecard_id": card.id,
                        "interviewer": interviewer,
                        "recommendation": ev["recommendation"],
                        "notes": ev["notes"],
                        "signal_ids": [signals[text] for text in ev["signals"] if text in signals],
                        "submitted_at": (
                            self.moment(spec["days"], 17) if ev.get("submitted", True) else None
                        ),
                    },
                )
                self.session.flush()
                self._rate(evaluation.id, dims, ev["ratings"])
        self.add_calibration(exercises, dims, card.id)

    def _rate(self, evaluation_id: int, dims: list[Any], given: dict[str, Any]) -> None:
        """Ratings of every dimension: ``given`` maps a dimension key to (level, evidence)."""
        ratings = []
        for dim in dims:
            rating, evidence = given.get(dim.key, (2, "Not observed."))
            ratings.append(
                {
                    "evaluation_id": evaluation_id,
                    "dimension_id": dim.id,
                    "rating": rating,
                    "evidence": evidence,
                }
            )
        self.add_many(Rating, ratings)

    def add_calibration(self, exercises: dict[str, int], dims: list[Any], card_id: int) -> None:
        """The calibration case: a sample answer, its reference ratings, and the practice
        evaluations of the interviewers who have scored it."""
        spec = self.content.calibration
        exercise_id = exercises.get(spec["exercise"])
        if exercise_id is None:
            return
        exercise = self.session.get(CaseExercise, exercise_id)
        assert exercise is not None
        exercise.sample_answer = spec["sample_answer"]
        self.add_many(
            ReferenceRating,
            [
                {
                    "exercise_id": exercise_id,
                    "dimension_key": key,
                    "rating": level,
                    "rationale": why,
                }
                for key, (level, why) in spec["references"].items()
            ],
        )
        for interviewer, practice in spec["practice"].items():
            evaluation = self.add(
                Evaluation,
                {
                    "candidate_id": None,
                    "practice": True,
                    "exercise_id": exercise_id,
                    "scorecard_id": card_id,
                    "interviewer": interviewer,
                    "submitted_at": self.moment(practice["days"], 15),
                },
            )
            self.session.flush()
            levels = dict(zip([d.key for d in dims], practice["ratings"], strict=True))
            self._rate(
                evaluation.id,
                dims,
                {k: (v, "Scored from the recording.") for k, v in levels.items()},
            )

    def _change_log_target(self, entity: str, ref: str) -> int:
        """The id of the row a change-log entry names by its key (0 if there is none)."""
        if entity == "use_case":
            return self.use_cases[ref]
        if entity == "risk":
            return self.risks[ref]
        if entity == "roadmap_item":
            item_id = self.items[ref].id
            assert item_id is not None  # flushed in add_roadmap
            return item_id
        if entity == "document":
            return self.documents[ref][0]
        if entity == "launch_check":
            return self.checks.get(ref, 0)
        raise ValueError(f"the demo change log names an unknown entity kind: {entity!r}")

    def add_change_log(self) -> None:
        """A few recent edits, so the overview's 'recent changes' tells a story."""
        for entry in self.content.change_log:
            entity, ref, days = entry["entity"], entry["ref"], entry["days"]
            changes = entry["changes"]
            if entity == "roadmap_item":  # "{planned_end}" and "{end}": the item's dates
                item = self.items[ref]
                dates = {"planned_end": item.planned_end, "end": item.end}
                changes = {
                    field: [v.format_map(dates) if isinstance(v, str) else v for v in values]
                    for field, values in changes.items()
                }
            self.session.add(
                ChangeLog(
                    at=self.moment(days, 9 + abs(days) % 8, 15),
                    who=entry["who"],
                    entity=entity,
                    entity_id=self._change_log_target(entity, ref),
                    action=entry["action"],
                    label=entry["label"],
                    changes=changes,
                )
            )
