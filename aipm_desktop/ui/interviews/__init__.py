"""The Interviews area: candidates, interview mode, comparison and the case library."""
