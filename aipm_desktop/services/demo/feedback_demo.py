"""The sample workspace's feedback inbox (``feedback.csv``): tickets and feedback over the
last five months, most triaged into a class and a failure cluster and linked to their use
case, risk and incident. The refund-policy hallucinations spike in the days after the
model update of the SEV2 incident; the last two weeks are mostly still to triage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Session

from ...models import FeedbackItem, Incident

#: Who triaged the demo items (the support operations lead and the PM, in turn).
TRIAGERS = ("Lena Fischer", "Maya Okafor")


def add_feedback(
    session: Session,
    rows: list[dict[str, str]],
    *,
    day: Callable[[int], dt.date],
    use_cases: Mapping[str, int],
    risks: Mapping[str, int],
) -> int:
    """Insert the demo feedback items (Core, like an import); returns how many."""
    incident = Incident.__table__  # type: ignore[attr-defined]
    incidents = {
        str(title): int(i) for i, title in session.execute(select(incident.c.id, incident.c.title))
    }
    values: list[dict[str, Any]] = []
    for n, row in enumerate(rows):
        received = day(int(row["days"]))
        triaged = row["class"] != "untriaged"
        stamp = dt.datetime.combine(received + dt.timedelta(days=1), dt.time(9, 30), dt.UTC)
        values.append(
            {
                "created_at": stamp,
                "updated_at": stamp,
                "version": 2 if triaged else 1,
                "text": row["text"],
                "date": received,
                "source": row["source"],
                "customer": row["customer"],
                "tags": row["tags"],
                "triage_class": row["class"],
                "cluster": row["cluster"],
                "use_case_id": use_cases.get(row["use_case"]) if row["use_case"] else None,
                "risk_id": risks.get(row["risk"]) if row["risk"] else None,
                "incident_id": incidents.get(row["incident"]) if row["incident"] else None,
                "roadmap_item_id": None,
                "triaged_at": stamp if triaged else None,
                "triaged_by": TRIAGERS[n % len(TRIAGERS)] if triaged else "",
                "import_id": None,
            }
        )
    if values:
        session.execute(insert(FeedbackItem.__table__), values)  # type: ignore[attr-defined]
    return len(values)
