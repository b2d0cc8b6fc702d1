"""What the DOCX and PPTX renderers share: reproducible packages (core properties dated
from the report, zip entries with fixed times and order), chart pictures, and how a
block reads as plain text (speaker notes, slide bullets).

python-docx and python-pptx stamp the package with the current time (core properties,
and each zip entry's date); :func:`set_core_properties` and :func:`reproducible_zip`
replace both, so the same report gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from typing import Any

from .charts import png_of
from .flow import plain_text
from .model import Block, Chart, KeyFigures, Markdown, Note, Paragraph, ReportMeta, Table

#: The time every zip entry carries (the zip format cannot go before 1980).
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
#: Charts as pictures (Word and PowerPoint do not take SVG reliably); 150 dpi is sharp at
#: the width of a page or a 16:9 slide and draws ~25% quicker than 200.
PICTURE_DPI = 150
APP = "AIPM Desktop"


def set_core_properties(core: Any, meta: ReportMeta) -> None:
    """Title, author, subject and every date of ``core`` (a python-docx or python-pptx
    ``CoreProperties``) from the report: nothing from the clock."""
    stamp = dt.datetime.combine(meta.as_of, dt.time(0, 0))
    core.title = meta.title
    core.subject = " · ".join(p for p in (meta.client, meta.engagement) if p)
    core.author = meta.author or APP
    core.last_modified_by = meta.author or APP
    core.keywords = meta.kind
    core.category = meta.confidentiality
    core.comments = f"Made with {APP}."
    core.version = meta.version
    core.revision = 1
    core.created = stamp
    core.modified = stamp
    core.last_printed = stamp


def reproducible_zip(data: bytes) -> bytes:
    """The package ``data`` rewritten with a fixed time on every entry, entries in their
    original order ([Content_Types].xml first, as Office wants), deflated."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()


def picture(chart: Chart) -> tuple[bytes, float]:
    """The chart as PNG at :data:`PICTURE_DPI` and its aspect ratio (height / width)."""
    data = png_of(chart, dpi=PICTURE_DPI)
    width, height = struct.unpack(">II", data[16:24])  # the PNG's IHDR chunk
    return data, height / width if width else 0.75


def block_text(block: Block) -> str:
    """What a block says, as plain text ("" for tables and charts): for notes and bullets."""
    if isinstance(block, Paragraph):
        return block.text
    if isinstance(block, Markdown):
        return plain_text(block.text)
    if isinstance(block, Note):
        return block.text
    if isinstance(block, KeyFigures):
        return "\n".join(
            f"{item.label}: {item.value}" + (f" ({item.detail})" if item.detail else "")
            for item in block.items
        )
    return ""


def cover_lines(meta: ReportMeta) -> list[tuple[str, str]]:
    """``(label, value)`` of the cover's facts that have a value."""
    pairs = [
        ("Client", meta.client),
        ("Engagement", meta.engagement),
        ("Author", meta.author),
        ("Date", meta.as_of.isoformat()),
        ("Version", meta.version),
        ("Confidentiality", meta.confidentiality),
    ]
    return [(k, v) for k, v in pairs if v]


def is_key_value(block: Table) -> bool:
    return not block.header


#: A character's width as a share of the font size (a wide bold sans serif: DejaVu, where
#: Calibri is missing).
CHAR_WIDTH = 0.62
EMU_PER_POINT = 12700


def fitted_widths(block: Table, total: int, font_pt: float, padding_pt: float = 12) -> list[int]:
    """Column widths (EMU, summing to ``total``) from the table's relative widths, each
    widened to hold its longest word (header or cell) so that no word breaks inside,
    the room taken from the columns with room to spare. A column never asks for more
    than 40% of the table."""
    widths = [share * total for share in block.relative_widths()]
    columns = len(widths)
    rows = ((block.header,) if block.header else ()) + block.rows
    need = []
    for column in range(columns):
        words = [w for row in rows if column < len(row) for w in row[column].split()]
        longest = max((len(w) for w in words), default=0)
        points = longest * font_pt * CHAR_WIDTH + padding_pt
        need.append(min(points * EMU_PER_POINT, total * 0.4))
    short = sum(max(0.0, n - w) for n, w in zip(need, widths, strict=True))
    spare = [max(0.0, w - n) for n, w in zip(need, widths, strict=True)]
    if short and sum(spare):
        give = min(1.0, short / sum(spare))
        widths = [max(n, w - s * give) for n, w, s in zip(need, widths, spare, strict=True)]
    scale = total / (sum(widths) or 1)
    fitted = [int(w * scale) for w in widths]
    fitted[-1] += total - sum(fitted)  # rounding
    return fitted
