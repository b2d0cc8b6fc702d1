"""The workspace's incident reference lists: what SEV1-SEV4 mean (name, definition, how
fast to acknowledge) and the failure-category triage list, read and edited (each edit one
undoable operation).

Rules a user notices:

- A severity keeps its level (sev1-sev4 always exist); its name is required.
- Category names are unique regardless of case; the list has an order (``position``)
  that :func:`move_category` changes.
- A category that incidents use is never removed silently: :func:`delete_category`
  refuses with :class:`CategoryInUseError` (naming how many incidents and which) unless
  the caller says where they go: ``move_to`` another category, or ``clear`` to leave them
  without one. Either way the move and the removal are one operation (one undo step).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update

from ...errors import ConflictError, NotFoundError, UserError, ValidationError
from ...models import FailureCategory, Incident, Severity, SeverityDefinition, utcnow
from .. import records
from ..changes import Changes

if TYPE_CHECKING:
    from ...store import Workspace

_I = Incident.__table__  # type: ignore[attr-defined]
_CAT = FailureCategory.__table__  # type: ignore[attr-defined]
_SEV = SeverityDefinition.__table__  # type: ignore[attr-defined]

#: The fields of a severity definition a user edits.
SEVERITY_FIELDS = ("name", "definition", "acknowledge_within_hours")
#: How many incident titles a refusal names before "and N more".
_NAMED = 3


class CategoryInUseError(UserError):
    """A failure category incidents still use was asked to go without saying where they
    go; ``incident_ids`` are those incidents."""

    title = "Category in use"

    def __init__(self, summary: str, incident_ids: tuple[int, ...]) -> None:
        super().__init__(
            f"{summary} Choose a category to move them to, or remove it from them (they "
            "keep no category), then remove it."
        )
        #: What is in the way, without the advice (callers word their own).
        self.summary = summary
        self.incident_ids = incident_ids


@dataclass(frozen=True)
class CategoryUse:
    """One entry of the triage list with how many incidents are in it."""

    id: int
    name: str
    description: str
    position: int
    incidents: int
    #: The version read with the rest (an edit of the row expects it: no lost update).
    version: int = 0

    def as_dict(self) -> dict[str, Any]:
        return records.record_dict(self)


# -- reading -----------------------------------------------------------------------------------


def severity_definitions(*, ws: Workspace) -> list[SeverityDefinition]:
    """The workspace's SEV1-SEV4 definitions, SEV1 first."""
    with ws.session() as session:
        return list(session.execute(select(SeverityDefinition).order_by(_SEV.c.severity)).scalars())


def failure_categories(*, ws: Workspace) -> list[FailureCategory]:
    """The triage list, in its order."""
    with ws.session() as session:
        return list(
            session.execute(
                select(FailureCategory).order_by(_CAT.c.position, _CAT.c.name)
            ).scalars()
        )


def category_uses(*, ws: Workspace) -> list[CategoryUse]:
    """The triage list in its order, each entry with its count of incidents."""
    used = (
        select(_I.c.category_id, func.count().label("n"))
        .where(_I.c.category_id.is_not(None))
        .group_by(_I.c.category_id)
        .subquery()
    )
    query = (
        select(
            _CAT.c.id,
            _CAT.c.name,
            _CAT.c.description,
            _CAT.c.position,
            _CAT.c.version,
            used.c.n,
        )
        .select_from(_CAT.outerjoin(used, used.c.category_id == _CAT.c.id))
        .order_by(_CAT.c.position, _CAT.c.name)
    )
    with ws.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [records.from_row(CategoryUse, r, incidents=int(r.n or 0)) for r in rows]


#: The id of the failure category ``ref`` names: an id or a name (any case).
find_category = records.RefFinder(
    _CAT, "name", "failure category", plural="failure categories", list_names=True
)


def severity_of(value: Any) -> Severity:
    """The severity ``value`` names: ``sev2``, ``SEV2`` or ``2``; a ValidationError
    naming the four otherwise."""
    text = str(value).strip().lower()
    if text.isdigit():
        text = f"sev{text}"
    return records.choice_of(
        Severity, text, what="severity", field="severity", problem="unknown severity"
    )


# -- severities --------------------------------------------------------------------------------


def update_severity_definition(
    *, ws: Workspace, severity: str, data: Mapping[str, Any], who: str | None = None
) -> Changes:
    """Edit what one severity means in this workspace (one operation)."""
    return update_severity_definitions(ws=ws, changes={severity: data}, who=who)


def update_severity_definitions(
    *, ws: Workspace, changes: Mapping[str, Mapping[str, Any]], who: str | None = None
) -> Changes:
    """Edit several severities at once (``{"sev2": {"definition": ...}}``), as one
    operation: every change is checked first and nothing is written when one is refused.
    Only :data:`SEVERITY_FIELDS` may change."""
    wanted: dict[Severity, dict[str, Any]] = {}
    for key, data in changes.items():
        level = severity_of(key)
        unknown = sorted(set(data) - set(SEVERITY_FIELDS))
        if unknown:
            raise ValidationError(
                f"A severity definition has {', '.join(SEVERITY_FIELDS)}; "
                f"{', '.join(unknown)} cannot be changed.",
                [(name, "not editable") for name in unknown],
            )
        wanted.setdefault(level, {}).update(data)
    if not wanted:
        return Changes("severity_definition", (), "update")
    with ws.engine.connect() as conn:
        ids = {
            Severity(s): int(i) for i, s in conn.execute(select(_SEV.c.id, _SEV.c.severity)).all()
        }
    missing = [level for level in wanted if level not in ids]
    if missing:
        raise NotFoundError(
            f"This workspace has no definition of {missing[0].upper()}; "
            "re-create the workspace's reference lists."
        )
    label = (
        f"Edit severity {next(iter(wanted)).upper()}"
        if len(wanted) == 1
        else "Edit severity definitions"
    )
    with ws.operation(label, who=who):
        for level, data in wanted.items():
            try:
                records.update(ws=ws, model=SeverityDefinition, id=ids[level], data=data, who=who)
            except ValidationError as error:
                raise ValidationError(f"{level.upper()}: {error.message}", error.errors) from error
    return Changes("severity_definition", tuple(ids[level] for level in wanted), "update")


# -- the triage list ---------------------------------------------------------------------------


def _check_name_free(conn: Any, name: str, *, other_than: int | None = None) -> None:
    """Refuse ``name`` when another category has it in any case."""
    text = " ".join(str(name).split())
    if not text:
        return  # the model's own check names the missing name
    query = select(_CAT.c.id, _CAT.c.name).where(func.lower(_CAT.c.name) == text.lower())
    for found_id, found in conn.execute(query).all():
        if found_id != other_than:
            raise ValidationError(
                f"The triage list already has {found!r}; category names are unique.",
                [("name", "already in the list")],
            )


def add_category(
    *, ws: Workspace, name: str, description: str = "", who: str | None = None
) -> tuple[int, Changes]:
    """Add a failure category at the end of the triage list (one operation)."""
    with ws.engine.connect() as conn:
        _check_name_free(conn, name)
        last = conn.execute(select(func.max(_CAT.c.position))).scalar()
    obj, changes = records.create(
        ws=ws,
        model=FailureCategory,
        data={
            "name": " ".join(str(name).split()),
            "description": description.strip(),
            "position": 0 if last is None else int(last) + 1,
        },
        who=who,
    )
    assert obj.id is not None
    return obj.id, changes


def rename_category(
    *, ws: Workspace, category_id: int, data: Mapping[str, Any], who: str | None = None
) -> Changes:
    """Change a category's name or description (one operation); incidents in it keep it."""
    values = dict(data)
    if "position" in values:
        raise ValidationError(
            "Move a category with move_category, not by its position.", [("position", "")]
        )
    if "name" in values:
        values["name"] = " ".join(str(values["name"]).split())
        with ws.engine.connect() as conn:
            _check_name_free(conn, values["name"], other_than=category_id)
    if "description" in values:
        values["description"] = str(values["description"]).strip()
    records.update(ws=ws, model=FailureCategory, id=category_id, data=values, who=who)
    return Changes("failure_category", (category_id,), "update")


def move_category(
    *,
    ws: Workspace,
    category_id: int,
    step: int,
    expected_order: Sequence[int] | None = None,
    who: str | None = None,
) -> Changes:
    """Move a category ``step`` places up (negative) or down the triage list (one
    operation; the list is numbered 0, 1, 2 ... again). Moving past an end stops there;
    a move that changes nothing writes nothing.

    ``expected_order``: the category ids in the order the user saw them. When the stored
    list differs (another window moved, added or removed a category since), nothing is
    moved and :class:`ConflictError` says so: a move only makes sense on the list seen.
    """
    with ws.write(label="Reorder the failure categories", who=who) as session:
        stored = session.execute(
            select(_CAT.c.id, _CAT.c.position)
            .order_by(_CAT.c.position, _CAT.c.name)
            .with_for_update()
        ).all()
        order = [int(r.id) for r in stored]
        if expected_order is not None and [int(i) for i in expected_order] != order:
            raise ConflictError(
                "The failure categories were changed elsewhere since the list was shown "
                "(moved, added or removed); nothing was moved. The list now shows them as "
                "stored: move again if you still want to."
            )
        if category_id not in order:
            raise NotFoundError(f"No failure category with id {category_id}.")
        here = order.index(category_id)
        there = max(0, min(len(order) - 1, here + int(step)))
        if there == here:
            return Changes("failure_category", (category_id,), "update")
        order.insert(there, order.pop(here))
        positions = {int(r.id): r.position for r in stored}
        now = utcnow()
        for position, cid in enumerate(order):
            if positions.get(cid) != position:
                session.execute(
                    update(_CAT)
                    .where(_CAT.c.id == cid)
                    .values(position=position, version=_CAT.c.version + 1, updated_at=now)
                )
    return Changes("failure_category", tuple(order), "update")


def delete_category(
    *,
    ws: Workspace,
    category_id: int,
    move_to: int | None = None,
    clear: bool = False,
    who: str | None = None,
) -> Changes:
    """Remove a failure category (one operation).

    When incidents are in it, say where they go: ``move_to`` another category, or
    ``clear`` (they keep no category); otherwise :class:`CategoryInUseError` is raised
    and nothing is written.
    """
    if move_to is not None and clear:
        raise ValidationError("Either move the incidents to a category or clear it, not both.")
    if move_to is not None and int(move_to) == int(category_id):
        raise ValidationError("Move the incidents to another category than the one removed.")
    with ws.write(label=None, who=who) as session:
        obj = records.existing(session, FailureCategory, category_id, what="failure category")
        session.info["label"] = f"Remove failure category {obj.name}"
        if move_to is not None:
            target = records.existing(
                session, FailureCategory, int(move_to), what="failure category"
            )
            session.info["label"] += f" (incidents moved to {target.name})"
        used = session.execute(
            select(_I.c.id, _I.c.title).where(_I.c.category_id == category_id).order_by(_I.c.id)
        ).all()
        if used and move_to is None and not clear:
            raise CategoryInUseError(_in_use_message(obj.name, used), tuple(r.id for r in used))
        if used:
            session.execute(
                update(_I)
                .where(_I.c.category_id == category_id)
                .values(category_id=move_to, version=_I.c.version + 1, updated_at=utcnow())
            )
        session.delete(obj)
        session.flush()
    return Changes("failure_category", (category_id,), "delete")


def _in_use_message(name: str, used: Sequence[Any]) -> str:
    titles = ", ".join(f"#{r.id} {r.title!r}" for r in used[:_NAMED])
    more = f" and {len(used) - _NAMED} more" if len(used) > _NAMED else ""
    count = f"{len(used)} incident{'s' if len(used) != 1 else ''}"
    return f"{name!r} is the category of {count} ({titles}{more})."
