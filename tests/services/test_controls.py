"""Controls and evidence: applicability from the AI Act tier and role, hand-counted
coverage, evidence once / satisfies many through the crosswalk, deduplication by
SHA-256, the size limit, expiring evidence, undo, and the JSON dump carrying the files."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from aipm_desktop.errors import UserError, ValidationError
from aipm_desktop.models import ControlStatus, EvidenceBlob, EvidenceItem, Risk, UseCase
from aipm_desktop.models.common import table_of
from aipm_desktop.services import ai_act, clock, records, transfer
from aipm_desktop.services import controls as ctl


def _use_case(ws, title: str) -> int:
    obj, _ = records.create(ws=ws, model=UseCase, data={"title": title})
    return int(obj.id)


def _count(ws, model) -> int:
    with ws.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table_of(model))).scalar())


def _control(ws, ref: str) -> int:
    return ctl.find_control(ws=ws, ref=ref)


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _evidenced(ws, uc: int, ref: str, status: str, kind: str, target: str, days=None) -> None:
    """Set ``ref``'s status for ``uc`` and add a reference as its evidence, valid until
    ``days`` from today (None: open-ended)."""
    control_id = _control(ws, ref)
    ctl.set_status(ws=ws, control_id=control_id, use_case_id=uc, values={"status": status})
    until = None if days is None else clock.today() + dt.timedelta(days=days)
    about = ctl.About(use_case_id=uc, control_ids=(control_id,), valid_until=until)
    ctl.add_reference(ws=ws, kind=kind, target=target, about=about)


@pytest.fixture
def hiring(ws):
    """A high-risk use case (employment, Annex III point 4) run by a deployer."""
    uc = _use_case(ws, "CV screening")
    ai_act.save_assessment(ws=ws, use_case_id=uc, answers={"employment": True})
    ctl.set_role(ws=ws, use_case_id=uc, role="deployer")
    return uc


def test_the_builtin_catalogs_are_complete() -> None:
    sizes = {c["key"]: len(c["controls"]) for c in ctl.builtin_catalogs()}
    # 72 AI RMF subcategories (GOVERN 19, MAP 18, MEASURE 22, MANAGE 13); 38 Annex A controls
    assert sizes == {"eu_ai_act": 20, "nist_ai_rmf": 72, "iso_42001": 38}
    eu = next(c for c in ctl.builtin_catalogs() if c["key"] == "eu_ai_act")
    art9 = next(c for c in eu["controls"] if c["ref"] == "Art. 9")
    # reused from the tier check's data, not written twice
    assert (art9["title"], art9["summary"]) == ai_act.OBLIGATIONS[0][1:]


def test_a_new_workspace_holds_the_catalogs_and_crosswalk(ws) -> None:
    by_key = {c.key: c for c in ctl.catalogs(ws=ws)}
    assert {k: c.controls for k, c in by_key.items()} == {
        "eu_ai_act": 20,
        "nist_ai_rmf": 72,
        "iso_42001": 38,
    }
    assert by_key["iso_42001"].built_in and "Copyrighted" in by_key["iso_42001"].licence
    assert len(ctl.mappings(ws=ws)) == len(ctl.builtin_crosswalk())


def test_the_tier_and_role_decide_what_applies(ws, hiring) -> None:
    eu = ctl.find_catalog(ws=ws, ref="eu_ai_act")
    rep = ctl.gap_report(ws=ws, catalog_id=eu, use_case_id=hiring)
    # a deployer of a high-risk system: Art. 5 (everyone), 26, 27 and 86 (deployers)
    assert sorted(r.ref for r in rep.missing) == ["Art. 26", "Art. 27", "Art. 5", "Art. 86"]
    ctl.set_role(ws=ws, use_case_id=hiring, role="both")
    rep = ctl.gap_report(ws=ws, catalog_id=eu, use_case_id=hiring)
    # + the provider's Articles 9-15, 43, 47, 49, 72, 73 (17 is organisation-wide)
    assert rep.applicable == 4 + 12
    workspace = ctl.gap_report(ws=ws, catalog_id=eu, use_case_id=None)
    assert {r.ref for r in workspace.missing} == {"Art. 4", "Art. 17"}


def test_coverage_is_counted_by_hand(ws, hiring, tmp_path: Path) -> None:
    eu = ctl.find_catalog(ws=ws, ref="eu_ai_act")
    today = clock.today()
    ctl.set_status(
        ws=ws,
        control_id=_control(ws, "eu_ai_act:Art. 27"),
        use_case_id=hiring,
        values={"applicability": "not_applicable", "justification": "We are a private firm."},
    )
    # Art. 26 implemented with current evidence: covered
    _evidenced(ws, hiring, "Art. 26", "implemented", "ticket", "HR-26")
    # Art. 5 implemented but its evidence ran out yesterday: not covered
    _evidenced(ws, hiring, "Art. 5", "implemented", "url", "https://wiki.example/art5", -1)
    rep = ctl.gap_report(ws=ws, catalog_id=eu, use_case_id=hiring, today=today)
    # applicable: Art. 5, 26, 86 (27 is not applicable) -> covered 1 of 3
    assert (rep.applicable, rep.covered, rep.not_applicable) == (3, 1, 1)
    assert rep.coverage_pct == 33.3
    assert [(r.ref, r.missing) for r in rep.missing] == [
        ("Art. 5", "evidence not current"),
        ("Art. 86", "not started, no evidence"),
    ]
    assert rep.missing_by_priority() == {"high": 1, "medium": 1, "low": 0}
    # Art. 86 verified, evidence valid for 10 more days: covered, and listed as expiring
    _evidenced(ws, hiring, "Art. 86", "verified", "ticket", "HR-12", 10)
    rep = ctl.gap_report(ws=ws, catalog_id=eu, use_case_id=hiring, today=today)
    assert (rep.covered, rep.applicable, rep.coverage_pct) == (2, 3, 66.7)
    assert [(e.title, e.days_left, e.controls) for e in rep.expiring] == [
        ("HR-12", 10, ("Art. 86",))
    ]
    # the window is the next 30 days, today included: 30 days away is in, 31 is out
    for days, ticket in ((30, "HR-30"), (31, "HR-31")):
        ctl.add_reference(
            ws=ws,
            kind="ticket",
            target=ticket,
            about=ctl.About(
                use_case_id=hiring,
                control_ids=(_control(ws, "Art. 26"),),
                valid_until=today + dt.timedelta(days=days),
            ),
        )
    rep = ctl.gap_report(ws=ws, catalog_id=eu, use_case_id=hiring, today=today)
    assert [(e.title, e.days_left) for e in rep.expiring] == [("HR-12", 10), ("HR-30", 30)]


def test_not_applicable_needs_a_justification(ws, hiring) -> None:
    with pytest.raises(ValidationError, match="needs a justification"):
        ctl.set_status(
            ws=ws,
            control_id=_control(ws, "Art. 26"),
            use_case_id=hiring,
            values={"applicability": "not_applicable"},
        )
    assert _count(ws, ControlStatus) == 0


def test_an_organisation_wide_control_is_not_set_for_a_use_case(ws, hiring) -> None:
    # Art. 17 (quality management system) is tracked once for the workspace
    with pytest.raises(ValidationError, match="organisation-wide"):
        ctl.set_status(
            ws=ws,
            control_id=_control(ws, "Art. 17"),
            use_case_id=hiring,
            values={"status": "implemented"},
        )
    assert _count(ws, ControlStatus) == 0
    ctl.set_status(
        ws=ws, control_id=_control(ws, "Art. 17"), use_case_id=None, values={"status": "verified"}
    )
    assert _count(ws, ControlStatus) == 1


def test_evidence_once_satisfies_many_through_the_crosswalk(ws, tmp_path: Path) -> None:
    uc = _use_case(ws, "Support bot")
    other = _use_case(ws, "Pricing")
    art12, a628 = _control(ws, "eu_ai_act:Art. 12"), _control(ws, "iso_42001:A.6.2.8")
    added = ctl.add_file(
        ws=ws,
        path=_file(tmp_path, "logs.md", "log design"),
        about=ctl.About(use_case_id=uc, control_ids=(art12,)),
    )
    satisfied = ctl.satisfied_controls(ws=ws, evidence_id=added.id)
    assert [(s.control, s.how, s.via) for s in satisfied] == [
        ("eu_ai_act:Art. 12", "direct", ""),
        ("iso_42001:A.6.2.8", "equivalent", "eu_ai_act:Art. 12"),
    ]
    iso = ctl.find_catalog(ws=ws, ref="iso_42001")
    for use_case in (uc, other):
        ctl.set_status(
            ws=ws, control_id=a628, use_case_id=use_case, values={"status": "implemented"}
        )
    # the equivalent control counts as evidenced for the use case the file belongs to only
    assert ctl.gap_report(ws=ws, catalog_id=iso, use_case_id=uc).coverage_pct == 100.0
    assert ctl.gap_report(ws=ws, catalog_id=iso, use_case_id=other).coverage_pct == 0.0
    # a related line is listed as helped but does not satisfy
    art10, a74 = _control(ws, "Art. 10"), _control(ws, "A.7.4")
    ctl.link_controls(ws=ws, evidence_id=added.id, control_ids=[art10])
    hows = {s.control: s.how for s in ctl.satisfied_controls(ws=ws, evidence_id=added.id)}
    assert hows["iso_42001:A.7.4"] == "related"
    state = ctl.ControlsState.load(ws=ws)
    assert state.evidence_for(a74, uc) == ([], [])


def test_the_same_file_is_stored_once(ws, tmp_path: Path) -> None:
    uc = _use_case(ws, "Support bot")
    other = _use_case(ws, "Pricing")
    first = ctl.add_file(
        ws=ws,
        path=_file(tmp_path, "a.pdf", "same bytes"),
        about=ctl.About(use_case_id=uc, control_ids=(_control(ws, "Art. 11"),)),
    )
    again = ctl.add_file(
        ws=ws,
        path=_file(tmp_path, "b.pdf", "same bytes"),
        about=ctl.About(use_case_id=uc, control_ids=(_control(ws, "A.6.2.3"),)),
    )
    assert again.reused and again.id == first.id
    assert first.sha256 == hashlib.sha256(b"same bytes").hexdigest()
    (item,) = ctl.evidence_items(ws=ws, use_case_id=uc)
    assert item.controls == ("eu_ai_act:Art. 11", "iso_42001:A.6.2.3")
    third = ctl.add_file(ws=ws, path=tmp_path / "a.pdf", about=ctl.About(use_case_id=other))
    assert not third.reused
    assert (_count(ws, EvidenceItem), _count(ws, EvidenceBlob)) == (2, 1)
    assert ctl.blob(ws=ws, sha256=first.sha256) == b"same bytes"


def test_a_file_above_the_size_limit_is_refused_and_nothing_stored(ws, tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * 2048)
    with pytest.raises(UserError, match=r"big.bin is 0.0 MB, above the evidence size limit"):
        ctl.add_file(ws=ws, path=path, max_bytes=1024)
    assert (_count(ws, EvidenceItem), _count(ws, EvidenceBlob)) == (0, 0)
    assert ctl.DEFAULT_MAX_BYTES == 50 * 1024 * 1024
    assert ctl.add_file(ws=ws, path=path, max_bytes=2048).id > 0


def test_a_tampered_blob_is_detected(ws, tmp_path: Path) -> None:
    added = ctl.add_file(ws=ws, path=_file(tmp_path, "p.md", "policy"))
    assert ctl.verify_blobs(ws=ws) == []
    path = ws.path
    ws.close()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE evidence_blob SET data = ? WHERE sha256 = ?", (b"polic!", added.sha256)
        )
    from aipm_desktop.store import open_workspace

    reopened = open_workspace(path)
    try:
        (problem,) = ctl.verify_blobs(ws=reopened)
        assert added.sha256[:12] in problem and "does not match" in problem
    finally:
        reopened.close()


def test_status_and_crosswalk_edits_are_undoable(ws, hiring) -> None:
    art26 = _control(ws, "Art. 26")
    risk, _ = records.create(ws=ws, model=Risk, data={"title": "Biased ranking"})
    ctl.set_status(
        ws=ws,
        control_id=art26,
        use_case_id=hiring,
        values={"status": "in_progress", "owner": "Ana"},
        links={"risks": [risk.id]},
    )
    entry = ctl.ControlsState.load(ws=ws).entry(art26, hiring)
    assert (entry.status, entry.owner, entry.source) == ("in_progress", "Ana", "set")
    assert ctl.linked_records(ws=ws, status_id=entry.status_id).risks == (
        (risk.id, "Biased ranking"),
    )
    ws.undo()
    entry = ctl.ControlsState.load(ws=ws).entry(art26, hiring)
    assert (entry.status, entry.source) == ("not_started", "obligation item")
    before = len(ctl.mappings(ws=ws))
    changes = ctl.add_mapping(
        ws=ws,
        from_control_id=_control(ws, "GOVERN 1.1"),
        to_control_id=_control(ws, "Art. 17"),
        strength="related",
    )
    assert len(ctl.mappings(ws=ws)) == before + 1 and changes.ids
    with pytest.raises(ValidationError, match="already linked"):
        ctl.add_mapping(
            ws=ws, from_control_id=_control(ws, "Art. 17"), to_control_id=_control(ws, "GOVERN 1.1")
        )
    with pytest.raises(ValidationError, match="same catalog"):
        ctl.add_mapping(
            ws=ws, from_control_id=_control(ws, "Art. 9"), to_control_id=_control(ws, "Art. 10")
        )
    ws.undo()
    assert len(ctl.mappings(ws=ws)) == before


def test_the_dump_carries_evidence_files_byte_identical(ws, tmp_path: Path) -> None:
    data = bytes(range(256)) * 3
    path = tmp_path / "scan.png"
    path.write_bytes(data)
    added = ctl.add_file(ws=ws, path=path, about=ctl.About(control_ids=(_control(ws, "Art. 4"),)))
    dump = tmp_path / "dump.json"
    transfer.export_json(ws=ws, out=dump)
    restored = transfer.import_json(source=dump, dest=tmp_path / "copy.aipm")
    try:
        assert ctl.blob(ws=restored, sha256=added.sha256) == data
        assert ctl.verify_blobs(ws=restored) == []
        assert [e.controls for e in ctl.evidence_items(ws=restored)] == [("eu_ai_act:Art. 4",)]
        again = tmp_path / "again.json"
        transfer.export_json(ws=restored, out=again)
        assert again.read_text() == dump.read_text()
    finally:
        restored.close()
    tampered = dump.read_text().replace(
        transfer.export_data(ws=ws)["tables"]["evidence_blob"][0]["data"][:8], "AAAAAAAA", 1
    )
    bad = tmp_path / "bad.json"
    bad.write_text(tampered)
    with pytest.raises(ValidationError, match=r"evidence_blob.*do not match the SHA-256"):
        transfer.import_json(source=bad, dest=tmp_path / "bad.aipm")
    assert not (tmp_path / "bad.aipm").exists()


def test_the_gaps_chart_draws_one_bar_per_scope_with_its_counts(ws, hiring) -> None:
    from aipm_desktop.services.charts import controls_gaps

    eu = ctl.find_catalog(ws=ws, ref="eu_ai_act")
    ctl.set_status(
        ws=ws, control_id=_control(ws, "Art. 26"), use_case_id=hiring, values={"status": "verified"}
    )
    ctl.add_reference(
        ws=ws,
        kind="ticket",
        target="HR-1",
        about=ctl.About(use_case_id=hiring, control_ids=(_control(ws, "Art. 26"),)),
    )
    figure = controls_gaps.build_figure(ws=ws, catalog=eu)
    ax = figure.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["CV screening", "(workspace)"]  # the workspace on top
    widths: dict[float, list[float]] = {}
    for bar in ax.patches:
        widths.setdefault(round(bar.get_y() + bar.get_height() / 2), []).append(bar.get_width())
    # CV screening: Art. 26 covered, Art. 5 missing (high), Art. 27 and 86 (medium);
    # the workspace: Art. 4 only (Art. 17 falls to providers; this use case deploys)
    assert widths[0] == [1, 1, 2] and widths[1] == [1]
    texts = [t.get_text() for t in ax.texts]
    assert "25 % (1/4)" in texts and "0 % (0/1)" in texts
