"""The Documents area: PRDs and the other AI deliverables, edited, reviewed and exported."""
