"""Reproducible classification of electrogram segments with recurrent networks."""

__version__ = "0.1.0"
