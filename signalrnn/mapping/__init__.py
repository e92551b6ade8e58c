"""Activation mapping over an electrode array: layouts, LAT maps, conduction block, velocity, scores.

Every per-electrode array follows the channel order of an :class:`ElectrodeLayout`; times are
in ms, distances in mm, speeds in cm/s. numpy, scipy and pandas only (no plotting).
"""

from signalrnn.mapping.geometry import ElectrodeLayout, regular_channel_names

__all__ = ["ElectrodeLayout", "regular_channel_names"]
