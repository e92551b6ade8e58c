"""Synthetic epicardial-mapping electrograms of atrial fibrillation, unipolar or bipolar, as WFDB.

docs/synthetic-data.md ("The synthetic electrograms") gives the model, its parameters and their sources.
In short, for every record of a patient:

- one AF wavefront per cycle crosses an electrode array (rows x columns, spacing in mm) at the
  patient's conduction velocity, its direction wandering from cycle to cycle; cycle lengths (ms)
  follow the patient's mean and spread, and every electrode's local cycle length stays within
  ``cycle_length_ms``;
- the patient's line of conduction block blocks some waves: the side that such a wave reaches
  second activates later (up to ``block_delay_ms``), so the LAT jumps across the line;
- every activation is a potential of negative intrinsic deflections: two (the near and the far
  side of the line of block) with a probability that is high near the line in a blocked cycle,
  three to six within the patient's zone of slow, inhomogeneous conduction, one elsewhere;
- its class follows from its deflections by the definitions of Konings et al. 1997 and de Groot
  et al. 2010 (``potentials.potential_class``);
- noise: white and 1/f noise at the patient's SNR, baseline wander, mains interference and
  far-field ventricular complexes at an irregular ventricular rhythm, optionally plus segments
  of real recordings;
- the montage (``simulate.montage``) says what is recorded: every electrode (unipolar), or
  bipoles, the difference of two poles' unipolar signals: adjacent array electrodes
  (``bipolar_array``) or the bipoles of a linear catheter laid over the array's region
  (``catheter``). A bipole's potential and class come from both poles' local deflections
  (``bipolar_deflections``).

Every patient and record draws from its own random stream (``seed``, patient, record), so a
record can be re-simulated alone, e.g. at another SNR.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import wfdb
from scipy import signal as sps

from signalrnn.data.potentials import potential_class
from signalrnn.errors import SignalrnnError
from signalrnn.io.records import read_record, simulated_record_names

ACTIVATION_SYMBOL = "p"  # WFDB "P-wave peak": an atrial activation; the class is in aux_note
TRUTH_FILE = "truth.csv"
RECORD_NAME = re.compile(r"^p(\d+)_r(\d+)$")
MAX_DEFLECTIONS = 6
FAR_FIELD = MAX_DEFLECTIONS  # column of a potential's far-field atrial deflection (not counted)
MIN_DOUBLE_INTERVAL_MS = 6.0  # closer deflections merge into one
MIN_FRACTION_GAP_MS = 4.0
MAX_POTENTIAL_MS = 60.0
ELECTRODE_SNR_SD_DB = 6.0  # electrodes' SNRs vary around the patient's (contact)
CHUNK_ELECTRODES = 32  # channels rendered at once (bounds memory for large arrays)
MAX_ANNOTATED_CHANNELS = 256  # a WFDB annotation's chan is one byte


def deflection(t_ms: np.ndarray, sigma_ms: float | np.ndarray, amplitude_mv: float | np.ndarray,
               r_ratio: float | np.ndarray = 1.0) -> np.ndarray:
    """Negative intrinsic deflection (mV): an R wave of height ``r_ratio`` * A before t = 0, an S
    wave of depth A after, the steepest downslope at t = 0; ``sigma_ms`` sets the width."""
    u = t_ms / sigma_ms
    return -amplitude_mv * np.where(u < 0, r_ratio, 1.0) * u * np.exp(0.5 - 0.5 * u**2)


def channel_names(array_shape: list[int]) -> list[str]:
    """Electrode names row by row: row letter and column number, e.g. ``A01`` ... ``H24``."""
    rows, cols = array_shape
    return [f"{chr(ord('A') + r)}{c + 1:02d}" for r in range(rows) for c in range(cols)]


def electrode_positions_mm(array_shape: list[int], spacing_mm: float) -> np.ndarray:
    """(x, y) of every electrode (mm, row by row), centred on the middle of the array."""
    rows, cols = array_shape
    y, x = np.mgrid[0:rows, 0:cols] * spacing_mm
    positions = np.column_stack([x.ravel(), y.ravel()]).astype(float)
    return positions - positions.mean(axis=0)


def _point_in_array(rng: np.random.Generator, positions: np.ndarray) -> np.ndarray:
    return rng.uniform(positions.min(axis=0), positions.max(axis=0))


@dataclass(frozen=True)
class Montage:
    """What one record records: the poles where local activations are simulated and the channels.

    ``poles_mm`` (poles, 2): positions (mm) in the array's frame; ``channels``: channel names;
    ``pairs`` (channels, 2): pole indices of each bipole (signal = first pole - second), or None
    when every pole is a unipolar channel; ``description``: one header comment line.
    """

    poles_mm: np.ndarray
    channels: list[str]
    pairs: np.ndarray | None
    description: str


def array_bipoles(array_shape: list[int], direction: str) -> tuple[np.ndarray, list[str]]:
    """(bipoles, 2) electrode indices and names (``A01-A02``) of adjacent array electrodes.

    ``direction``: ``rows`` pairs each electrode with the next in its row, ``columns`` with the next
    in its column, ``both`` gives the row bipoles and then the column bipoles.
    """
    rows, cols = array_shape
    index = np.arange(rows * cols).reshape(rows, cols)
    along = {"rows": (index[:, :-1], index[:, 1:]), "columns": (index[:-1], index[1:])}
    chosen = ["rows", "columns"] if direction == "both" else [direction]
    pairs = np.concatenate([np.column_stack([a.ravel(), b.ravel()]) for a, b in map(along.get, chosen)])
    names = channel_names(array_shape)
    return pairs.reshape(-1, 2), [f"{names[a]}-{names[b]}" for a, b in pairs]


def catheter_channel_names(catheter: dict) -> list[str]:
    """Bipole names of ``simulate.catheter``: prefix and both pole numbers, ``CS12`` ... ``CS90``
    (the tenth pole written 0, as in IAFDB) up to 10 poles, ``CS11-12`` beyond."""
    n_poles, prefix = 2 * catheter["bipoles"], catheter["name"]
    if n_poles <= 10:
        return [f"{prefix}{k}{(k + 1) % 10}" for k in range(1, n_poles, 2)]
    return [f"{prefix}{k}-{k + 1}" for k in range(1, n_poles, 2)]


def catheter_poles_mm(catheter: dict, centre_mm: np.ndarray, angle_rad: float) -> np.ndarray:
    """(poles, 2) positions (mm) of the catheter's poles along a line through ``centre_mm`` at
    ``angle_rad``: within a bipole ``pole_spacing_mm`` apart, between bipoles ``bipole_gap_mm``."""
    gaps = np.tile([catheter["pole_spacing_mm"], catheter["bipole_gap_mm"]], catheter["bipoles"])[:-1]
    along = np.concatenate([[0.0], np.cumsum(gaps)])
    along -= along[-1] / 2
    return centre_mm + along[:, None] * np.array([np.cos(angle_rad), np.sin(angle_rad)])


def montage_channel_names(sim: dict) -> list[str]:
    """The channel names of every record of ``sim`` (they do not depend on the record)."""
    if sim["montage"] == "unipolar":
        return channel_names(sim["array_shape"])
    if sim["montage"] == "bipolar_array":
        return array_bipoles(sim["array_shape"], sim["bipole_pairs"])[1]
    return catheter_channel_names(sim["catheter"])


def record_montage(sim: dict, rng: np.random.Generator) -> Montage:
    """The montage of one record; a catheter's placement is drawn from ``rng``."""
    shape, spacing = sim["array_shape"], sim["electrode_spacing_mm"]
    positions = electrode_positions_mm(shape, spacing)
    array = f"array {shape[0]}x{shape[1]} at {spacing} mm"
    if sim["montage"] == "unipolar":
        return Montage(positions, channel_names(shape), None,
                       f"synthetic unipolar epicardial electrograms (signalrnn), {array}, row by row")
    if sim["montage"] == "bipolar_array":
        pairs, names = array_bipoles(shape, sim["bipole_pairs"])
        if not names:
            raise SignalrnnError(f"simulate.bipole_pairs: an array of {shape[0]}x{shape[1]} has no "
                                 f"neighbours along {sim['bipole_pairs']}; choose another direction")
        return Montage(positions, names, pairs,
                       f"synthetic bipolar epicardial electrograms (signalrnn), adjacent electrodes "
                       f"({sim['bipole_pairs']}) of {array}")
    catheter = sim["catheter"]
    centre = _point_in_array(rng, positions)
    angle_deg = catheter["angle_deg"] if catheter["angle_deg"] is not None else rng.uniform(0, 180)
    poles = catheter_poles_mm(catheter, centre, np.deg2rad(angle_deg))
    pairs = np.arange(len(poles)).reshape(-1, 2)
    return Montage(poles, catheter_channel_names(catheter), pairs,
                   f"synthetic bipolar electrograms (signalrnn), catheter of {catheter['bipoles']} bipoles "
                   f"({catheter['pole_spacing_mm']}-{catheter['bipole_gap_mm']} mm) centred at "
                   f"({centre[0]:.1f}, {centre[1]:.1f}) mm at {angle_deg:.0f} deg over the region of {array}")


def patient_profile(sim: dict, patient: int) -> dict:
    """The properties of one simulated patient (drawn from the stream of ``seed``, ``patient``)."""
    rng = np.random.default_rng([sim["seed"], patient])
    lo, hi = sim["cycle_length_ms"]
    spacing = sim["electrode_spacing_mm"]
    positions = electrode_positions_mm(sim["array_shape"], spacing)
    return {
        "cl_mean_ms": rng.uniform(lo + 0.15 * (hi - lo), hi - 0.25 * (hi - lo)),
        "cl_sd_ms": rng.uniform(0.06, 0.18) * (hi - lo),
        "velocity_mm_per_ms": rng.uniform(0.3, 0.9),
        "direction_rad": rng.uniform(0, 2 * np.pi),
        "direction_step_rad": rng.uniform(0.05, 0.5),
        "amplitude_mv": rng.uniform(*sim["amplitude_mv"]),
        "block_point_mm": _point_in_array(rng, positions),
        "block_angle_rad": rng.uniform(0, np.pi),
        "block_width_mm": rng.uniform(0.4, 1.0) * spacing,
        "block_probability": rng.uniform(0.3, 0.8),
        "block_delay_ms": rng.uniform(6.0, 32.0),
        "fractionation_centre_mm": _point_in_array(rng, positions),
        "fractionation_radius_mm": rng.uniform(0.5, 1.5) * spacing,
        "fractionation_probability": rng.uniform(0.3, 0.8),
        "snr_offset_db": rng.uniform(-1, 1) * sim["snr_spread_db"],
        "far_field_probability": rng.uniform(0.4, 0.9),
        "pink_share": rng.uniform(0.2, 0.8),
        "wander_mv": rng.uniform(*sim["wander_mv"]),
        "mains_mv": rng.uniform(*sim["mains_mv"]),
        "far_field_mv": rng.uniform(*sim["far_field_mv"]),
        "rr_mean_ms": rng.uniform(450.0, 900.0),
    }


def activation_times_ms(profile: dict, sim: dict, positions: np.ndarray, duration_ms: float,
                        rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(cycles, electrodes) activation times (ms) of planar AF wavefronts crossing the array, and
    (cycles,) whether the patient's line of block blocks each wave.

    A wave is blocked with the patient's ``block_probability``; then the side of the line that it
    reaches second activates ``block_delay_ms`` x |cos(angle between heading and line normal)|
    later (the wave goes around the line), so that the LAT jumps across the line as in the
    Rotterdam group's maps (conduction block: >= 12 ms between adjacent electrodes). Local cycle
    lengths are kept within ``cycle_length_ms`` (refractoriness).
    """
    lo, hi = sim["cycle_length_ms"]
    n_cycles = int(duration_ms / lo) + 2
    cycles = np.clip(rng.normal(profile["cl_mean_ms"], profile["cl_sd_ms"], n_cycles), lo, hi)
    onsets = rng.uniform(0, profile["cl_mean_ms"]) + np.cumsum(cycles) - cycles[0]
    angles = profile["direction_rad"] + np.cumsum(rng.normal(0, profile["direction_step_rad"],
                                                             n_cycles))
    headings = np.column_stack([np.cos(angles), np.sin(angles)])
    times = onsets[:, None] + headings @ positions.T / profile["velocity_mm_per_ms"]
    blocked = rng.random(n_cycles) < profile["block_probability"]
    across = headings @ block_normal(profile)
    far_side = np.sign(distance_to_block_line_mm(profile, positions))[None, :] == np.sign(across)[:, None]
    times += far_side * (blocked * profile["block_delay_ms"] * np.abs(across))[:, None]
    for k in range(1, n_cycles):
        times[k] = np.clip(times[k], times[k - 1] + lo, times[k - 1] + hi)
    return times, blocked


def block_normal(profile: dict) -> np.ndarray:
    """Unit normal (x, y) of the patient's line of block."""
    angle = profile["block_angle_rad"]
    return np.array([-np.sin(angle), np.cos(angle)])


def distance_to_block_line_mm(profile: dict, positions: np.ndarray) -> np.ndarray:
    """Signed distance (mm) of each of ``positions`` (mm) to the patient's line of block."""
    return (positions - profile["block_point_mm"]) @ block_normal(profile)


def zone_probabilities(profile: dict, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per electrode at ``positions`` (mm): probability of a double potential (the patient's block
    line) and of fractionation (its zone); the maps' truth (``evaluation.maps``) reads them too."""
    to_line = distance_to_block_line_mm(profile, positions)
    p_double = profile["block_probability"] * np.exp(-0.5 * (to_line / profile["block_width_mm"]) ** 2)
    to_zone = np.linalg.norm(positions - profile["fractionation_centre_mm"], axis=1)
    p_frac = (1 - p_double) * profile["fractionation_probability"] * np.exp(
        -0.5 * (to_zone / profile["fractionation_radius_mm"]) ** 2)
    return p_double, p_frac


def _fractionated_offsets_ms(n: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(m, MAX_DEFLECTIONS) offsets of fractionated potentials of ``n`` deflections; NaN-padded."""
    gaps_after_first = np.arange(1, MAX_DEFLECTIONS) < n[:, None]
    least = (n - 1) * MIN_FRACTION_GAP_MS
    span = rng.uniform(least + 8.0, MAX_POTENTIAL_MS)
    share = rng.exponential(1.0, (len(n), MAX_DEFLECTIONS - 1)) * gaps_after_first
    gaps = MIN_FRACTION_GAP_MS + share / share.sum(axis=1, keepdims=True) * (span - least)[:, None]
    offsets = np.cumsum(np.where(gaps_after_first, gaps, 0.0), axis=1)
    return np.column_stack([np.zeros(len(n)), np.where(gaps_after_first, offsets, np.nan)])


def potentials(profile: dict, sim: dict, positions: np.ndarray, times_ms: np.ndarray,
               blocked: np.ndarray, duration_ms: float, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Deflections of every activation inside the record.

    Double potentials occur only in the ``blocked`` cycles (of ``activation_times_ms``), near the
    line, so that each electrode's expected share of them is ``zone_probabilities``'; fractionation
    occurs in the patient's zone, in any cycle.

    Returns ``channel`` (the electrode, a pole in bipolar montages), ``cycle`` (row of
    ``times_ms``), ``time_ms`` (activation = first deflection), ``mechanism`` (0 normal,
    1 block, 2 fractionation) and (potentials, MAX_DEFLECTIONS + 1) ``offsets_ms`` from the
    activation (NaN where unused), ``amplitude_mv``, ``sigma_ms`` and ``r_ratio`` of each
    deflection. Column ``FAR_FIELD`` is a broad, small deflection of remote atrial tissue, which
    is no local activation and so no part of the class definition.
    """
    cycle, channel = np.nonzero((times_ms >= 0) & (times_ms < duration_ms))
    m, shape = len(channel), (len(channel), MAX_DEFLECTIONS + 1)
    p_double, p_frac = zone_probabilities(profile, positions)
    near_line = p_double / profile["block_probability"]  # P(double | the cycle is blocked)
    double = blocked[cycle] & (rng.random(m) < near_line[channel])
    fractionated_here = rng.random(m) < (p_frac / (1 - p_double))[channel]  # P(fractionated | not double)
    mechanism = np.where(double, 1, np.where(fractionated_here, 2, 0))
    excess_ms = profile["block_delay_ms"] - MIN_DOUBLE_INTERVAL_MS
    interval = np.minimum(MIN_DOUBLE_INTERVAL_MS + rng.gamma(2.5, excess_ms / 2.5, m), MAX_POTENTIAL_MS)
    double = np.full((m, MAX_DEFLECTIONS), np.nan)
    double[:, :2] = np.column_stack([np.zeros(m), interval])
    fractionated = _fractionated_offsets_ms(rng.integers(3, MAX_DEFLECTIONS + 1, m), rng)
    offsets = np.full(shape, np.nan)
    offsets[:, :FAR_FIELD] = np.where((mechanism == 1)[:, None], double,
                                      np.where((mechanism == 2)[:, None], fractionated, np.nan))
    offsets[:, 0] = 0.0
    far = rng.random(m) < profile["far_field_probability"]
    offsets[:, FAR_FIELD] = np.where(far, rng.uniform(-25.0, 35.0, m), np.nan)
    electrode_mv = profile["amplitude_mv"] * rng.lognormal(0.0, 0.3, len(positions))
    fragment = (mechanism == 2)[:, None]
    scale = np.where(fragment, rng.uniform(0.2, 0.7, shape), rng.uniform(0.8, 1.2, shape))
    scale[:, 1] = np.where(mechanism == 1, rng.uniform(0.25, 1.0, m), scale[:, 1])
    scale[:, FAR_FIELD] = rng.uniform(0.2, 0.7, m)
    sigma = np.where(fragment, rng.uniform(0.8, 1.6, shape), rng.uniform(1.0, 2.5, shape))
    sigma[:, FAR_FIELD] = rng.uniform(4.0, 8.0, m)
    return {
        "channel": channel, "cycle": cycle, "time_ms": times_ms[cycle, channel], "mechanism": mechanism,
        "offsets_ms": offsets.round(2), "amplitude_mv": electrode_mv[channel, None] * scale,
        "sigma_ms": sigma, "r_ratio": rng.uniform(0.2, 1.0, shape),
    }


def deflections_on(pot: dict, channels: np.ndarray) -> dict[str, np.ndarray]:
    """The deflections of the potentials on the sorted ``channels``, one per row (``channel`` =
    position in ``channels``)."""
    used = np.isin(pot["channel"], channels)[:, None] & ~np.isnan(pot["offsets_ms"])
    position = np.searchsorted(channels, pot["channel"])
    return {
        "channel": np.broadcast_to(position[:, None], used.shape)[used],
        "time_ms": (pot["time_ms"][:, None] + pot["offsets_ms"])[used],
        **{key: pot[key][used] for key in ("sigma_ms", "amplitude_mv", "r_ratio")},
    }


def render(n_samples: int, fs_hz: float, n_channels: int, deflections: dict) -> np.ndarray:
    """(samples, channels) sum of ``deflections`` (mV), each drawn over +-5 widths of its centre.

    ``deflections`` holds equal-length arrays ``channel``, ``time_ms``, ``sigma_ms``,
    ``amplitude_mv`` and ``r_ratio`` (see ``deflection``).
    """
    time_ms, sigma_ms = deflections["time_ms"], deflections["sigma_ms"]
    half = int(np.ceil(5 * sigma_ms.max() * fs_hz / 1000)) if len(sigma_ms) else 0
    samples = np.round(time_ms * fs_hz / 1000).astype(int)[:, None] + np.arange(-half, half + 1)
    values = deflection(samples * 1000 / fs_hz - time_ms[:, None], sigma_ms[:, None],
                        deflections["amplitude_mv"][:, None], deflections["r_ratio"][:, None])
    inside = (samples >= 0) & (samples < n_samples)
    flat = (deflections["channel"][:, None] * n_samples + samples)[inside]
    out = np.bincount(flat, values[inside], minlength=n_channels * n_samples)
    return out.reshape(n_channels, n_samples).T


def _pink_noise(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Unit-variance 1/f (pink) noise along axis 0."""
    spectrum = np.fft.rfft(rng.standard_normal(shape), axis=0)
    spectrum[1:] /= np.sqrt(np.arange(1, len(spectrum)))[:, None]
    spectrum[0] = 0
    pink = np.fft.irfft(spectrum, shape[0], axis=0)
    return pink / pink.std(axis=0)


def common_noise(profile: dict, sim: dict, n_samples: int, rng: np.random.Generator) -> dict:
    """Traces (mV) shared by all electrodes, before per-electrode gains: wander, mains, far field."""
    fs = sim["fs_hz"]
    t_s = np.arange(n_samples) / fs
    wander = sum(
        profile["wander_mv"] / np.sqrt(2) * np.sin(2 * np.pi * rng.uniform(0.1, 0.5) * t_s
                                                   + rng.uniform(0, 2 * np.pi))
        for _ in range(2)
    )
    phase = rng.uniform(0, 2 * np.pi)
    mains_phase = 2 * np.pi * sim["mains_hz"] * t_s + phase
    mains = profile["mains_mv"] * (np.sin(mains_phase) + 0.2 * np.sin(3 * mains_phase))
    duration_ms = n_samples * 1000 / fs
    rr = np.clip(rng.normal(profile["rr_mean_ms"], 0.15 * profile["rr_mean_ms"],
                            int(duration_ms / 300) + 2), 300.0, None)
    beats = rng.uniform(0, profile["rr_mean_ms"]) + np.cumsum(rr) - rr[0]
    beats = beats[beats < duration_ms + 100]
    ones = np.ones(len(beats))
    far_field = render(n_samples, fs, 1, {
        "channel": np.zeros(len(beats), int), "time_ms": beats, "sigma_ms": 15.0 * ones,
        "amplitude_mv": profile["far_field_mv"] * ones, "r_ratio": ones})[:, 0]
    return {"wander": wander, "mains": mains, "far_field": far_field}


def electrode_noise(clean: np.ndarray, profile: dict, sim: dict, common: dict,
                    rng: np.random.Generator, gains: np.ndarray | None = None) -> np.ndarray:
    """Noise (mV) of some channels: white + 1/f noise at the patient's SNR (varied per channel)
    plus the shared traces, each with its own gain per channel.

    SNR (dB) = power of the channel's potentials over the record / power of white + 1/f noise.
    ``gains`` (3, channels) of wander, mains and far field: None = drawn per electrode, uniform
    0.5-1.5; a bipole's are the difference of its poles' gains (common-mode rejection).
    """
    n, k = clean.shape
    share = profile["pink_share"]
    broadband = (np.sqrt(1 - share) * rng.standard_normal((n, k))
                 + np.sqrt(share) * _pink_noise((n, k), rng))
    snr_db = sim["snr_db"] + profile["snr_offset_db"] + rng.normal(0.0, ELECTRODE_SNR_SD_DB, k)
    broadband *= np.sqrt(np.mean(clean**2, axis=0) / 10 ** (snr_db / 10))
    if gains is None:
        gains = rng.uniform(0.5, 1.5, (3, k))
    return broadband + sum(g * common[name][:, None]
                           for g, name in zip(gains, ("wander", "mains", "far_field"), strict=True))


def background_segments(sim: dict, clean_power: np.ndarray, n_samples: int,
                        rng: np.random.Generator) -> np.ndarray:
    """(samples, electrodes) random segments of one real record in ``background_dir``, scaled so
    that each electrode's potential power / background power is ``background_snr_db``."""
    folder = Path(sim["background_dir"])
    names = sorted(p.stem for p in folder.glob("*.hea"))
    if not names:
        raise SignalrnnError(f"simulate.background_dir: no WFDB records (.hea) in {folder}; "
                             "point it at a folder of records or set it to null")
    record = read_record(folder, names[rng.integers(len(names))])
    source = np.nan_to_num(record.signal.astype(float))
    if record.fs_hz != sim["fs_hz"]:
        source = sps.resample_poly(source, int(sim["fs_hz"]), int(record.fs_hz), axis=0)
    source = np.tile(source, (int(np.ceil(n_samples / len(source))), 1))
    out = np.empty((n_samples, len(clean_power)))
    for i, power in enumerate(clean_power):
        start = rng.integers(len(source) - n_samples + 1)
        segment = source[start:start + n_samples, rng.integers(source.shape[1])]
        segment = segment - segment.mean()
        level = np.sqrt(power / 10 ** (sim["background_snr_db"] / 10) / max(segment.var(), 1e-12))
        out[:, i] = segment * level
    return out


def record_numbers(name: str) -> tuple[int, int]:
    """(patient, record) numbers of a simulated record name such as ``p03_r2``."""
    match = RECORD_NAME.match(name)
    if match is None:
        raise SignalrnnError(f"{name}: not a simulated record name (expected p<patient>_r<record>)")
    return int(match.group(1)), int(match.group(2))


def record_streams(sim: dict, name: str) -> list[np.random.Generator]:
    """The record's own random streams: potentials, noise, background, catheter placement."""
    return np.random.default_rng([sim["seed"], *record_numbers(name)]).spawn(4)


def simulate_record(sim: dict, name: str) -> tuple[np.ndarray, pd.DataFrame]:
    """One record: signal (samples, channels) in mV, float32, and its ground-truth table.

    The truth has one row per potential (sorted by sample): ``channel`` (index), ``sample`` and
    ``activation_ms`` of its first deflection's steepest downslope, ``class``,
    ``n_deflections``, ``interval_ms`` (first to last deflection), ``amplitudes_mv`` (every
    deflection, space-separated), ``far_field_ms`` (offset of a far-field atrial deflection;
    empty if none) and ``cycle_length_ms`` (since the channel's previous activation; empty
    for the first). Bipolar montages add ``bipole`` (the channel's name) and ``pole_lag_ms``
    and define a potential by ``bipolar_deflections``.

    Noise of a bipole: wander, mains and ventricular far field reach each pole with the pole's
    own gain and are differenced with the poles (so partly rejected); white + 1/f noise and the
    real background belong to the recorded channel and are added to the bipole at ``snr_db``
    and ``background_snr_db`` of the bipole's own potentials, so that the SNR means the same in
    every montage and in the SNR sweep.
    """
    profile = patient_profile(sim, record_numbers(name)[0])
    potential_rng, noise_rng, background_rng, placement_rng = record_streams(sim, name)
    fs, duration_ms = sim["fs_hz"], sim["duration_s"] * 1000.0
    n = int(round(sim["duration_s"] * fs))
    montage = record_montage(sim, placement_rng)
    times, blocked = activation_times_ms(profile, sim, montage.poles_mm, duration_ms, potential_rng)
    pot = potentials(profile, sim, montage.poles_mm, times, blocked, duration_ms, potential_rng)
    common = common_noise(profile, sim, n, noise_rng)
    n_channels = len(montage.channels)
    signal = np.empty((n, n_channels), np.float32)
    clean_power = np.empty(n_channels)
    if montage.pairs is not None:
        pole_gains = noise_rng.uniform(0.5, 1.5, (3, len(montage.poles_mm)))
    for chunk in np.array_split(np.arange(n_channels), -(-n_channels // CHUNK_ELECTRODES)):
        if montage.pairs is None:
            clean, gains = render(n, fs, len(chunk), deflections_on(pot, chunk)), None
        else:
            first, second = montage.pairs[chunk].T
            poles = np.unique(montage.pairs[chunk])
            unipolar = render(n, fs, len(poles), deflections_on(pot, poles))
            clean = unipolar[:, np.searchsorted(poles, first)] - unipolar[:, np.searchsorted(poles, second)]
            gains = pole_gains[:, first] - pole_gains[:, second]
        clean_power[chunk] = np.mean(clean**2, axis=0)
        signal[:, chunk] = clean + electrode_noise(clean, profile, sim, common, noise_rng, gains)
    if sim["background_dir"] is not None:
        signal += background_segments(sim, clean_power, n, background_rng).astype(np.float32)
    return signal, truth_table(pot, sim, montage)


def bipolar_deflections(pot: dict, pairs: np.ndarray) -> dict[str, np.ndarray]:
    """The potentials of bipoles, from the local deflections of both poles in each cycle.

    Definition (the ground truth of a bipolar potential). A bipole (poles a, b) has a potential
    in every cycle in which either pole has one inside the record. Its deflections are both
    poles' local deflections (far-field atrial deflections excluded) in time order, where a
    deflection of one pole and the next of the other pole form **one** bipolar deflection when
    they lie within max(``MIN_DOUBLE_INTERVAL_MS``, |conduction time a -> b|) of each other:
    the wavefront needs that time to pass from pole to pole, so the two record one passing
    front (a biphasic complex). Deflections of one pole stay apart, as in the unipolar
    definition. Matching is greedy, in time order, at most one deflection per pole in a
    bipolar deflection. The activation is the earliest deflection, the earlier pole's
    activation; the class follows from the number of bipolar deflections and the interval from
    the first to the last (``potential_class``). So two single potentials give a single
    potential, a double or fractionated potential under either pole shows in the bipole, and
    extra deflections under both poles add up (the union of both poles' deflections).

    Returns per bipolar potential: ``channel`` (bipole index), ``time_ms``, ``n_deflections``,
    ``interval_ms``, ``amplitudes_mv`` (per bipolar deflection, the larger depth of its poles'
    deflections), ``far_field_ms`` (earlier far-field atrial deflection of the two poles, from the
    activation) and ``pole_lag_ms`` (activation of the second pole minus the first's; NaN when
    one pole's activation lies outside the record).
    """
    row = np.full((pot["cycle"].max(initial=-1) + 1, pairs.max() + 1), -1)
    row[pot["cycle"], pot["channel"]] = np.arange(len(pot["channel"]))
    both = row[:, pairs]  # (cycles, bipoles, 2)
    cycle, channel = np.nonzero((both >= 0).any(axis=2))
    rows = both[cycle, channel]  # (potentials, 2)

    def pole_times(pole: int, columns: slice) -> np.ndarray:
        """Times (ms) of the deflections ``columns`` of each potential's pole (NaN: none)."""
        r = rows[:, pole]
        return np.where((r >= 0)[:, None], pot["time_ms"][r, None] + pot["offsets_ms"][r, columns], np.nan)

    local, first, far_field = slice(0, FAR_FIELD), slice(0, 1), slice(FAR_FIELD, FAR_FIELD + 1)
    times = np.hstack([pole_times(0, local), pole_times(1, local)])
    depths = np.hstack([pot["amplitude_mv"][rows[:, k], :FAR_FIELD] for k in (0, 1)])
    pole = np.repeat([0, 1], FAR_FIELD)[None, :].repeat(len(rows), axis=0)
    order = np.argsort(times, axis=1)  # NaN (no deflection) last
    times, depths, pole = (np.take_along_axis(a, order, axis=1) for a in (times, depths, pole))
    lag = (pole_times(1, first) - pole_times(0, first))[:, 0]
    window = np.fmax(MIN_DOUBLE_INTERVAL_MS, np.abs(lag))
    count, start, start_pole = np.ones(len(rows), int), times[:, 0], pole[:, 0]
    paired = np.zeros(len(rows), bool)
    cluster = np.zeros(times.shape, int)
    for j in range(1, times.shape[1]):
        valid = ~np.isnan(times[:, j])
        join = valid & ~paired & (pole[:, j] != start_pole) & (times[:, j] - start <= window)
        new = valid & ~join
        count += new
        paired = np.where(new, False, paired | join)
        start = np.where(new, times[:, j], start)
        start_pole = np.where(new, pole[:, j], start_pole)
        cluster[:, j] = count - 1
    amplitudes = np.zeros(times.shape)
    valid = ~np.isnan(times)
    np.maximum.at(amplitudes, (np.nonzero(valid)[0], cluster[valid]), depths[valid])
    far = np.fmin(pole_times(0, far_field), pole_times(1, far_field))[:, 0] - times[:, 0]
    return {"channel": channel, "time_ms": times[:, 0], "n_deflections": count,
            "interval_ms": (start - times[:, 0]).round(2), "amplitudes_mv": amplitudes,
            "far_field_ms": far.round(2), "pole_lag_ms": lag.round(2)}


def truth_table(pot: dict, sim: dict, montage: Montage) -> pd.DataFrame:
    """One row per potential (see ``simulate_record``), sorted by sample then channel."""
    if montage.pairs is None:
        offsets = pot["offsets_ms"][:, :FAR_FIELD]
        columns = {"channel": pot["channel"], "time_ms": pot["time_ms"],
                   "n_deflections": (~np.isnan(offsets)).sum(axis=1),
                   "interval_ms": np.nanmax(offsets, axis=1), "amplitudes_mv": pot["amplitude_mv"],
                   "far_field_ms": pot["offsets_ms"][:, FAR_FIELD]}
        extra = {}
    else:
        columns = bipolar_deflections(pot, montage.pairs)
        extra = {"pole_lag_ms": columns.pop("pole_lag_ms")}
    n_deflections = columns["n_deflections"]
    amplitudes = [" ".join(f"{a:.3f}" for a in row[:k])
                  for row, k in zip(columns["amplitudes_mv"], n_deflections, strict=True)]
    table = pd.DataFrame({
        "channel": columns["channel"],
        **({} if montage.pairs is None else {"bipole": np.array(montage.channels)[columns["channel"]]}),
        "sample": np.round(columns["time_ms"] * sim["fs_hz"] / 1000).astype(int),
        "activation_ms": columns["time_ms"].round(3),
        "class": potential_class(n_deflections, columns["interval_ms"], sim["double_cut_ms"]),
        "n_deflections": n_deflections,
        "interval_ms": columns["interval_ms"],
        "amplitudes_mv": amplitudes,
        "far_field_ms": columns["far_field_ms"],
        **extra,
    }).sort_values(["channel", "sample"], kind="stable")
    table["cycle_length_ms"] = table.groupby("channel")["activation_ms"].diff().round(3)
    return table.sort_values(["sample", "channel"], kind="stable").reset_index(drop=True)


def simulate_dataset(sim: dict, out_dir: str | Path) -> list[str]:
    """Write every simulated record (.hea/.dat/.atr) of the config's ``simulate`` section ``sim``,
    a RECORDS file and truth.csv; return the record names."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = simulated_record_names(sim["n_patients"], sim["records_per_patient"])
    channels = montage_channel_names(sim)
    if len(channels) > MAX_ANNOTATED_CHANNELS:
        raise SignalrnnError(
            f"simulate: montage {sim['montage']} of array_shape {sim['array_shape']} has {len(channels)} "
            f"channels, and WFDB annotations name at most {MAX_ANNOTATED_CHANNELS}; use a smaller array "
            "or, for bipolar_array, bipole_pairs rows or columns")
    tables = []
    for name in names:
        signal, truth = simulate_record(sim, name)
        patient = name.split("_")[0]
        montage = record_montage(sim, record_streams(sim, name)[3])
        wfdb.wrsamp(
            name, fs=sim["fs_hz"], units=["mV"] * len(channels), sig_name=channels,
            p_signal=signal.astype(np.float64), fmt=["16"] * len(channels), write_dir=str(out_dir),
            comments=[f"patient: {patient}", montage.description],
        )
        wfdb.wrann(
            name, "atr", truth["sample"].to_numpy(), symbol=[ACTIVATION_SYMBOL] * len(truth),
            chan=truth["channel"].to_numpy(), aux_note=truth["class"].tolist(), fs=sim["fs_hz"],
            write_dir=str(out_dir),
        )
        truth.insert(0, "record", name)
        truth.insert(1, "patient", patient)
        tables.append(truth)
        counts = truth["class"].value_counts().to_dict()
        print(f"simulate: {name}: {len(truth)} potentials on {len(channels)} channels {counts}",
              flush=True)
    pd.concat(tables, ignore_index=True).to_csv(out_dir / TRUTH_FILE, index=False)
    (out_dir / "RECORDS").write_text("\n".join(names) + "\n")
    return names
