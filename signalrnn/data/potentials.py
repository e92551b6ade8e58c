"""The classes of unipolar atrial potentials by their deflections (Konings et al. 1997, de Groot
et al. 2010), shared by the generator, the baseline rule and the config check (numpy only, so
that checking a config stays fast). The generator applies the same rule to the deflections of a
bipole, which ``simulate.bipolar_deflections`` defines from both poles' deflections."""

from __future__ import annotations

import numpy as np

CLASSES = ("single", "short_double", "long_double", "fractionated")


def potential_class(n_deflections, interval_ms, double_cut_ms: float) -> np.ndarray:
    """Class of potentials from their deflection count and first-to-last interval (ms).

    One deflection (or none): single; two: short double below ``double_cut_ms``, else long
    double; three or more: fractionated.
    """
    n, interval = np.asarray(n_deflections), np.asarray(interval_ms)
    return np.select([n <= 1, (n == 2) & (interval < double_cut_ms), n == 2],
                     list(CLASSES[:3]), CLASSES[3])
