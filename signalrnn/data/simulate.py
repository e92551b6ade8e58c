"""Synthetic unipolar epicardial-mapping electrograms of atrial fibrillation, written as WFDB.

docs/synthetic-data.md ("The synthetic electrograms") gives the model, its parameters and their sources.
In short, for every record of a patient:

- one AF wavefront per cycle crosses an electrode array (rows x columns, spacing in mm) at the
  patient's conduction velocity, its direction wandering from cycle to cycle; cycle lengths (ms)
  follow the patient's mean and spread, and every electrode's local cycle length stays within
  ``cycle_length_ms``;
- every activation is a potential of negative intrinsic deflections: two (the near and the far
  side of a line of conduction block) with a probability that is high near the patient's block
  line, three to six within the patient's zone of slow, inhomogeneous conduction, one elsewhere;
- its class follows from its deflections by the definitions of Konings et al. 1997 and de Groot
  et al. 2010 (``potentials.potential_class``);
- noise: white and 1/f noise at the patient's SNR, baseline wander, mains interference and
  far-field ventricular complexes at an irregular ventricular rhythm, optionally plus segments
  of real recordings.

Every patient and record draws from its own random stream (``seed``, patient, record), so a
record can be re-simulated alone, e.g. at another SNR.
"""

from __future__ import annotations

import re
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
CHUNK_ELECTRODES = 32  # electrodes rendered at once (bounds memory for large arrays)


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
                        rng: np.random.Generator) -> np.ndarray:
    """(cycles, electrodes) activation times (ms) of planar AF wavefronts crossing the array.

    Local cycle lengths are kept within ``cycle_length_ms`` (refractoriness).
    """
    lo, hi = sim["cycle_length_ms"]
    n_cycles = int(duration_ms / lo) + 2
    cycles = np.clip(rng.normal(profile["cl_mean_ms"], profile["cl_sd_ms"], n_cycles), lo, hi)
    onsets = rng.uniform(0, profile["cl_mean_ms"]) + np.cumsum(cycles) - cycles[0]
    angles = profile["direction_rad"] + np.cumsum(rng.normal(0, profile["direction_step_rad"],
                                                             n_cycles))
    headings = np.column_stack([np.cos(angles), np.sin(angles)])
    times = onsets[:, None] + headings @ positions.T / profile["velocity_mm_per_ms"]
    for k in range(1, n_cycles):
        times[k] = np.clip(times[k], times[k - 1] + lo, times[k - 1] + hi)
    return times


def _zone_probabilities(profile: dict, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per electrode: probability of a double potential (block line) and of fractionation."""
    angle = profile["block_angle_rad"]
    normal = np.array([-np.sin(angle), np.cos(angle)])
    to_line = (positions - profile["block_point_mm"]) @ normal
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
               duration_ms: float, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Deflections of every activation inside the record.

    Returns ``channel``, ``time_ms`` (activation = first deflection), ``mechanism`` (0 normal,
    1 block, 2 fractionation) and (potentials, MAX_DEFLECTIONS + 1) ``offsets_ms`` from the
    activation (NaN where unused), ``amplitude_mv``, ``sigma_ms`` and ``r_ratio`` of each
    deflection. Column ``FAR_FIELD`` is a broad, small deflection of remote atrial tissue, which
    is no local activation and so no part of the class definition.
    """
    cycle, channel = np.nonzero((times_ms >= 0) & (times_ms < duration_ms))
    m, shape = len(channel), (len(channel), MAX_DEFLECTIONS + 1)
    p_double, p_frac = _zone_probabilities(profile, positions)
    draw = rng.random(m)
    mechanism = np.where(draw < p_double[channel], 1,
                         np.where(draw < (p_double + p_frac)[channel], 2, 0))
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
        "channel": channel, "time_ms": times_ms[cycle, channel], "mechanism": mechanism,
        "offsets_ms": offsets.round(2), "amplitude_mv": electrode_mv[channel, None] * scale,
        "sigma_ms": sigma, "r_ratio": rng.uniform(0.2, 1.0, shape),
    }


def deflections_on(pot: dict, channels: np.ndarray) -> dict[str, np.ndarray]:
    """The deflections of the potentials on a contiguous range of ``channels``, one per row."""
    used = np.isin(pot["channel"], channels)[:, None] & ~np.isnan(pot["offsets_ms"])
    return {
        "channel": np.broadcast_to(pot["channel"][:, None] - channels[0], used.shape)[used],
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
                    rng: np.random.Generator) -> np.ndarray:
    """Noise (mV) of some electrodes: white + 1/f noise at the patient's SNR (varied per
    electrode) plus the shared traces, each with its own gain per electrode.

    SNR (dB) = power of the electrode's potentials over the record / power of white + 1/f noise.
    """
    n, k = clean.shape
    share = profile["pink_share"]
    broadband = (np.sqrt(1 - share) * rng.standard_normal((n, k))
                 + np.sqrt(share) * _pink_noise((n, k), rng))
    snr_db = sim["snr_db"] + profile["snr_offset_db"] + rng.normal(0.0, ELECTRODE_SNR_SD_DB, k)
    broadband *= np.sqrt(np.mean(clean**2, axis=0) / 10 ** (snr_db / 10))
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


def simulate_record(sim: dict, name: str) -> tuple[np.ndarray, pd.DataFrame]:
    """One record: signal (samples, electrodes) in mV, float32, and its ground-truth table.

    The truth has one row per potential (sorted by sample): ``channel`` (index), ``sample`` and
    ``activation_ms`` of its first deflection's steepest downslope, ``class``,
    ``n_deflections``, ``interval_ms`` (first to last deflection), ``amplitudes_mv`` (every
    deflection, space-separated), ``far_field_ms`` (offset of a far-field atrial deflection;
    empty if none) and ``cycle_length_ms`` (since the electrode's previous activation; empty
    for the first).
    """
    patient, number = record_numbers(name)
    profile = patient_profile(sim, patient)
    potential_rng, noise_rng, background_rng = np.random.default_rng(
        [sim["seed"], patient, number]).spawn(3)
    fs, duration_ms = sim["fs_hz"], sim["duration_s"] * 1000.0
    n = int(round(sim["duration_s"] * fs))
    positions = electrode_positions_mm(sim["array_shape"], sim["electrode_spacing_mm"])
    times = activation_times_ms(profile, sim, positions, duration_ms, potential_rng)
    pot = potentials(profile, sim, positions, times, duration_ms, potential_rng)
    common = common_noise(profile, sim, n, noise_rng)
    signal = np.empty((n, len(positions)), np.float32)
    clean_power = np.empty(len(positions))
    for chunk in np.array_split(np.arange(len(positions)), -(-len(positions) // CHUNK_ELECTRODES)):
        clean = render(n, fs, len(chunk), deflections_on(pot, chunk))
        clean_power[chunk] = np.mean(clean**2, axis=0)
        signal[:, chunk] = clean + electrode_noise(clean, profile, sim, common, noise_rng)
    if sim["background_dir"] is not None:
        signal += background_segments(sim, clean_power, n, background_rng).astype(np.float32)
    return signal, truth_table(pot, sim)


def truth_table(pot: dict, sim: dict) -> pd.DataFrame:
    """One row per potential (see ``simulate_record``), sorted by sample then channel."""
    offsets = pot["offsets_ms"][:, :FAR_FIELD]
    n_deflections = (~np.isnan(offsets)).sum(axis=1)
    interval = np.nanmax(offsets, axis=1)
    amplitudes = [" ".join(f"{a:.3f}" for a in row[:k])
                  for row, k in zip(pot["amplitude_mv"], n_deflections, strict=True)]
    table = pd.DataFrame({
        "channel": pot["channel"],
        "sample": np.round(pot["time_ms"] * sim["fs_hz"] / 1000).astype(int),
        "activation_ms": pot["time_ms"].round(3),
        "class": potential_class(n_deflections, interval, sim["double_cut_ms"]),
        "n_deflections": n_deflections,
        "interval_ms": interval,
        "amplitudes_mv": amplitudes,
        "far_field_ms": pot["offsets_ms"][:, FAR_FIELD],
    }).sort_values(["channel", "sample"], kind="stable")
    table["cycle_length_ms"] = table.groupby("channel")["activation_ms"].diff().round(3)
    return table.sort_values(["sample", "channel"], kind="stable").reset_index(drop=True)


def simulate_dataset(sim: dict, out_dir: str | Path) -> list[str]:
    """Write every simulated record (.hea/.dat/.atr) of the config's ``simulate`` section ``sim``,
    a RECORDS file and truth.csv; return the record names."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = simulated_record_names(sim["n_patients"], sim["records_per_patient"])
    channels = channel_names(sim["array_shape"])
    tables = []
    for name in names:
        signal, truth = simulate_record(sim, name)
        patient = name.split("_")[0]
        wfdb.wrsamp(
            name, fs=sim["fs_hz"], units=["mV"] * len(channels), sig_name=channels,
            p_signal=signal.astype(np.float64), fmt=["16"] * len(channels), write_dir=str(out_dir),
            comments=[f"patient: {patient}",
                      f"synthetic unipolar epicardial electrograms (signalrnn), array "
                      f"{sim['array_shape'][0]}x{sim['array_shape'][1]} at "
                      f"{sim['electrode_spacing_mm']} mm, row by row"],
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
        print(f"simulate: {name}: {len(truth)} potentials on {len(channels)} electrodes {counts}",
              flush=True)
    pd.concat(tables, ignore_index=True).to_csv(out_dir / TRUTH_FILE, index=False)
    (out_dir / "RECORDS").write_text("\n".join(names) + "\n")
    return names
