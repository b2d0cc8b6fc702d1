"""The Operations area: incidents, runbooks and the incident figures."""
