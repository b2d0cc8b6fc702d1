"""``python -m aipm_desktop``: run the desktop app."""

from .app import main

raise SystemExit(main())
