"""Momentum: which open-source repositories are gaining or losing momentum, and why."""

__version__ = "0.1.0"
