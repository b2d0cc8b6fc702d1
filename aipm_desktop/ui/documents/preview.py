"""The live preview: sanitised markdown in a QTextBrowser that never touches the network.

The HTML comes from :func:`aipm_desktop.services.rendering.render_html` (already
sanitised: no scripts, handlers, iframes, forms, remote resources or ``javascript:``
links). On top of that the browser itself loads nothing but local images from the
workspace folder (``loadResource``), follows no link by itself, and opens http(s) and
mailto links in the system browser only when the user clicks one.

Rendering runs off the GUI thread (``ctx.tasks``): the preview keeps showing the last
good HTML until the new one arrives, and one render at a time is in flight (the latest
text is rendered next). Only an immediate refresh of a short text (opening a document)
renders in place, so the document shows at once.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from ...services import rendering
from ..widgets.debounce import Debouncer
from .markup import fit_tables, local_image

if TYPE_CHECKING:
    from ..tasks import Task, TaskRunner

log = logging.getLogger(__name__)

#: Milliseconds after the last keystroke before the preview renders again.
REFRESH_DELAY_MS = 300
#: An immediate refresh of a text up to this long renders on the GUI thread.
SYNC_LIMIT = 20_000
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

    def __init__(self, parent: QWidget | None = None, *, tasks: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self._task: Task | None = None
        self._generation = 0
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
        """True while a refresh waits for the typing to pause or for its render."""
        return self._timer.isActive() or self._task is not None

    def set_markdown(self, text: str, *, immediate: bool = False) -> None:
        """Show ``text``: after the debounce, or at once with ``immediate``."""
        self._text = text
        if immediate and (self.tasks is None or len(text) <= SYNC_LIMIT):
            self._timer.stop()
            self._render_here()
        else:
            self._timer.request(immediate)

    def clear_document(self) -> None:
        self._timer.stop()
        self._generation += 1  # a render still running is for the old document
        self._task = None
        self._text = None
        self._shown = None
        self.html = ""
        self.clear()

    def refresh_now(self) -> None:
        """Render the latest text: in a worker when there is a task runner."""
        self._timer.stop()
        if self._text is None or self._text == self._shown:
            if self._task is None:
                self.refreshed.emit()
            return
        if self.tasks is None:
            self._render_here()
        elif self._task is None:  # else the finished render starts the next one
            text = self._text
            generation = self._generation
            task = self.tasks.run(_render, text)
            task.finished.connect(
                lambda html, t=task: self._on_task_finished(t, generation, text, html)
            )
            task.failed.connect(lambda error, t=task: self._on_task_failed(t, error))
            self._task = task

    def _render_here(self) -> None:
        if self._text is None or self._text == self._shown:
            self.refreshed.emit()
            return
        self._show(self._text, _render(self._text))
        self.refreshed.emit()

    def _show(self, text: str, html: str) -> None:
        bar = self.verticalScrollBar()
        position = bar.value()
        self.html = html
        self.setHtml(html)
        self._shown = text
        bar.setValue(min(position, bar.maximum()))

    def _on_task_finished(self, task: Task, generation: int, text: str, html: str) -> None:
        if task is not self._task:
            return
        self._task = None
        if generation != self._generation:
            return
        self._show(text, html)
        if self._text != text and not self._timer.isActive():
            self.refresh_now()  # the text changed while this one rendered
        elif self._text == text:
            self.refreshed.emit()

    def _on_task_failed(self, task: Task, error: BaseException) -> None:
        """Keep the last good preview; the error goes to the log."""
        if task is self._task:
            self._task = None
        log.error("preview render failed", exc_info=error)

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


def _render(text: str) -> str:
    """The preview's HTML for ``text`` (runs in a worker thread: no widgets here)."""
    return fit_tables(rendering.render_html(text, toc=True), "99%")
