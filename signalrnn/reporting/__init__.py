"""The self-contained HTML report for clinical review."""
