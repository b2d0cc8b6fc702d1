"""The sample workspace's operations: experiments, cost models, runbooks and incidents.

A mixin of the demo builder (:mod:`.builder`), kept apart so each module stays short; it
uses the builder's ``add`` / ``add_many`` / ``day`` / ``moment`` and its remembered ids.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select

from ...models import (
    CommunicationTemplate,
    CostModel,
    Document,
    DocumentRevision,
    FailureCategory,
    Incident,
    IncidentAction,
    IncidentKpiLink,
    IncidentRiskLink,
    IncidentTimelineEntry,
    IncidentUseCaseLink,
    Kpi,
    ModelPrice,
    RollbackCriterion,
    Runbook,
    RunbookContact,
    UseCase,
)
from .content import given_fields
from .experiments_demo import ExperimentsDemo


class OperationsDemo(ExperimentsDemo):
    """Adds the operations rows (mixed into the demo builder, which provides these and
    what :class:`ExperimentsDemo` lists)."""

    owner: str
    risks: dict[str, int]
    criteria: dict[str, int]

    def add_operations(self) -> None:
        self.add_experiments()
        self.add_runbooks()
        self.add_incidents()
        self.add_cost_models()

    def _kpi_ids(self) -> dict[str, int]:
        table = Kpi.__table__  # type: ignore[attr-defined]
        return {
            str(key): int(kpi_id)
            for kpi_id, key in self.session.execute(select(table.c.id, table.c.catalog_key))
        }

    def add_runbooks(self) -> None:
        """A runbook per generative use case: escalation path, rollback criteria read as
        KPI conditions (matched to the KPIs as the runbook service does), safe mode and
        communication templates."""
        from ..launch.criteria import kpi_refs, match_kpi, parse_condition

        refs = kpi_refs(self.session.connection())
        for spec in self.content.runbooks:
            use_case_id = self.use_cases[spec["use_case"]]
            runbook = self.add(
                Runbook,
                {
                    "title": spec["title"],
                    "use_case_id": use_case_id,
                    "owner": spec["owner"],
                    "scope": spec["scope"],
                    "safe_mode": spec["safe_mode"],
                },
            )
            self.session.flush()
            for position, contact in enumerate(spec["contacts"]):
                values = {**contact, "runbook_id": runbook.id, "position": position}
                self.add(RunbookContact, values)
            for position, text in enumerate(spec["criteria"]):
                condition = parse_condition(text)
                assert condition is not None, text
                ref = match_kpi(condition.metric, refs, use_case_id)
                assert ref is not None, text
                criterion = self.add(
                    RollbackCriterion,
                    {
                        "runbook_id": runbook.id,
                        "position": position,
                        "kpi_id": ref.id,
                        "op": condition.op,
                        "threshold": condition.threshold,
                        "unit": condition.unit,
                        "consecutive": condition.consecutive,
                        "text": text,
                    },
                )
                self.session.flush()
                self.criteria[text] = criterion.id
            for channel, template in spec["templates"].items():
                values = {**template, "channel": channel, "runbook_id": runbook.id}
                self.add(CommunicationTemplate, values)
        self.session.flush()

    def add_incidents(self) -> None:
        """The incident log. The SEV2 tells the operations story: a vendor model update
        raised the hallucination rate, the weekly sample met the reply-drafts runbook's
        rollback criterion, the incident was opened from the breach, mitigated by a
        feature-flag rollback, reviewed in a post-incident review document and linked
        to its risk in the register."""
        from ..incidents.data import detail_from_session
        from ..incidents.review import REVIEW_KIND, review_body
        from ..templates import template_for

        categories = {c.name: c.id for c in self.session.execute(select(FailureCategory)).scalars()}
        kpis = self._kpi_ids()
        for spec in self.content.incidents:
            day, hour, minute = spec["detected"]
            detected = self.moment(day, hour, minute)

            def after(minutes: float | None, start: dt.datetime = detected) -> dt.datetime | None:
                return None if minutes is None else start + dt.timedelta(minutes=minutes)

            resolved = spec["resolved_days"]
            reviewed = spec["reviewed_days"]
            incident = self.add(
                Incident,
                {
                    **given_fields(spec, Incident),
                    "category_id": categories[spec["category"]],
                    "detected_at": detected,
                    "acknowledged_at": after(spec["acknowledged_minutes"]),
                    "mitigated_at": after(spec["mitigated_minutes"]),
                    "resolved_at": after(None if resolved is None else resolved * 1440),
                    "reviewed_at": after(None if reviewed is None else reviewed * 1440),
                },
            )
            self.session.flush()
            assert incident.id is not None
            links = IncidentUseCaseLink.__table__  # type: ignore[attr-defined]
            self.session.execute(
                insert(links),
                [{"incident_id": incident.id, "use_case_id": self.use_cases[spec["use_case"]]}],
            )
            if spec["kpis"]:
                self.session.execute(
                    insert(IncidentKpiLink.__table__),  # type: ignore[attr-defined]
                    [{"incident_id": incident.id, "kpi_id": kpis[k]} for k in spec["kpis"]],
                )
            if spec["risk"]:
                self.session.execute(
                    insert(IncidentRiskLink.__table__),  # type: ignore[attr-defined]
                    [{"incident_id": incident.id, "risk_id": self.risks[spec["risk"]]}],
                )
            for minutes, what, who in spec["timeline"]:
                self.add(
                    IncidentTimelineEntry,
                    {"incident_id": incident.id, "at": after(minutes), "who": who, "what": what},
                )
            for minutes, kind, who, notes in spec["actions_taken"]:
                self.add(
                    IncidentAction,
                    {
                        "incident_id": incident.id,
                        "kind": kind,
                        "at": after(minutes),
                        "who": who,
                        "notes": notes,
                    },
                )
            self.session.flush()
            if reviewed is not None:
                template = template_for(REVIEW_KIND)
                assert template is not None
                info = detail_from_session(self.session, incident.id)
                title = f"Post-incident review: {info.title}"[:200]
                body = review_body(template.body, info, title, today=self.day(day + reviewed))
                document = self.add(
                    Document,
                    {
                        "kind": REVIEW_KIND,
                        "title": title,
                        "body": body,
                        "status": "approved",
                        "approver": self.owner,
                        "approved_on": self.day(day + reviewed),
                        "use_case_id": self.use_cases[spec["use_case"]],
                    },
                )
                self.session.flush()
                self.session.add(
                    DocumentRevision(
                        document_id=document.id,
                        created_at=document.created_at,
                        title=title,
                        body=body,
                        note=f"Created from incident {info.title}",
                    )
                )
                incident.review_document_id = document.id
                self.session.flush()

    def add_cost_models(self) -> None:
        """The options of a use case as cost models, priced from the price table and
        linked to their KPI; an option with a build / partner / buy role fills that part
        of its use case's cost of ownership, as ``costs.feed_ownership`` does."""
        from ..costs import inputs_of, ownership_of

        prices = {
            f"{p.provider}/{p.model}": p for p in self.session.execute(select(ModelPrice)).scalars()
        }
        kpis = {k.name: k.id for k in self.session.execute(select(Kpi)).scalars()}
        rows, used = [], []
        for spec in self.content.cost_models:
            row = dict(spec)
            row["use_case_id"] = self.use_cases[row.pop("use_case")]
            kpi = row.pop("kpi", None)
            row["kpi_id"] = kpis[kpi] if kpi else None
            price = prices[row.pop("price")]
            row["price_id"] = price.id
            for name in ("price_input_per_m", "price_cached_input_per_m", "price_output_per_m"):
                row[name] = getattr(price, name)  # kept if the row is ever deleted
            rows.append(row)
            used.append(price)
        for model, price in zip(self.add_many(CostModel, rows), used, strict=True):
            if model.role == "none":
                continue
            use_case = self.session.get(UseCase, model.use_case_id)
            assert use_case is not None
            for name, value in ownership_of(inputs_of(model, price), model.role).fields.items():
                setattr(use_case, name, value)
