"""Sub-command groups of the ``aipm`` command line, one module per area."""
