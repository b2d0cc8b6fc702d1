"""Case packs: one case exercise with its materials and scorecard in one zip file, so a
hiring team can share a case without sharing candidates (no Qt).

A pack holds ``manifest.json`` (format, format version, and the SHA-256 and size of
every other file), ``case.json`` (title, key, time box, the dimensions it probes and the
reference ratings of its sample answer), ``scorecard.json`` (dimensions with weights and
level descriptions, signals, the rating scale) and the case's texts as markdown
(``prompt.md``, ``materials.md``, ``expected_outputs.md``, ``sample_answer.md``). Nothing
about candidates, evaluations, ratings or interviewers is ever written. Packs are
reproducible: the same case gives the same bytes.

Importing reads the whole pack first and checks it (a zip, within size limits, flat
names, the manifest's format, every file present with its SHA-256, nothing unlisted,
every record valid by the same rules as the app's forms) and writes all of it in one
operation, or nothing. A case whose title or key is taken is imported under a new name
(``on_clash="rename"``, said in the result) or refused (``"refuse"``, naming the clash);
a scorecard equal to one in the workspace is reused, a different one under a taken key or
name is renamed or refused the same way.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pydantic
from sqlalchemy import select

from ...errors import UserError, ValidationError
from ...models import (
    CaseExercise,
    ReferenceRating,
    Scorecard,
    ScorecardDimension,
    ScorecardSignal,
)
from ...models.enums import SignalKind
from .. import records
from ..changes import Changes
from ..problems import check_format_version
from .evaluations import case_scorecard_id
from .library import ScorecardInfo, _scorecards, default_scorecard_id, get_exercise
from .practice import reference_ratings

if TYPE_CHECKING:
    from ...store import Workspace

FORMAT = "aipm-case-pack"
FORMAT_VERSION = 1
SUFFIX = ".zip"
MANIFEST = "manifest.json"
TEXTS = ("prompt", "materials", "expected_outputs", "sample_answer")
#: The files a pack may hold besides the manifest.
FILES = ("case.json", "scorecard.json", *(f"{t}.md" for t in TEXTS))
MAX_ENTRIES = 50
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_PACK_BYTES = 10 * 1024 * 1024
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
OnClash = Literal["rename", "refuse"]

_CASES = CaseExercise.__table__  # type: ignore[attr-defined]
#: The case exercise an id or a title names (``aipm interviews export-case``).
find_case = records.RefFinder(_CASES, "title", "case", list_names=True)


# --------------------------------------------------------------------------- export


def _json(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode()


def _scorecard_data(card: ScorecardInfo) -> dict[str, Any]:
    return {
        "key": card.key,
        "name": card.name,
        "rating_scale": [dict(item) for item in card.rating_scale],
        "dimensions": [
            {
                "key": d.key,
                "name": d.name,
                "weight": d.weight,
                "meets_bar": d.meets_bar,
                "levels": list(d.levels),
            }
            for d in card.dimensions
        ],
        "signals": [{"kind": s.kind, "text": s.text} for s in card.signals],
    }


def pack_bytes(*, ws: Workspace, exercise_id: int) -> bytes:
    """The case pack of a case exercise (see the module docstring), as zip bytes."""
    ex = get_exercise(ws=ws, exercise_id=exercise_id)
    card = _scorecards(ws=ws, ids=[case_scorecard_id(ws=ws, exercise_id=ex.id)])
    refs = reference_ratings(ws=ws, exercise_id=ex.id)
    files: dict[str, bytes] = {
        "case.json": _json(
            {
                "key": ex.key,
                "title": ex.title,
                "time_box_minutes": ex.time_box_minutes,
                "dimension_keys": list(ex.dimension_keys),
                "reference_ratings": [
                    {"dimension_key": r.dimension_key, "rating": r.rating, "rationale": r.rationale}
                    for r in sorted(refs.values(), key=lambda r: r.dimension_key)
                ],
            }
        ),
        "scorecard.json": _json(_scorecard_data(next(iter(card.values())))),
    }
    for text in TEXTS:
        files[f"{text}.md"] = getattr(ex, text).encode("utf-8")
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "case": ex.title,
        "files": {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
            for name, data in files.items()
        },
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [(MANIFEST, _json(manifest)), *files.items()]:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def export_pack(
    *, ws: Workspace, exercise_id: int, out: Path | str, overwrite: bool = True
) -> Path:
    """Write the case pack of a case exercise to ``out`` (a .zip), whole."""
    from ..outputs import check_target, write_bytes

    out = check_target(out, overwrite=overwrite, suffixes=(SUFFIX,), what="a case pack")
    return write_bytes(out, pack_bytes(ws=ws, exercise_id=exercise_id), overwrite=overwrite)


# --------------------------------------------------------------------------- reading


@dataclass
class CasePack:
    """A checked pack, ready to import."""

    source: str
    case: dict[str, Any]  # CaseExercise fields
    references: list[dict[str, Any]]
    scorecard: dict[str, Any]  # Scorecard fields
    dimensions: list[dict[str, Any]]
    signals: list[dict[str, Any]]

    @property
    def title(self) -> str:
        return str(self.case["title"])


class _Problems:
    def __init__(self, name: str) -> None:
        self.name = name
        self.items: list[tuple[str, str]] = []

    def add(self, where: str, message: str) -> None:
        self.items.append((where, message))

    def check(
        self, model: type[pydantic.BaseModel], data: Mapping[str, Any], where: str
    ) -> dict[str, Any] | None:
        """``data`` validated by ``model`` (a pydantic class), or None after noting why."""
        try:
            return dict(model.model_validate(dict(data)).model_dump(include=set(data)))
        except pydantic.ValidationError as error:
            for item in error.errors():
                loc = ".".join(str(p) for p in item.get("loc", ())) or "record"
                msg = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
                self.add(f"{where}, field {loc}", msg)
            return None

    def raise_if_any(self) -> None:
        if not self.items:
            return
        shown = [f"{where}: {message}" for where, message in self.items[:20]]
        more = len(self.items) - len(shown)
        text = "; ".join(shown) + (f"; and {more} more" if more > 0 else "")
        raise ValidationError(f"{self.name} cannot be imported: {text}.", self.items)


def _refuse(name: str, why: str) -> ValidationError:
    return ValidationError(f"{name} is not a valid case pack: {why}.", [("pack", why)])


def _read_files(path: Path) -> dict[str, bytes]:
    """The files of the pack at ``path``, every one checked against the manifest."""
    name = path.name
    if not path.is_file():
        raise UserError(f"{path} does not exist or is not a file.")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise _refuse(name, "it is not a zip file") from error
    with archive:
        entries = archive.infolist()
        names = [e.filename for e in entries]
        for entry in entries:
            if "/" in entry.filename or "\\" in entry.filename or entry.filename.startswith("."):
                raise _refuse(name, f"it holds a folder or hidden file ({entry.filename})")
        if len(names) > MAX_ENTRIES or len(set(names)) != len(names):
            raise _refuse(name, "it holds more files than a case pack has")
            if entry.file_size > MAX_FILE_BYTES:
                raise _refuse(name, f"{entry.filename} is larger than {MAX_FILE_BYTES} bytes")
        if sum(e.file_size for e in entries) > MAX_PACK_BYTES:
            raise _refuse(name, f"its files add up to more than {MAX_PACK_BYTES} bytes")
        if MANIFEST not in names:
            raise _refuse(name, "it has no manifest.json")
        try:
            files = {n: archive.read(n) for n in names}
        except (zipfile.BadZipFile, OSError, RuntimeError) as error:
            raise _refuse(name, f"a file in it cannot be read ({error})") from error
    manifest = _manifest(name, files.pop(MANIFEST))
    listed = manifest["files"]
    for extra in sorted(set(files) - set(listed)):
        raise _refuse(name, f"{extra} is not listed in its manifest")
    for entry, facts in listed.items():
        if entry not in FILES:
            raise _refuse(name, f"its manifest lists {entry!r}, which a case pack does not have")
        if entry not in files:
            raise _refuse(name, f"{entry} is listed in its manifest but missing")
        digest = facts.get("sha256") if isinstance(facts, dict) else None
        if hashlib.sha256(files[entry]).hexdigest() != digest:
            raise ValidationError(
                f"{name} has been changed since it was made: {entry} does not match the "
                "SHA-256 in its manifest. Nothing was imported.",
                [(entry, "checksum mismatch")],
            )
    for required in ("case.json", "scorecard.json"):
        if required not in files:
            raise _refuse(name, f"it has no {required}")
    return files


def _manifest(name: str, data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise _refuse(name, "its manifest.json is not JSON") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse(name, f'its manifest does not say "format": "{FORMAT}"')
    check_format_version(
        manifest.get("format_version"), FORMAT_VERSION, name=name, what="case pack"
    )
    if not isinstance(manifest.get("files"), dict):
        raise _refuse(name, 'its manifest has no "files" object')
    return manifest


def _object(name: str, files: Mapping[str, bytes], entry: str) -> dict[str, Any]:
    try:
        data = json.loads(files[entry].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise _refuse(name, f"{entry} is not JSON") from error
    if not isinstance(data, dict):
        raise _refuse(name, f"{entry} is not a JSON object")
    return data


def _list(problems: _Problems, data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        problems.add(f"{where}, field {key}", "expected a list")
        return []
    return value


_LABELS = {
    "dimensions": ("scorecard.json", "dimension"),
    "signals": ("scorecard.json", "signal"),
    "reference_ratings": ("case.json", "reference rating"),
}


def _records(
    problems: _Problems, doc: Mapping[str, Any], key: str, fields: tuple[str, ...]
) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """(position, where, the ``fields`` it gives) of each object in the list ``doc[key]``;
    anything else is noted as a problem and skipped."""
    file, noun = _LABELS[key]
    for position, raw in enumerate(_list(problems, doc, key, file)):
        where = f"{file}, {noun} {position + 1}"
        if not isinstance(raw, dict):
            problems.add(where, "expected an object")
            continue
        yield position, where, {k: raw[k] for k in fields if k in raw}


def read_pack(path: Path | str) -> CasePack:
    """Read and check the case pack at ``path`` (nothing is written)."""
    path = Path(path).expanduser()
    name = path.name
    files = _read_files(path)
    case_doc = _object(name, files, "case.json")
    card_doc = _object(name, files, "scorecard.json")
    problems = _Problems(name)
    texts: dict[str, str] = {}
    for text in TEXTS:
        try:
            texts[text] = files.get(f"{text}.md", b"").decode("utf-8")
        except UnicodeDecodeError:
            problems.add(f"{text}.md", "not UTF-8 text")
    case_fields: dict[str, Any] = {
        k: case_doc[k]
        for k in ("key", "title", "time_box_minutes", "dimension_keys")
        if k in case_doc
    }
    case = problems.check(CaseExercise, {**case_fields, **texts}, "case.json")
    card_fields: dict[str, Any] = {
        k: card_doc[k] for k in ("key", "name", "rating_scale") if k in card_doc
    }
    card = problems.check(Scorecard, card_fields, "scorecard.json")
    dims: list[dict[str, Any]] = []
    dim_fields = ("key", "name", "weight", "meets_bar", "levels")
    for position, where, data in _records(problems, card_doc, "dimensions", dim_fields):
        checked = problems.check(ScorecardDimension, {**data, "scorecard_id": 0}, where)
        if checked is not None:
            checked.pop("scorecard_id")
            dims.append({**checked, "position": position})
    keys = [d["key"] for d in dims]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        problems.add("scorecard.json", f"the dimension key {key!r} is used twice")
    signals: list[dict[str, Any]] = []
    for position, where, data in _records(problems, card_doc, "signals", ("kind", "text")):
        kind, text = data.get("kind"), str(data.get("text", "")).strip()
        if kind not in {k.value for k in SignalKind} or not text or len(text) > 500:
            problems.add(
                where, "needs a kind (strong, weak, red_flag) and a text of 1-500 characters"
            )
            continue
        signals.append({"kind": kind, "text": text, "position": position})
    references: list[dict[str, Any]] = []
    ref_fields = ("dimension_key", "rating", "rationale")
    for _position, where, data in _records(problems, case_doc, "reference_ratings", ref_fields):
        checked = problems.check(ReferenceRating, {**data, "exercise_id": 0}, where)
        if checked is None:
            continue
        checked.pop("exercise_id")
        if checked["dimension_key"] not in keys:
            problems.add(where, f"no dimension {checked['dimension_key']!r} on the scorecard")
        elif any(r["dimension_key"] == checked["dimension_key"] for r in references):
            problems.add(where, f"a second reference for {checked['dimension_key']!r}")
        else:
            references.append(checked)
    if case is not None:
        unknown = [k for k in case.get("dimension_keys", []) if k not in keys]
        if unknown:
            problems.add(
                "case.json", f"probes dimensions the scorecard lacks: {', '.join(unknown)}"
            )
    problems.raise_if_any()
    assert case is not None and card is not None
    return CasePack(name, case, references, card, dims, signals)


# --------------------------------------------------------------------------- import


@dataclass(frozen=True)
class Clash:
    """A name of the pack already taken in the workspace."""

    kind: Literal["case", "scorecard"]
    name: str
    new_name: str

    def text(self) -> str:
        return f"a {self.kind} called {self.name!r} already exists"


@dataclass
class ImportResult:
    case_id: int
    title: str
    scorecard_id: int | None
    changes: Changes
    messages: list[str] = field(default_factory=list)


def _free(taken: set[str], base: str, suffix: str, *, limit: int) -> str:
    """``base`` + ``suffix`` not in ``taken`` (casefolded); then numbered: " (imported 2)",
    "_imported_2" ..."""
    for number in itertools.count(1):
        if number == 1:
            tail = suffix
        elif suffix.endswith(")"):
            tail = f"{suffix[:-1]} {number})"
        else:
            tail = f"{suffix}_{number}"
        candidate = base[: limit - len(tail)] + tail
        if candidate.casefold() not in taken:
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


def _same_card(card: ScorecardInfo, pack: CasePack) -> bool:
    mine = _scorecard_data(card)
    theirs = {
        "dimensions": [
            {k: d[k] for k in ("key", "name", "weight", "meets_bar", "levels")}
            for d in pack.dimensions
        ],
        "signals": [{"kind": s["kind"], "text": s["text"]} for s in pack.signals],
    }
    return mine["dimensions"] == theirs["dimensions"] and mine["signals"] == theirs["signals"]


def _rename_if_taken(
    clashes: list[Clash],
    kind: Literal["case", "scorecard"],
    name: str,
    key: str,
    taken: list[tuple[str, str]],
) -> tuple[str, str]:
    """(name, key) of a new ``kind``, renamed (and the clash noted) when the name or the key
    is already ``taken`` (existing (name, key) pairs, case-blind)."""
    names = {n.casefold() for n, _k in taken}
    keys = {k.casefold() for _n, k in taken if k}
    if name.casefold() not in names and not (key and key.casefold() in keys):
        return name, key
    new_name = _free(names, name, " (imported)", limit=200)
    clashes.append(Clash(kind, name, new_name))
    return new_name, _free(keys, key, "_imported", limit=60) if key else ""


@dataclass
class _Plan:
    clashes: list[Clash]
    reuse_scorecard: int | None
    case_title: str
    case_key: str
    card_name: str
    card_key: str


def _plan(ws: Workspace, pack: CasePack) -> _Plan:
    ct = CaseExercise.__table__  # type: ignore[attr-defined]
    st = Scorecard.__table__  # type: ignore[attr-defined]
    with ws.session() as session:
        cases = session.execute(select(ct.c.title, ct.c.key)).all()
        cards = session.execute(select(st.c.id, st.c.name, st.c.key)).all()
    clashes: list[Clash] = []
    reuse = next(
        (
            c.id
            for c in cards
            if c.key == pack.scorecard["key"]
            and _same_card(_scorecards(ws=ws, ids=[c.id])[c.id], pack)
        ),
        None,
    )
    card_name, card_key = str(pack.scorecard["name"]), str(pack.scorecard.get("key") or "")
    if reuse is None:
        card_name, card_key = _rename_if_taken(
            clashes, "scorecard", card_name, card_key, [(c.name, c.key) for c in cards]
        )
    title, key = _rename_if_taken(
        clashes,
        "case",
        pack.title,
        str(pack.case.get("key") or ""),
        [(c.title, c.key) for c in cases],
    )
    return _Plan(clashes, reuse, title, key, card_name, card_key)


def check_on_clash(on_clash: str) -> OnClash:
    """``on_clash`` if it is a known way to handle a taken name, else a plain error."""
    if on_clash not in ("rename", "refuse"):
        raise ValidationError(
            f"{on_clash!r} is not a way to handle a taken name; use rename or refuse.",
            [("on_clash", "unknown")],
        )
    return on_clash  # type: ignore[return-value]


def clashes(*, ws: Workspace, pack: CasePack) -> list[Clash]:
    """The pack's names already taken in the workspace (nothing is written)."""
    return _plan(ws, pack).clashes


def import_pack(
    *,
    ws: Workspace,
    pack: CasePack | Path | str,
    on_clash: str = "rename",
    who: str | None = None,
) -> ImportResult:
    """Import a checked pack (or the pack at a path) as one operation; see the module
    docstring for name clashes."""
    check_on_clash(on_clash)
    if not isinstance(pack, CasePack):
        pack = read_pack(pack)
    plan = _plan(ws, pack)
    if plan.clashes and on_clash == "refuse":
        listed = "; ".join(c.text() for c in plan.clashes)
        raise ValidationError(
            f"{pack.source} was not imported: {listed}. Rename it in the workspace first, or "
            "import with renaming.",
            [(c.kind, "name taken") for c in plan.clashes],
        )
    messages = [f"Renamed: {c.text()}, so it is imported as {c.new_name!r}." for c in plan.clashes]
    default_id = default_scorecard_id(ws=ws) if plan.reuse_scorecard is not None else None
    with ws.write(label=f"Import case pack '{plan.case_title}'", who=who) as session:
        card_id = plan.reuse_scorecard
        if card_id is None:
            card = records.validate_create(
                Scorecard, {**pack.scorecard, "name": plan.card_name, "key": plan.card_key}
            )
            session.add(card)
            session.flush()
            card_id = card.id
            assert card_id is not None
            for dim in pack.dimensions:
                session.add(
                    records.validate_create(ScorecardDimension, {**dim, "scorecard_id": card_id})
                )
            for signal in pack.signals:
                session.add(ScorecardSignal(scorecard_id=card_id, **signal))
            messages.append(f"Added the scorecard {plan.card_name!r}.")
        else:
            messages.append("Uses the scorecard already in this workspace (the same dimensions).")
        case = records.validate_create(
            CaseExercise,
            {
                **pack.case,
                "title": plan.case_title,
                "key": plan.case_key,
                "built_in": False,
                "scorecard_id": None if card_id == default_id else card_id,
            },
        )
        session.add(case)
        session.flush()
        for ref in pack.references:
            session.add(records.validate_create(ReferenceRating, {**ref, "exercise_id": case.id}))
        session.flush()
        case_id = int(case.id)  # type: ignore[arg-type]
    messages.insert(0, f"Imported the case {plan.case_title!r}.")
    return ImportResult(
        case_id, plan.case_title, card_id, Changes("case_exercise", (case_id,), "create"), messages
    )
