"""Configuration: load and validate a workflow config against its schema; the tuning grid."""
