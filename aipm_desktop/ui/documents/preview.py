"""The live preview: sanitised markdown in a QTextBrowser that never touches the network.

The HTML comes from :func:`aipm_desktop.services.rendering.render_html` (already
sanitised: no scripts, handlers, iframes, forms, remote resources or ``javascript:``
links). On top of that the browser itself loads nothing but local images from the
workspace folder (``loadResource``), follows no link by itself, and opens http(s) and
mailto links in the system browser only when the user clicks one.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from ...services import rendering
from ..widgets.debounce import Debouncer
from .markup import fit_tables, local_image

#: Milliseconds after the last keystroke before the preview renders again.
REFRESH_DELAY_MS = 300
EXTERNAL_SCHEMES = ("http", "https", "mailto")
PREVIEW_CSS = """
body { color: #1f2933; }
h1 { font-size: 20px; color: #1f2933; margin-top: 6px; }
h2 { font-size: 16px; color: #1f2933; margin-top: 16px; }
h3 { font-size: 14px; color: #323f4b; margin-top: 12px; }
h4, h5, h6 { font-size: 13px; color: #323f4b; }
p, li { line-height: 140%; }
code { font-family: monospace; background-color: #f3eef8; color: #6a1b9a; }
pre { font-family: monospace; background-color: #f5f7fa; padding: 6px; }
th { background-color: #eef1f5; font-weight: 600; }
td, th { padding: 4px; }
blockquote { color: #52606d; margin-left: 12px; }
a { color: #1a56b8; }
.toc { color: #52606d; }
"""


class PreviewBrowser(QTextBrowser):
    """Rendered markdown, refreshed ``REFRESH_DELAY_MS`` after the text last changed.

    Signals:
        refreshed(): the preview shows the latest text.
        link_opened(QUrl): an external link was handed to the system browser.
    """

    refreshed = Signal()
    link_opened = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentPreview")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.document().setDefaultStyleSheet(PREVIEW_CSS)
        self.image_folder: Path | None = None
        self.html = ""
        self._text: str | None = None
        self._shown: str | None = None
        self._timer = Debouncer(self, REFRESH_DELAY_MS, self.refresh_now)
        self.anchorClicked.connect(self._on_self_anchor_clicked)

    @property
    def pending(self) -> bool:
        """True while a refresh waits for the typing to pause."""
        return self._timer.isActive()

    def set_markdown(self, text: str, *, immediate: bool = False) -> None:
        """Show ``text``: after the debounce, or at once with ``immediate``."""
        self._text = text
        self._timer.request(immediate)

    def clear_document(self) -> None:
        self._timer.stop()
        self._text = None
        self._shown = None
        self.html = ""
        self.clear()

    def refresh_now(self) -> None:
        self._timer.stop()
        if self._text is None or self._text == self._shown:
            self.refreshed.emit()
            return
        bar = self.verticalScrollBar()
        position = bar.value()
        self.html = fit_tables(rendering.render_html(self._text, toc=True), "99%")
        self.setHtml(self.html)
        self._shown = self._text
        bar.setValue(min(position, bar.maximum()))
        self.refreshed.emit()

    def scroll_to_fraction(self, fraction: float) -> None:
        """Scroll so the same share of the document lies above the view as in the source."""
        bar = self.verticalScrollBar()
        bar.setValue(round(max(0.0, min(1.0, fraction)) * bar.maximum()))

    def loadResource(self, kind: int, url: QUrl | str) -> object:
        if kind != QTextDocument.ResourceType.ImageResource.value:
            return None  # no style sheets, no HTML, nothing else
        if not isinstance(url, QUrl):
            url = QUrl(str(url))
        return local_image(url, self.image_folder)

    def _on_self_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme().lower() in EXTERNAL_SCHEMES:
            QDesktopServices.openUrl(url)
            self.link_opened.emit(url)
        elif not url.scheme() and url.fragment():
            self.scrollToAnchor(url.fragment())
