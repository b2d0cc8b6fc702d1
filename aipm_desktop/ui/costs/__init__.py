"""The Costs area: unit economics of each option of a use case, compared, with a tornado."""
