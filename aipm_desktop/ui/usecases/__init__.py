"""The Use cases area: list and detail form, scoring grid, value/feasibility matrix and
ranking stability, as tabs of one page (:class:`~aipm_desktop.ui.usecases.page.UseCasesPage`).
"""
