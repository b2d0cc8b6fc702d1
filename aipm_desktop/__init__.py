"""AIPM Desktop: an offline workbench for AI product managers."""

__version__ = "0.1.0"
APP_NAME = "AIPM Desktop"
