"""Shared widgets: the lazy table model and list pane, filter box, column chooser."""
