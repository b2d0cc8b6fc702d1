"""The KPIs area: tracked KPIs with status and charts, the snapshot grid, small multiples,
the KPI framework catalog and snapshot import."""
