"""``verify`` on both back ends: the chain of a workspace with edits and an evidence file
holds, each stored file hashes to its key, and an evidence item whose file is gone is
named (the evidence tables are read by name, with the driver's own parameter marks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aipm_desktop.models import UseCase
from aipm_desktop.services import audit, records
from aipm_desktop.services import controls as ctl

pytestmark = pytest.mark.backends


def test_verify_checks_the_chain_and_the_evidence_files(ws, tmp_path: Path) -> None:
    uc, _ = records.create(ws=ws, model=UseCase, data={"title": "Claims triage"})
    records.update(ws=ws, model=UseCase, id=uc.id, data={"title": "Claims triage v2"})
    report = tmp_path / "dpia.pdf"
    report.write_bytes(b"%PDF-1.4 impact assessment\x00\xff")
    about = ctl.About(use_case_id=uc.id, control_ids=(ctl.find_control(ws=ws, ref="Art. 27"),))
    ctl.add_file(ws=ws, path=report, about=about)
    found = audit.verify(ws=ws)
    assert found.ok and found.evidence_problems == ()
    assert found.entries == len(list(audit.entries(ws=ws)))
    assert ctl.verify_blobs(ws=ws) == []
    # an item naming a file that is not stored (as a restore without the blob leaves it)
    with ws.engine.begin() as conn:
        conn.info["aipm_operation"] = True  # a repair outside the app, not a user edit
        conn.exec_driver_sql("UPDATE evidence_item SET sha256 = 'ab' WHERE kind = 'file'")
    (problem,) = ctl.verify_blobs(ws=ws)
    assert problem == "evidence item #1 'dpia.pdf': its file is missing"
