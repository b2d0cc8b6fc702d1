"""Qt user interface: main window, one subpackage per area, shared widgets."""
