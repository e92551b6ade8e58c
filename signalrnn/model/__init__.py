"""The network: building it, training it, its saved metadata, resuming, choosing a trial."""
