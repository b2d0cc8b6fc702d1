"""The demo's controls and evidence (``resources/demo/controls.json``, read with the rest
of the demo content): a few statuses
on the demo use cases and the workspace, and evidence files and references, some expiring
soon, so the gap analysis has something to say. The demo builder calls
:meth:`DemoControls.populate` after the releases and risks exist."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Session, SQLModel

from ...models import ControlStatus, EvidenceItem, EvidenceItemControlLink
from ...models.common import table_of
from ..controls.catalogs import CATALOG_T, CONTROL_T
from ..controls.evidence import BLOB_T
from ..controls.status import LINKS


@dataclass(frozen=True)
class DemoControls:
    """Adds the controls rows of the demo (``content``) inside the builder's open
    ``session``; ``day`` turns days from the anchor into dates, ``add`` validates and adds
    a row."""

    session: Session
    day: Callable[[int], dt.date]
    add: Callable[[type[SQLModel], dict[str, Any]], Any]
    use_cases: Mapping[str, int]
    risks: Mapping[str, int]
    content: Mapping[str, Any]

    def _control_ids(self) -> dict[str, int]:
        query = select(CONTROL_T.c.id, CONTROL_T.c.ref, CATALOG_T.c.key).join(
            CATALOG_T, CATALOG_T.c.id == CONTROL_T.c.catalog_id
        )
        return {f"{r.key}:{r.ref}": r.id for r in self.session.execute(query)}

    def populate(self) -> None:
        content = self.content
        controls = self._control_ids()
        risk_link, risk_column, _model = LINKS["risks"]
        for spec in content["statuses"]:
            values = {
                "control_id": controls[spec["control"]],
                "use_case_id": self.use_cases[spec["use_case"]] if spec["use_case"] else None,
                "applicability": spec.get("applicability", "applies"),
                "justification": spec.get("justification", ""),
                "status": spec.get("status", "not_started"),
                "owner": spec.get("owner", ""),
                "due_date": None if spec.get("due_days") is None else self.day(spec["due_days"]),
            }
            row = self.add(ControlStatus, values)
            self.session.flush()
            risks = [self.risks[title] for title in spec.get("risks", [])]
            if risks:
                self.session.execute(
                    insert(risk_link),
                    [{"control_status_id": row.id, risk_column: r} for r in risks],
                )
        for spec in content["evidence"]:
            self._add_evidence(spec, controls)

    def _add_evidence(self, spec: dict[str, Any], controls: dict[str, int]) -> None:
        values: dict[str, Any] = {
            "title": spec["title"],
            "kind": spec["kind"],
            "use_case_id": self.use_cases[spec["use_case"]] if spec["use_case"] else None,
            "added_by": spec["reviewer"],
            "added_on": self.day(-30),
            "valid_from": self.day(-30),
            "valid_until": (
                None if spec.get("valid_until_days") is None else self.day(spec["valid_until_days"])
            ),
            "reviewer": spec.get("reviewer", ""),
            "reviewed_on": self.day(-28),
        }
        if spec["kind"] == "file":
            data = spec["text"].encode("utf-8")
            digest = hashlib.sha256(data).hexdigest()
            self.session.execute(
                insert(BLOB_T).values(sha256=digest, size_bytes=len(data), data=data)
            )
            values.update(sha256=digest, file_name=spec["file_name"], size_bytes=len(data))
        else:
            values[spec["kind"]] = spec[spec["kind"]]
        item = self.add(EvidenceItem, values)
        self.session.flush()
        self.session.execute(
            insert(table_of(EvidenceItemControlLink)),
            [{"evidence_item_id": item.id, "control_id": controls[c]} for c in spec["controls"]],
        )
