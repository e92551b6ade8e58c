"""Synthetic unipolar epicardial-mapping electrograms of atrial fibrillation, written as WFDB.

Each simulated patient has an AF cycle length (ms), a potential amplitude (mV) and
class prevalences of its own; each electrode varies around them. Every activation
is one of four classes (after Konings et al. 1997, de Groot et al. 2010):

- ``single``: one negative intrinsic deflection;
- ``short_double`` / ``long_double``: two deflections less / more than
  ``double_cut_ms`` apart;
- ``fractionated``: three to five deflections.

A deflection is the negative derivative of a Gaussian (width ``sigma``, ms), whose
steepest downslope marks the activation time. Noise: white noise at the patient's
SNR (dB), baseline wander (0.1-0.5 Hz), mains interference and far-field
ventricular complexes (broad, ~80 ms) at an independent ventricular rhythm.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import wfdb

from signalrnn.records import simulated_record_names

CLASSES = ("single", "short_double", "long_double", "fractionated")
ACTIVATION_SYMBOL = "p"  # WFDB "P-wave peak": an atrial activation; the class is in aux_note
TRUTH_FILE = "truth.csv"


def deflection(t_ms: np.ndarray, sigma_ms: float, amplitude_mv: float) -> np.ndarray:
    """Negative intrinsic deflection: +A before, -A after, steepest downslope at t = 0."""
    u = t_ms / sigma_ms
    return -amplitude_mv * u * np.exp(0.5 - 0.5 * u**2)


def _deflection_times_ms(cls: str, rng: np.random.Generator, cut_ms: float) -> np.ndarray:
    """Offsets (ms) of the deflections of one potential, relative to the first."""
    if cls == "single":
        return np.zeros(1)
    if cls == "short_double":
        return np.array([0.0, rng.uniform(6.0, cut_ms)])
    if cls == "long_double":
        return np.array([0.0, rng.uniform(cut_ms, 50.0)])
    n = int(rng.integers(3, 6))
    return np.concatenate([[0.0], np.sort(rng.uniform(5.0, rng.uniform(20.0, 50.0), n - 1))])


def _patient_profile(rng: np.random.Generator) -> dict:
    return {
        "cl_mean_ms": rng.uniform(130.0, 220.0),
        "cl_sd_ms": rng.uniform(10.0, 30.0),
        "amplitude_mv": rng.uniform(1.0, 4.0),
        "prevalence": rng.dirichlet([6.0, 2.0, 2.0, 2.5]),
        "snr_offset_db": rng.uniform(-3.0, 3.0),
        "v_cycle_ms": rng.uniform(600.0, 1000.0),
    }


def simulate_record(
    profile: dict, sim: dict, rng: np.random.Generator
) -> tuple[np.ndarray, list[dict]]:
    """One record: signal (samples, electrodes) in mV and the ground truth of every potential."""
    fs = sim["fs_hz"]
    n = int(round(sim["duration_s"] * fs))
    n_el = sim["n_electrodes"]
    t_ms = np.arange(n) * 1000.0 / fs
    clean = np.zeros((n, n_el))
    truth: list[dict] = []
    for el in range(n_el):
        prevalence = rng.dirichlet(profile["prevalence"] * 30.0)
        amp_el = profile["amplitude_mv"] * rng.uniform(0.6, 1.4)
        t = rng.uniform(20.0, 200.0)
        while t < t_ms[-1] - 100.0:
            cls = CLASSES[rng.choice(len(CLASSES), p=prevalence)]
            offsets = _deflection_times_ms(cls, rng, sim["double_cut_ms"])
            amps = amp_el * np.concatenate([[1.0], rng.uniform(0.3, 1.0, len(offsets) - 1)])
            if cls == "fractionated":
                amps *= rng.uniform(0.3, 0.7)
            for off, amp in zip(offsets, amps, strict=True):
                sigma = rng.uniform(1.5, 3.0)
                lo, hi = np.searchsorted(t_ms, [t + off - 6 * sigma, t + off + 6 * sigma])
                clean[lo:hi, el] += deflection(t_ms[lo:hi] - (t + off), sigma, amp)
            truth.append({
                "channel": el,
                "sample": int(round(t * fs / 1000.0)),
                "class": cls,
                "n_deflections": len(offsets),
                "interval_ms": round(float(offsets[-1]), 2),
                "amplitude_mv": round(float(amps[0]), 3),
            })
            t += max(80.0, rng.normal(profile["cl_mean_ms"], profile["cl_sd_ms"]))
    noise = _noise(t_ms, clean, profile, sim, rng)
    truth.sort(key=lambda row: (row["sample"], row["channel"]))
    return (clean + noise).astype(np.float32), truth


def _noise(t_ms, clean, profile, sim, rng) -> np.ndarray:
    n, n_el = clean.shape
    t_s = t_ms / 1000.0
    snr_db = sim["snr_db"] + profile["snr_offset_db"]
    white_sd = np.sqrt(np.mean(clean**2) / 10 ** (snr_db / 10))
    noise = rng.normal(0.0, white_sd, (n, n_el))
    wander_hz = rng.uniform(0.1, 0.5)
    noise += rng.uniform(0.1, 0.5) * np.sin(2 * np.pi * wander_hz * t_s + rng.uniform(0, 2 * np.pi))[:, None]
    noise += rng.uniform(0.02, 0.15) * np.sin(2 * np.pi * sim["mains_hz"] * t_s)[:, None]
    v_times = np.arange(rng.uniform(0, profile["v_cycle_ms"]), t_ms[-1], profile["v_cycle_ms"])
    far_field = np.zeros(n)
    for tv in v_times:
        far_field -= np.exp(-0.5 * ((t_ms - tv) / 20.0) ** 2) * (t_ms - tv) / 20.0
    noise += far_field[:, None] * rng.uniform(0.2, 1.0, n_el)
    return noise


def simulate_dataset(config: dict, out_dir: str | Path) -> list[str]:
    """Write every simulated record (.hea/.dat/.atr), a RECORDS file and truth.csv; return names."""
    sim = config["simulate"]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = simulated_record_names(sim["n_patients"], sim["records_per_patient"])
    rng = np.random.default_rng(sim["seed"])
    profiles = {}
    truth_rows: list[dict] = []
    channels = [f"E{i + 1:02d}" for i in range(sim["n_electrodes"])]
    for name in names:
        patient = name.split("_")[0]
        profile = profiles.setdefault(patient, _patient_profile(rng))
        signal, truth = simulate_record(profile, sim, rng)
        wfdb.wrsamp(
            name, fs=sim["fs_hz"], units=["mV"] * len(channels), sig_name=channels,
            p_signal=signal.astype(np.float64), fmt=["16"] * len(channels), write_dir=str(out_dir),
            comments=[f"patient: {patient}", "synthetic unipolar epicardial electrograms (signalrnn)"],
        )
        wfdb.wrann(
            name, "atr", np.array([r["sample"] for r in truth]),
            symbol=[ACTIVATION_SYMBOL] * len(truth), chan=np.array([r["channel"] for r in truth]),
            aux_note=[r["class"] for r in truth], fs=sim["fs_hz"], write_dir=str(out_dir),
        )
        truth_rows += [{"record": name, **row} for row in truth]
        print(f"simulate: {name}: {len(truth)} potentials on {len(channels)} electrodes", flush=True)
    with open(out_dir / TRUTH_FILE, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(truth_rows[0]))
        writer.writeheader()
        writer.writerows(truth_rows)
    (out_dir / "RECORDS").write_text("\n".join(names) + "\n")
    return names
