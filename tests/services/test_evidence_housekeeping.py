"""Evidence housekeeping: the size limit is a workspace setting (the caller may override
it); removing evidence removes its file in the same operation and undo brings both back;
a file another item still names stays; older orphans are pruned in one undoable step."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from aipm_desktop.errors import NotFoundError, UserError, ValidationError
from aipm_desktop.models import EvidenceBlob, EvidenceItem, UseCase, WorkspaceSettings
from aipm_desktop.services import controls as ctl
from aipm_desktop.services import records


def _count(ws, model) -> int:
    with ws.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(model.__table__)).scalar())


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_the_size_limit_is_the_workspace_setting(ws, tmp_path: Path) -> None:
    assert ctl.evidence_limit_mb(ws=ws) == 50
    big = _file(tmp_path, "scan.pdf", b"x" * (1024 * 1024 + 1))
    ctl.set_evidence_limit(ws=ws, mb=1)
    with pytest.raises(
        UserError, match=r"scan.pdf is 1.0 MB, above the evidence size limit of 1.0"
    ):
        ctl.add_file(ws=ws, path=big)
    assert _count(ws, EvidenceBlob) == 0
    assert ctl.add_file(ws=ws, path=big, max_bytes=2 * 1024 * 1024).id > 0  # an override
    ws.undo()
    ws.undo()  # the limit is an undoable edit too
    assert ctl.evidence_limit_mb(ws=ws) == 50
    with pytest.raises(UserError, match="1 to 2048 MB, not 0"):
        ctl.set_evidence_limit(ws=ws, mb=0)
    with pytest.raises(ValidationError):
        records.update(ws=ws, model=WorkspaceSettings, id=1, data={"evidence_max_mb": 5000})


def test_removing_evidence_removes_its_file_and_undo_brings_both_back(ws, tmp_path) -> None:
    art = ctl.find_control(ws=ws, ref="Art. 9")
    added = ctl.add_file(
        ws=ws, path=_file(tmp_path, "risk-file.pdf", b"risk file"), about=ctl.About((art,))
    )
    removed, changes = ctl.remove_evidence(ws=ws, evidence_ids=[added.id])
    assert (removed.items, removed.files, removed.bytes) == (1, 1, 9)
    assert changes.ids == (added.id,)
    assert (_count(ws, EvidenceItem), _count(ws, EvidenceBlob)) == (0, 0)
    assert ws.history(limit=1)[0]["label"] == "Remove evidence risk-file.pdf"
    ws.undo()
    assert (_count(ws, EvidenceItem), _count(ws, EvidenceBlob)) == (1, 1)
    assert ctl.blob(ws=ws, sha256=added.sha256) == b"risk file"
    assert [s.control_id for s in ctl.satisfied_controls(ws=ws, evidence_id=added.id)][:1] == [art]
    assert ctl.verify_blobs(ws=ws) == []
    ws.redo()
    assert (_count(ws, EvidenceItem), _count(ws, EvidenceBlob)) == (0, 0)


def test_undoing_an_added_file_leaves_no_orphan(ws, tmp_path: Path) -> None:
    ctl.add_file(ws=ws, path=_file(tmp_path, "a.txt", b"alpha"))
    ws.undo()
    assert (_count(ws, EvidenceItem), _count(ws, EvidenceBlob)) == (0, 0)
    ws.redo()
    assert (_count(ws, EvidenceItem), _count(ws, EvidenceBlob)) == (1, 1)


def test_a_file_another_item_names_is_kept(ws, tmp_path: Path) -> None:
    uc, _ = records.create(ws=ws, model=UseCase, data={"title": "Triage"})
    path = _file(tmp_path, "policy.md", b"policy")
    first = ctl.add_file(ws=ws, path=path)  # the workspace's
    second = ctl.add_file(ws=ws, path=path, about=ctl.About(use_case_id=uc.id))  # the use case's
    assert not second.reused and first.sha256 == second.sha256
    removed, _ = ctl.remove_evidence(ws=ws, evidence_ids=[first.id])
    assert (removed.items, removed.files) == (1, 0)
    assert _count(ws, EvidenceBlob) == 1
    with pytest.raises(NotFoundError, match="No evidence item with id 999"):
        ctl.remove_evidence(ws=ws, evidence_ids=[second.id, 999])
    assert _count(ws, EvidenceItem) == 1  # nothing removed


def test_orphans_are_pruned_in_one_undoable_step(ws, tmp_path: Path) -> None:
    kept = ctl.add_file(ws=ws, path=_file(tmp_path, "kept.txt", b"kept"))
    for name in ("old1.txt", "old2.txt"):
        gone = ctl.add_file(ws=ws, path=_file(tmp_path, name, name.encode() * 10))
        records.delete(ws=ws, model=EvidenceItem, id=gone.id)  # the generic delete keeps files
    found = ctl.orphan_blobs(ws=ws)
    assert (found.files, found.bytes) == (2, 160)
    pruned = ctl.prune_blobs(ws=ws)
    assert (pruned.files, pruned.bytes) == (2, 160)
    assert _count(ws, EvidenceBlob) == 1 and ctl.blob(ws=ws, sha256=kept.sha256) == b"kept"
    assert ctl.orphan_blobs(ws=ws).files == 0
    ws.undo()
    assert _count(ws, EvidenceBlob) == 3
