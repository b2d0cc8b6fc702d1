"""Case materials as sanitised HTML in a QTextBrowser that never touches the network."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QTextBrowser, QWidget

ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip

STYLE = """
<style>
h1, h2, h3 { color: #1f2933; }
h2 { font-size: 15px; margin-top: 14px; }
h3 { font-size: 13px; margin-top: 10px; }
table { border-collapse: collapse; margin: 6px 0; }
th { background: #eef1f5; }
th, td { border: 1px solid #d9dee4; padding: 3px 8px; }
p, li { line-height: 140%; }
</style>
"""


def render_markdown(text: str) -> str:
    """Markdown as clean HTML: no scripts, images, iframes or styles from the source."""
    import markdown
    import nh3

    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "td": {"align"}, "th": {"align"}},
        url_schemes={"http", "https", "mailto"},
    )


class MarkdownBrowser(QTextBrowser):
    """Read-only view of sanitised markdown; links are not followed, resources not loaded."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)

    def set_markdown_text(self, text: str, *, prefix_html: str = "") -> None:
        self.setHtml(STYLE + prefix_html + render_markdown(text))

    def loadResource(self, kind: int, url: QUrl | str) -> object:
        return None  # never fetch images or style sheets (no network, no disk)
