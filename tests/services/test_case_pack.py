"""Case packs: one zip with a manifest; a round trip keeps the case, nothing about
candidates ever leaves, and a bad or tampered pack is refused with the workspace untouched."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from aipm_desktop.errors import UserError, ValidationError
from aipm_desktop.models import Candidate, CaseExercise, Evaluation, Rating
from aipm_desktop.services import interviews as iv
from aipm_desktop.services import records
from aipm_desktop.services.interviews import case_pack
from aipm_desktop.services.workspace import new_workspace


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    ws = new_workspace(tmp_path_factory.mktemp("demo") / "demo.aipm", demo=True)
    yield ws
    ws.close()


def _calibration_case(ws) -> iv.ExerciseInfo:
    (case,) = iv.calibration_cases(ws=ws)
    return case


def _files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _snapshot(ws) -> tuple:
    with ws.engine.connect() as conn:
        counts = tuple(
            conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("case_exercise", "scorecard", "scorecard_dimension", "reference_rating")
        )
    return counts, ws.operation_mark()


def test_a_pack_holds_the_case_and_its_scorecard_and_nothing_about_candidates(demo) -> None:
    case = _calibration_case(demo)
    data = case_pack.pack_bytes(ws=demo, exercise_id=case.id)
    files = _files(data)
    assert sorted(files) == sorted(["manifest.json", *case_pack.FILES])
    manifest = json.loads(files["manifest.json"])
    assert manifest["format"] == "aipm-case-pack" and manifest["format_version"] == 1
    for name, facts in manifest["files"].items():
        digest = hashlib.sha256(files[name]).hexdigest()
        assert facts == {"sha256": digest, "bytes": len(files[name])}
    assert files["sample_answer.md"].decode() == case.sample_answer
    assert json.loads(files["case.json"])["title"] == case.title
    assert len(json.loads(files["scorecard.json"])["dimensions"]) == 7
    # No candidate data: not a name, an interviewer, a rating's evidence or a note.
    blob = b"\n".join(files.values()).decode("utf-8")
    with demo.session() as session:
        secrets = set(session.scalars(select(Candidate.name)))
        secrets |= set(session.scalars(select(Evaluation.interviewer)))
        secrets |= {n for n in session.scalars(select(Evaluation.notes)) if n}
        secrets |= {e for e in session.scalars(select(Rating.evidence)) if len(e) > 12}
    assert len(secrets) > 30
    leaked = sorted(s for s in secrets if s in blob)
    assert leaked == []
    assert case_pack.pack_bytes(ws=demo, exercise_id=case.id) == data  # reproducible


def test_round_trip_into_a_new_workspace(demo, ws, tmp_path: Path) -> None:
    case = _calibration_case(demo)
    path = case_pack.export_pack(ws=demo, exercise_id=case.id, out=tmp_path / "case.zip")
    records.create(ws=ws, model=CaseExercise, data={"title": case.title})  # a name clash
    result = case_pack.import_pack(ws=ws, pack=path)
    assert result.title == f"{case.title} (imported)"
    assert result.messages[0] == f"Imported the case {result.title!r}."
    assert f"a case called {case.title!r} already exists" in result.messages[1]
    assert "Uses the scorecard already in this workspace" in result.messages[-1]
    imported = iv.get_exercise(ws=ws, exercise_id=result.case_id)
    for field in ("prompt", "materials", "expected_outputs", "sample_answer",
                  "time_box_minutes", "dimension_keys"):  # fmt: skip
        assert getattr(imported, field) == getattr(case, field), field
    assert imported.key == f"{case.key}_imported" and not imported.built_in
    assert imported.scorecard_id is None  # the same as the default scorecard: reused
    theirs = iv.reference_ratings(ws=demo, exercise_id=case.id)
    assert iv.reference_ratings(ws=ws, exercise_id=result.case_id) == theirs
    assert [c.id for c in iv.calibration_cases(ws=ws)] == [result.case_id]
    ws.undo()  # one operation: the whole import goes
    assert not any(ex.id == result.case_id for ex in iv.list_exercises(ws=ws))


def test_refuse_on_a_clash_names_it_and_writes_nothing(demo, ws, tmp_path: Path) -> None:
    case = _calibration_case(demo)
    path = case_pack.export_pack(ws=demo, exercise_id=case.id, out=tmp_path / "case.zip")
    before = _snapshot(ws)
    clash = re.escape(f"a case called '{case.title}' already exists")
    with pytest.raises(ValidationError, match=clash):
        case_pack.import_pack(ws=ws, pack=path, on_clash="refuse")
    assert _snapshot(ws) == before
    with pytest.raises(ValidationError, match="not a way to handle"):
        case_pack.import_pack(ws=ws, pack=path, on_clash="merge")


def test_a_different_scorecard_under_the_same_key_is_added_renamed(demo, ws, tmp_path) -> None:
    case = _calibration_case(demo)
    dim = iv.scorecard_info(ws=ws).dimensions[0]
    records.update(ws=ws, model=iv.library.ScorecardDimension, id=dim.id, data={"weight": 99})
    path = case_pack.export_pack(ws=demo, exercise_id=case.id, out=tmp_path / "case.zip")
    (clash, _case_clash) = case_pack.clashes(ws=ws, pack=case_pack.read_pack(path))
    assert clash.kind == "scorecard" and clash.new_name.endswith("(imported)")
    result = case_pack.import_pack(ws=ws, pack=path)
    card = iv.scorecard_info(ws=ws, scorecard_id=result.scorecard_id)
    assert card.name == clash.new_name and card.key.endswith("_imported")
    assert card.dimensions[0].weight == 20
    assert iv.get_exercise(ws=ws, exercise_id=result.case_id).scorecard_id == card.id
    # a case of the imported scorecard is scored on it
    cand, _ = records.create(ws=ws, model=Candidate, data={"name": "Kai"})
    ev_id, _ = iv.start_evaluation(
        ws=ws, candidate_id=cand.id, exercise_id=result.case_id, interviewer="Maya"
    )
    assert iv.get_evaluation(ws=ws, evaluation_id=ev_id).scorecard_id == card.id


def _tampered(demo, tmp_path: Path, change) -> Path:
    files = _files(case_pack.pack_bytes(ws=demo, exercise_id=_calibration_case(demo).id))
    change(files)
    path = tmp_path / "bad.zip"
    path.write_bytes(_zip(files))
    return path


def _edit_json(files, name, **values) -> None:
    doc = json.loads(files[name])
    doc.update(values)
    files[name] = json.dumps(doc).encode()


def _rehash(files) -> None:
    manifest = json.loads(files["manifest.json"])
    for name in manifest["files"]:
        manifest["files"][name]["sha256"] = hashlib.sha256(files[name]).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()


def test_a_tampered_pack_is_refused_and_the_workspace_untouched(demo, ws, tmp_path) -> None:
    before = _snapshot(ws)
    path = _tampered(demo, tmp_path, lambda f: _edit_json(f, "case.json", title="Sneaky"))
    with pytest.raises(ValidationError, match=r"has been changed since it was made: case\.json"):
        case_pack.import_pack(ws=ws, pack=path)
    assert _snapshot(ws) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.update({"extra.txt": b"x"}), "extra.txt is not listed in its manifest"),
        (lambda f: f.pop("scorecard.json"), "scorecard.json is listed in its manifest but missing"),
        (lambda f: f.pop("manifest.json"), "it has no manifest.json"),
        (lambda f: _edit_json(f, "manifest.json", format="zip"), 'does not say "format"'),
        (
            lambda f: _edit_json(f, "manifest.json", format_version="1"),
            r'invalid "format_version": \'1\'',
        ),
        (lambda f: f.update({"../evil.md": b"x"}), "a folder or hidden file"),
    ],
)
def test_bad_packs_say_what_is_wrong(demo, ws, tmp_path, change, message) -> None:
    before = _snapshot(ws)
    with pytest.raises(ValidationError, match=message):
        case_pack.import_pack(ws=ws, pack=_tampered(demo, tmp_path, change))
    assert _snapshot(ws) == before


def test_invalid_records_are_listed_even_with_good_checksums(demo, ws, tmp_path) -> None:
    def change(files) -> None:
        _edit_json(files, "case.json", time_box_minutes=2, reference_ratings=[
            {"dimension_key": "charisma", "rating": 3},
            {"dimension_key": "product_sense", "rating": 9},
        ])  # fmt: skip
        card = json.loads(files["scorecard.json"])
        card["dimensions"][1]["key"] = card["dimensions"][0]["key"]
        files["scorecard.json"] = json.dumps(card).encode()
        _rehash(files)

    before = _snapshot(ws)
    with pytest.raises(ValidationError) as info:
        case_pack.import_pack(ws=ws, pack=_tampered(demo, tmp_path, change))
    text_ = str(info.value)
    assert "case.json, field time_box_minutes" in text_
    assert "no dimension 'charisma' on the scorecard" in text_
    assert "reference rating 2, field rating" in text_
    assert "the dimension key 'product_sense' is used twice" in text_
    assert _snapshot(ws) == before


def test_not_a_zip_and_a_newer_format(demo, ws, tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_text("hello")
    with pytest.raises(ValidationError, match=r"junk\.zip is not a valid case pack: it is not"):
        case_pack.read_pack(junk)
    with pytest.raises(UserError, match="does not exist"):
        case_pack.read_pack(tmp_path / "missing.zip")
    newer = _tampered(demo, tmp_path, lambda f: _edit_json(f, "manifest.json", format_version=2))
    with pytest.raises(UserError, match="newer version of AIPM Desktop"):
        case_pack.read_pack(newer)
    with ws.session() as session:
        assert session.scalar(select(func.count()).select_from(CaseExercise)) == 3
