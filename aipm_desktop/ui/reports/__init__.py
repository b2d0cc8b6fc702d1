"""File ▸ Export report… (client reports)."""
