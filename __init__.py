"""Casework: an offline, keyboard-first terminal case explorer."""

__version__ = "0.1.0"
