"""Activation mapping over an electrode array: layouts, LAT maps, conduction block, velocity, scores.

Every per-electrode array follows the channel order of an :class:`ElectrodeLayout`; times are
in ms, distances in mm, speeds in cm/s. numpy, scipy and pandas only (no plotting).
"""

from signalrnn.mapping.activation import ActivationMaps, maps_by_reference, maps_by_wavefront
from signalrnn.mapping.block import BLOCK_THRESHOLD_MS, ConductionBlock, conduction_block, lat_differences_ms
from signalrnn.mapping.geometry import ElectrodeLayout, layout_from_config, regular_channel_names
from signalrnn.mapping.scores import (
    activation_time_error_ms,
    class_share_error,
    class_shares,
    dice,
    match_maps,
    median_absolute_error_ms,
)
from signalrnn.mapping.velocity import VelocityField, conduction_velocity, neighbourhoods

__all__ = [
    "BLOCK_THRESHOLD_MS",
    "ActivationMaps",
    "ConductionBlock",
    "ElectrodeLayout",
    "VelocityField",
    "activation_time_error_ms",
    "class_share_error",
    "class_shares",
    "conduction_block",
    "conduction_velocity",
    "dice",
    "layout_from_config",
    "lat_differences_ms",
    "maps_by_reference",
    "maps_by_wavefront",
    "match_maps",
    "median_absolute_error_ms",
    "neighbourhoods",
    "regular_channel_names",
]
