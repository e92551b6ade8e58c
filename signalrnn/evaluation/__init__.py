"""Scoring a trained model: metrics with patient-bootstrap intervals, calibration, curves,
baselines, failure cases and the SNR sweep."""
