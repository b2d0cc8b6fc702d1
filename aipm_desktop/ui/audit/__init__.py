"""The Audit trail area: the hash-chained change log."""
