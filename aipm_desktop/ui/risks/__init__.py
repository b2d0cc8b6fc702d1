"""The Risks area: risk register, heat map and EU AI Act tier check."""
