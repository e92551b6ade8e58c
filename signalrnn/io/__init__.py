"""Files: where every output of an experiment lives, reading WFDB records, writing tables."""
