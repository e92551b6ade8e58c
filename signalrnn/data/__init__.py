"""Data sources: simulated electrograms, labelled events from annotations, event detectors."""
