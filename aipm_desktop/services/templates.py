"""Document templates: one markdown file per deliverable kind, built in or the user's own.

Built-in templates live in ``aipm_desktop/resources/templates/<kind>.md``; the user's own
in :func:`aipm_desktop.paths.user_templates_dir` (any ``*.md`` file there). A template
file starts with a front matter block, an HTML comment of ``key: value`` lines::

    <!--
    name: AI PRD
    kind: ai_prd
    description: Product requirements with the AI-specific sections.
    required: Problem and outcome | problem, outcome
    required: Target users | users, personas
    -->
    # {{title}}
    ...

``required`` repeats, one line per required section: the section name, then after ``|``
optional comma-separated aliases. A heading of a document satisfies a required section
when it contains the name or one of the aliases as words (case-insensitive; an alias also
matches longer words it starts, so ``risk`` matches "Risks"). The review
(:mod:`aipm_desktop.services.review`) reports required sections that are missing or hold
nothing but prompts. Everything after the block is the body a new document starts with;
``{{title}}``, ``{{date}}`` and ``{{use_case}}`` are filled in when a document is created.
Prompts for the writer are HTML comments: visible in the editor, never in the preview
or an export.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import NotFoundError, UserError, ValidationError
from ..store import Workspace
from . import clock

BUILT_IN = "built-in"
USER = "user"

_FRONT = re.compile(r"\A\s*<!--(.*?)-->[ \t]*\n?", re.S)
_KEY = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Template:
    """A document template.

    ``key`` is unique among :func:`templates` (the kind for a built-in one, ``user:<file
    stem>`` for the user's own); ``kind`` is the deliverable kind it writes; ``body`` is
    the markdown a new document starts with (front matter removed); ``required_sections``
    lists the section specs (``"Name | alias, alias"``, see the module docstring).
    """

    key: str
    kind: str
    name: str
    body: str
    required_sections: tuple[str, ...]
    source: str
    description: str = ""
    path: Path | None = None

    @property
    def section_names(self) -> tuple[str, ...]:
        """The required section names without their aliases."""
        return tuple(section_name(spec) for spec in self.required_sections)


def section_name(spec: str) -> str:
    """``"Problem and outcome | problem, outcome"`` -> ``"Problem and outcome"``."""
    return spec.split("|", 1)[0].strip()


def section_terms(spec: str) -> tuple[str, ...]:
    """The lower-case name and aliases a heading may contain to satisfy ``spec``."""
    name, _, aliases = spec.partition("|")
    terms = [name.strip().lower()]
    terms += [a.strip().lower() for a in aliases.split(",") if a.strip()]
    return tuple(dict.fromkeys(t for t in terms if t))


def parse_template(text: str) -> tuple[dict[str, str], tuple[str, ...], str]:
    """Split a template file into (front matter keys, required section specs, body)."""
    meta: dict[str, str] = {}
    required: list[str] = []
    match = _FRONT.match(text)
    if match is None:
        return meta, (), text
    for line in match.group(1).splitlines():
        m = _KEY.match(line)
        if not m:
            continue
        key, value = m.group(1).lower(), m.group(2)
        if key == "required":
            if value:
                required.append(value)
        else:
            meta[key] = value
    return meta, tuple(required), text[match.end() :].lstrip("\n")


def front_matter(*, name: str, kind: str, required: tuple[str, ...], description: str = "") -> str:
    """The front matter block for a template file."""
    lines = ["<!--", f"name: {_one_line(name)}", f"kind: {_one_line(kind)}"]
    if description:
        lines.append(f"description: {_one_line(description)}")
    lines += [f"required: {_one_line(spec)}" for spec in required]
    lines.append("-->")
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(str(text).replace("-->", "").split())


def _built_in() -> list[Template]:
    from importlib.resources import files

    folder = files("aipm_desktop.resources").joinpath("templates")
    found: list[Template] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".md"):
            continue
        stem = entry.name[:-3]
        meta, required, body = parse_template(entry.read_text(encoding="utf-8"))
        kind = meta.get("kind") or stem
        found.append(
            Template(
                key=kind,
                kind=kind,
                name=meta.get("name") or stem.replace("_", " ").capitalize(),
                body=body,
                required_sections=required,
                source=BUILT_IN,
                description=meta.get("description", ""),
            )
        )
    return found


def _user(user_dir: Path) -> list[Template]:
    found: list[Template] = []
    if not user_dir.is_dir():
        return found
    for path in sorted(user_dir.glob("*.md")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # an unreadable file in the folder is not a template
        meta, required, body = parse_template(text)
        kind = meta.get("kind") or "custom"
        found.append(
            Template(
                key=f"user:{path.stem}",
                kind=kind,
                name=meta.get("name") or path.stem,
                body=body,
                required_sections=required,
                source=USER,
                description=meta.get("description", ""),
                path=path,
            )
        )
    return found


def _user_dir(user_dir: Path | None) -> Path:
    if user_dir is not None:
        return Path(user_dir)
    from ..paths import user_templates_dir

    return user_templates_dir()


def built_in_templates() -> list[Template]:
    """The templates shipped with the app, one per deliverable kind, by file name."""
    return _built_in()


def templates(*, user_dir: Path | None = None) -> list[Template]:
    """Built-in templates (by kind) followed by the user's own (by file name)."""
    return _built_in() + _user(_user_dir(user_dir))


def template_for(kind: str, *, user_dir: Path | None = None) -> Template | None:
    """The template with key ``kind`` (a built-in kind or ``user:<stem>``), else the
    first template writing that kind, else None."""
    every = templates(user_dir=user_dir)
    for template in every:
        if template.key == kind:
            return template
    for template in every:
        if template.kind == kind:
            return template
    return None


def required_sections(kind: str) -> tuple[str, ...]:
    """The required section specs of the built-in template of ``kind`` (empty if none)."""
    for template in _built_in():
        if template.kind == kind:
            return template.required_sections
    return ()


def fill(body: str, *, title: str, use_case: str = "", today: dt.date | None = None) -> str:
    """A template body with its ``{{title}}``, ``{{date}}`` and ``{{use_case}}`` filled in."""
    today = today or clock.today()
    return (
        body.replace("{{title}}", title)
        .replace("{{date}}", today.isoformat())
        .replace("{{use_case}}", use_case)
    )


def slug(name: str) -> str:
    """A file stem for a template name: lower case, words joined by ``-``."""
    return _SLUG.sub("-", name.lower()).strip("-")[:80]


def save_as_template(
    *,
    ws: Workspace,
    document_id: int,
    name: str,
    user_dir: Path | None = None,
    overwrite: bool = False,
) -> Path:
    """Write a document as a user template (``<user dir>/<slug of name>.md``).

    The document's title in its first heading becomes ``{{title}}``; the required
    sections are those of the built-in template of the document's kind. Refuses to
    replace an existing file unless ``overwrite``. Returns the file written.
    """
    from ..models import Document

    name = " ".join((name or "").split())
    stem = slug(name)
    if not stem:
        raise ValidationError("A template needs a name with at least one letter or digit.")
    with ws.session() as session:
        doc = session.get(Document, document_id)
        if doc is None:
            raise NotFoundError(f"No document with id {document_id}.")
        kind, title, body = doc.kind, doc.title, doc.body
    folder = _user_dir(user_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.md"
    if path.exists() and not overwrite:
        raise UserError(f'A template named "{stem}" already exists in {folder}.')
    lines = body.splitlines()
    for i, line in enumerate(lines):
        if line.strip():
            if line.lstrip().startswith("# ") and line.lstrip()[2:].strip() == title.strip():
                lines[i] = "# {{title}}"
            break
    text = front_matter(name=name, kind=kind, required=required_sections(kind)) + "\n".join(lines)
    if not text.endswith("\n"):
        text += "\n"
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise UserError(f"Cannot write the template {path}: {error.strerror or error}") from None
    return path
