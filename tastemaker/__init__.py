"""Tastemaker: daily, explained playlist pitches and similar artists for every artist of a label."""

__version__ = "0.1.0"
