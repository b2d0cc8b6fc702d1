"""Generic record services: validation in one place, change log, delete and restore."""

from __future__ import annotations

import pytest
from sqlmodel import select

from aipm_desktop.errors import ConflictError, NotFoundError, ValidationError
from aipm_desktop.models import (
    ChangeLog,
    Criterion,
    Document,
    Risk,
    RiskUseCaseLink,
    Score,
    ScorecardSignal,
    UseCase,
)
from aipm_desktop.services import records
from aipm_desktop.services.workspace import counts, recent_changes

#: The same tests on SQLite and on PostgreSQL (see tests/pg_cluster.py).
pytestmark = pytest.mark.backends


def _criterion_id(ws) -> int:
    with ws.session() as session:
        return session.exec(select(Criterion.id)).first()


def test_create_validates_and_logs(ws) -> None:
    obj, changes = records.create(ws=ws, model=UseCase, data={"title": "  Draft replies  "})
    assert obj.title == "Draft replies"
    assert changes.kind == "use_case" and changes.ids == (obj.id,) and changes.action == "create"
    entry = recent_changes(ws=ws, limit=1)[0]
    assert (entry.entity, entry.action, entry.label) == ("use_case", "create", "Draft replies")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "Title must not be empty"),
        ({"title": "x", "metric_name": "Resolution time", "metric_target": 36}, "needs a unit"),
        ({"title": "x", "metric_name": "Resolution time", "metric_unit": "min"}, "target number"),
        ({"title": "x", "status": "launched"}, "launched use case needs an outcome metric"),
        ({"title": "x", "status": "shipped"}, "status"),
        ({"title": "x", "cost_buy_yearly": -5}, "cost_buy_yearly"),
    ],
)
def test_create_rejects_invalid_use_cases(ws, data, message) -> None:
    with pytest.raises(ValidationError, match=message):
        records.create(ws=ws, model=UseCase, data=data)
    assert counts(ws=ws)["use_case"] == 0


def test_update_bumps_version_and_returns_old_values(ws) -> None:
    obj, _ = records.create(ws=ws, model=UseCase, data={"title": "Summaries"})
    updated, changes, old = records.update(
        ws=ws, model=UseCase, id=obj.id, data={"title": "Case summaries", "owner": "Priya"}
    )
    assert updated.version == 2
    assert old == {"title": "Summaries", "owner": ""}
    assert changes.action == "update"
    with ws.session() as session:
        log = session.exec(select(ChangeLog).order_by(ChangeLog.id.desc())).first()
    assert log.changes["title"] == ["Summaries", "Case summaries"]


def test_update_validates_the_merged_record(ws) -> None:
    obj, _ = records.create(ws=ws, model=UseCase, data={"title": "Summaries"})
    with pytest.raises(ValidationError, match="outcome metric"):
        records.update(ws=ws, model=UseCase, id=obj.id, data={"status": "launched"})
    assert records.get(ws=ws, model=UseCase, id=obj.id).status == "idea"


def test_update_detects_conflicts_and_unknown_fields(ws) -> None:
    obj, _ = records.create(ws=ws, model=UseCase, data={"title": "Summaries"})
    records.update(ws=ws, model=UseCase, id=obj.id, data={"owner": "Sam"})
    with pytest.raises(ConflictError):
        records.update(ws=ws, model=UseCase, id=obj.id, data={"owner": "Kim"}, expected_version=1)
    with pytest.raises(ValidationError, match="unknown field"):
        records.update(ws=ws, model=UseCase, id=obj.id, data={"colour": "red"})
    with pytest.raises(NotFoundError):
        records.update(ws=ws, model=UseCase, id=999, data={"owner": "Kim"})


def test_no_op_update_does_not_log(ws) -> None:
    obj, _ = records.create(ws=ws, model=UseCase, data={"title": "Summaries"})
    before = len(recent_changes(ws=ws, limit=100))
    updated, _, old = records.update(ws=ws, model=UseCase, id=obj.id, data={"title": "Summaries"})
    assert old == {} and updated.version == 1
    assert len(recent_changes(ws=ws, limit=100)) == before


def test_update_of_an_unversioned_row(ws) -> None:
    """Rows without a version counter (scorecard signals) can be edited and undone."""
    with ws.session() as session:
        signal_id = session.exec(select(ScorecardSignal.id)).first()
    before = records.get(ws=ws, model=ScorecardSignal, id=signal_id).text
    obj, changes, old = records.update(
        ws=ws, model=ScorecardSignal, id=signal_id, data={"text": "Names the trade-off"}
    )
    assert obj.text == "Names the trade-off" and old == {"text": before}
    assert changes.ids == (signal_id,)
    ws.undo()
    assert records.get(ws=ws, model=ScorecardSignal, id=signal_id).text == before


def test_schema_rejects_dangling_references(ws) -> None:
    with pytest.raises(ValidationError, match="does not exist"):
        records.create(
            ws=ws,
            model=Score,
            data={"use_case_id": 42, "criterion_id": _criterion_id(ws), "value": 3},
        )


def test_delete_cascades_and_restore_puts_everything_back(ws) -> None:
    uc, _ = records.create(ws=ws, model=UseCase, data={"title": "Lead scoring"})
    crit = _criterion_id(ws)
    records.create(
        ws=ws, model=Score, data={"use_case_id": uc.id, "criterion_id": crit, "value": 4}
    )
    doc, _ = records.create(
        ws=ws, model=Document, data={"kind": "ai_prd", "title": "PRD", "use_case_id": uc.id}
    )
    risk, _ = records.create(ws=ws, model=Risk, data={"title": "Bias in scores"})
    with ws.write() as session:
        session.add(RiskUseCaseLink(risk_id=risk.id, use_case_id=uc.id))

    changes = records.delete(ws=ws, model=UseCase, id=uc.id)
    assert changes.action == "delete"
    with ws.session() as session:
        assert session.exec(select(Score)).all() == []
        assert session.exec(select(RiskUseCaseLink)).all() == []
        assert session.get(Document, doc.id).use_case_id is None

    ws.undo()
    with ws.session() as session:
        assert session.get(UseCase, uc.id).title == "Lead scoring"
        assert len(session.exec(select(Score)).all()) == 1
        assert len(session.exec(select(RiskUseCaseLink)).all()) == 1
        assert session.get(Document, doc.id).use_case_id == uc.id
    recent = [(c.entity, c.action) for c in recent_changes(ws=ws, limit=10)]
    assert ("use_case", "restore") in recent[:4] and ("use_case", "delete") in recent[4:]


def test_delete_of_missing_record_is_not_found(ws) -> None:
    with pytest.raises(NotFoundError):
        records.delete(ws=ws, model=UseCase, id=12345)


def test_resolve_ref_by_id_or_name_with_clear_errors(ws) -> None:
    from aipm_desktop.errors import UserError

    first, _ = records.create(ws=ws, model=UseCase, data={"title": "Ticket triage"})
    records.create(ws=ws, model=UseCase, data={"title": "Reply drafts"})
    records.create(ws=ws, model=UseCase, data={"title": "reply drafts"})
    table = UseCase.__table__

    def resolve(ref):
        return records.resolve_ref(
            ws=ws, table=table, name_column="title", ref=ref, noun="use case", plural="use cases"
        )

    assert resolve(str(first.id)) == first.id
    assert resolve("TICKET TRIAGE") == first.id
    with pytest.raises(UserError, match="2 use cases are called 'Reply drafts'; give the id"):
        resolve("Reply drafts")
    with pytest.raises(UserError, match="did you mean 'Ticket triage'"):
        resolve("Ticket triag")


def test_from_row_takes_same_named_values_from_rows_mappings_and_objects(ws) -> None:
    import dataclasses

    from sqlalchemy import exc
    from sqlalchemy import select as core_select

    @dataclasses.dataclass(frozen=True)
    class Item:
        id: int
        title: str
        note: str = ""

    obj, _ = records.create(ws=ws, model=UseCase, data={"title": "Summaries"})
    table = UseCase.__table__
    with ws.engine.connect() as conn:
        row = conn.execute(core_select(table.c.id, table.c.title)).one()
    assert records.from_row(Item, row, note="") == Item(obj.id, "Summaries")
    assert records.from_row(Item, row, title="Other", note="n") == Item(obj.id, "Other", "n")
    with pytest.raises(exc.NoSuchColumnError):  # a field the row lacks must be given
        records.from_row(Item, row)
    assert records.from_row(Item, {"id": 3, "title": "t", "note": "x", "more": 1}) == Item(
        3, "t", "x"
    )
    assert records.from_row(Item, obj, note="from ORM") == Item(obj.id, "Summaries", "from ORM")
    with pytest.raises(KeyError):
        records.from_row(Item, {"id": 3})


def test_ref_finder_is_resolve_ref_with_its_settings(ws) -> None:
    from aipm_desktop.errors import UserError

    first, _ = records.create(ws=ws, model=UseCase, data={"title": "Ticket triage"})
    find = records.RefFinder(UseCase.__table__, "title", "use case", list_names=True)
    assert find(ws=ws, ref="ticket TRIAGE") == first.id
    assert find(ws=ws, ref=str(first.id)) == first.id
    with pytest.raises(UserError, match="No use case 'Nothing like it'; use cases: 'Ticket"):
        find(ws=ws, ref="Nothing like it")


def test_editing_is_one_labelled_operation_and_touch_moves_the_version_on(ws) -> None:
    obj, _ = records.create(ws=ws, model=UseCase, data={"title": "Summaries"})
    with records.editing(ws, UseCase, obj.id, lambda row: f"Tidy {row.title}") as (_s, row):
        row.owner = "Priya"
        records.touch(row)
    assert records.get(ws=ws, model=UseCase, id=obj.id).version == 2
    assert ws.history(limit=1)[0]["label"] == "Tidy Summaries"
    with pytest.raises(NotFoundError), records.editing(ws, UseCase, 12345, str):
        pass


def test_new_row_and_insert_row_write_with_core(ws) -> None:
    import datetime as dt

    now = dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)
    values = records.new_row({"title": "Core row", "status": "idea"}, now)
    assert values["version"] == 1 and values["created_at"] == values["updated_at"] == now
    with ws.write() as session:
        new_id = records.insert_row(session.connection(), UseCase.__table__, values)
    assert records.get(ws=ws, model=UseCase, id=new_id).title == "Core row"
