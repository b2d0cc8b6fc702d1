"""The Controls area: catalogs, applicability and status, evidence, crosswalk, gaps and
the traceability matrix (see :mod:`.page`)."""
