"""The Evaluations area: suites, metrics, runs, reports, comparisons and charts."""
