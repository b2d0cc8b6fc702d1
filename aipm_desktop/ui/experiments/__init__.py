"""The Experiments area: plan an A/B test, read its results, record the decision."""
