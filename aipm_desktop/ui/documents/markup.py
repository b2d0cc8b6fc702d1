"""HTML helpers shared by the preview and the PDF export (Qt GUI only, no widgets)."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from PySide6.QtCore import QByteArray, QUrl
from PySide6.QtGui import QImage

_TABLE_OPEN = re.compile(r"<table(\s[^>]*)?>", re.IGNORECASE)
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|jpg|gif|bmp);base64,(.*)$", re.IGNORECASE | re.S)


def fit_tables(html: str, width: str = "100%") -> str:
    """Tables as wide as the page, with cell borders (Qt's rich text ignores CSS widths)."""
    return _TABLE_OPEN.sub(
        f'<table width="{width}" border="1" cellspacing="0" cellpadding="4" '
        'style="border-collapse: collapse; border-color: #d9dee4;">',
        html,
    )


def local_image(url: QUrl, folder: Path | None) -> QImage | None:
    """The image ``url`` names when it is a data: URL or a file inside ``folder``.

    Anything else (http, https, protocol-relative, files outside the folder) is None:
    nothing is ever fetched from the network or read from elsewhere on the disk.
    """
    text = url.toString()
    match = _DATA_IMAGE.match(text)
    if match:
        try:
            data = base64.b64decode(match.group(2), validate=False)
        except ValueError:
            return None
        image = QImage()
        return image if image.loadFromData(QByteArray(data)) else None
    if folder is None or url.scheme() not in ("", "file") or url.host():
        return None
    raw = url.toLocalFile() if url.scheme() == "file" else url.path()
    if not raw:
        return None
    try:
        root = folder.resolve()
        path = Path(raw).resolve() if Path(raw).is_absolute() else (root / raw).resolve()
    except OSError:
        return None
    if not path.is_relative_to(root) or not path.is_file():
        return None
    image = QImage(str(path))
    return None if image.isNull() else image
