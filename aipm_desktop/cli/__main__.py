"""``python -m aipm_desktop.cli``: run the ``aipm`` command line."""

from .app import main

main()
