"""The preview renders off the GUI thread and keeps the last good HTML meanwhile."""

from __future__ import annotations

import threading

from aipm_desktop.ui.documents import preview as preview_module
from aipm_desktop.ui.documents.preview import PreviewBrowser
from aipm_desktop.ui.tasks import TaskRunner


def test_preview_keeps_the_last_good_content_while_a_render_is_pending(qtbot, monkeypatch):
    runner = TaskRunner(max_threads=1)
    browser = PreviewBrowser(tasks=runner)
    qtbot.addWidget(browser)
    browser.set_markdown("# First version\n\nShown at once.", immediate=True)
    assert "First version" in browser.toPlainText() and not browser.pending

    release = threading.Event()
    real_render = preview_module._render
    worker_threads: list[threading.Thread] = []

    def slow_render(text: str) -> str:
        worker_threads.append(threading.current_thread())
        release.wait(10)
        return real_render(text)

    monkeypatch.setattr(preview_module, "_render", slow_render)
    browser.set_markdown("# Second version\n\nRendered in a worker.")
    browser.refresh_now()  # the debounce ran out: the render starts in the pool
    qtbot.waitUntil(lambda: bool(worker_threads), timeout=3000)
    assert browser.pending
    assert worker_threads[0] is not threading.main_thread()
    # While the worker renders, the last good preview stays on screen.
    qtbot.wait(50)
    assert "First version" in browser.toPlainText()
    assert "Second version" not in browser.toPlainText()
    # More typing meanwhile: rendered after the one in flight, the latest text wins.
    browser.set_markdown("# Third version\n\nThe latest text.")
    browser.refresh_now()
    with qtbot.waitSignal(browser.refreshed, timeout=5000):
        release.set()
    assert "Third version" in browser.toPlainText() and not browser.pending
    assert runner.wait(5000)


def test_hostile_text_renders_in_the_worker_with_a_note(qtbot):
    runner = TaskRunner(max_threads=1)
    browser = PreviewBrowser(tasks=runner)
    qtbot.addWidget(browser)
    browser.set_markdown("# Good\n", immediate=True)
    with qtbot.waitSignal(browser.refreshed, timeout=10_000):
        browser.set_markdown("[" * 30_000, immediate=True)  # too long to render in place
        assert "Good" in browser.toPlainText()
    assert "shown as plain text" in browser.toPlainText() or "[[[[" in browser.toPlainText()
    assert runner.wait(5000)
