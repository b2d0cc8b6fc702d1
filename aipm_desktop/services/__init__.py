"""Domain logic over the store. No Qt. Every capability the GUI offers is a service call."""

from .changes import Changes
