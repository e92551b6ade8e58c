"""Constructed activation maps with known answers: planar waves across the 8 x 24 array at 2 mm."""

from __future__ import annotations

import numpy as np
import pytest

from signalrnn.mapping import ElectrodeLayout


@pytest.fixture(scope="session")
def array_8x24() -> ElectrodeLayout:
    """The Rotterdam group's 192-electrode epicardial array: 8 rows x 24 columns, 2 mm apart."""
    return ElectrodeLayout.regular(8, 24, 2.0)


def planar_lat_ms(layout: ElectrodeLayout, speed_cm_per_s: float, direction_deg: float,
                  onset_ms: float = 100.0) -> np.ndarray:
    """(electrodes,) LAT (ms) of a planar wave: ``onset_ms`` at the array's centre."""
    heading = np.deg2rad(direction_deg)
    unit = np.array([np.cos(heading), np.sin(heading)])
    return onset_ms + layout.positions_mm @ unit / (speed_cm_per_s / 100.0)


@pytest.fixture(scope="session")
def planar_wave():
    """``planar_lat_ms(layout, speed_cm_per_s, direction_deg, onset_ms=100)``."""
    return planar_lat_ms
