"""Events without annotations: sliding windows tile a record; XQRS finds the annotated beats; bipolar
electrograms give one activation per complex and none on the ventricular signal."""

import numpy as np

from signalrnn.data.detect import (
    activation_samples,
    bipolar_activation_samples,
    qrs_samples,
    remove_mains,
    sliding_samples,
    surface_qrs_samples,
)
from signalrnn.io.records import read_annotation, read_record
from signalrnn.measures.spectral import dominant_frequency
from signalrnn.predict import is_surface_lead, qrs_lead


def test_sliding_windows_tile_the_record_and_stay_inside_it():
    samples = sliding_samples(n_samples=100, n_pre=0, n_post=20, step=20)
    assert samples.tolist() == [0, 20, 40, 60, 80]  # the last window ends exactly at sample 100


def test_sliding_windows_overlap_when_the_step_is_shorter_than_the_window():
    samples = sliding_samples(n_samples=100, n_pre=10, n_post=30, step=20)
    assert samples.tolist() == [10, 30, 50, 70]
    assert (samples - 10 >= 0).all() and (samples + 30 <= 100).all()


def test_a_record_shorter_than_one_window_has_no_windows():
    assert sliding_samples(n_samples=10, n_pre=0, n_post=20, step=5).size == 0


def test_xqrs_finds_the_annotated_beats_of_a_real_record(real_data):
    folder = real_data / "mitdb-ds1"
    record = read_record(folder, "101")
    n = int(120 * record.fs_hz)  # two minutes
    found = qrs_samples(record.signal[:n, 0], record.fs_hz)
    ann = read_annotation(folder, "101", "atr")
    beats = ann.sample[(ann.sample < n) & np.isin(ann.symbol, ["N", "A", "V", "Q"])]
    tolerance = int(0.15 * record.fs_hz)  # 150 ms, as in ANSI/AAMI EC57 beat matching
    nearest = np.abs(found[None, :] - beats[:, None]).min(axis=1)
    assert (nearest <= tolerance).mean() > 0.97
    assert abs(len(found) - len(beats)) <= 0.03 * len(beats)


FS_HZ = 1000.0


def bipolar_complexes(onsets_s: np.ndarray, seconds: float, amplitude: float = 1.0,
                      width_ms: float = 3.0, seed: int = 0) -> np.ndarray:
    """A bipolar electrogram: at each onset a biphasic complex of two downstrokes 12 ms apart
    (down, up, down, up: a 'W', as the difference of two neighbouring unipolar potentials can
    give), in white noise of standard deviation 0.02."""
    t = np.arange(int(seconds * FS_HZ)) / FS_HZ
    x = np.random.default_rng(seed).normal(size=t.size) * 0.02
    for onset in onsets_s:
        for delay_s, sign in ((0.0, 1.0), (0.006, -1.0), (0.012, 1.0), (0.018, -1.0)):
            x -= sign * amplitude * np.tanh((t - onset - delay_s) / (width_ms / 1000))
    return x - np.median(x)


def nearest_ms(found: np.ndarray, onsets_s: np.ndarray) -> np.ndarray:
    """Distance (ms) from each onset to the nearest detection."""
    return np.abs(found[None, :] / FS_HZ - onsets_s[:, None]).min(axis=1) * 1000


def test_a_biphasic_bipolar_complex_is_counted_once():
    onsets = np.arange(0.2, 9.8, 0.2)  # flutter-like: 5 Hz, 200 ms cycle
    x = bipolar_complexes(onsets, 10.0)
    found = bipolar_activation_samples(x, FS_HZ)
    assert len(found) == len(onsets)
    assert nearest_ms(found, onsets).max() <= 15  # at one of the complex's two downstrokes
    assert len(activation_samples(x, FS_HZ, refractory_ms=10)) == 2 * len(onsets)  # each downstroke counted


def test_irregular_activations_at_the_channels_own_rate_are_all_found():
    rng = np.random.default_rng(1)
    onsets = np.cumsum(rng.uniform(0.13, 0.22, 60))  # AF-like cycle lengths 130-220 ms
    onsets = onsets[onsets < 9.8]
    found = bipolar_activation_samples(bipolar_complexes(onsets, 10.0, seed=1), FS_HZ)
    assert (nearest_ms(found, onsets) <= 15).mean() >= 0.95 and len(found) <= 1.05 * len(onsets)


def atrial_and_ventricular(seed: int, ventricular_amplitude: float, ventricular_width_ms: float):
    """12 s of AF-like atrial complexes (cycle 130-220 ms) and, at a ventricular rate of 70-100 per
    minute, larger complexes of another width; returns the signal and both onset lists (s)."""
    rng = np.random.default_rng(seed)
    atrial = np.cumsum(rng.uniform(0.13, 0.22, 80))
    qrs_s = np.cumsum(rng.uniform(0.6, 0.9, 20))
    atrial, qrs_s = atrial[atrial < 11.8], qrs_s[qrs_s < 11.8]
    x = bipolar_complexes(atrial, 12.0, seed=seed) + bipolar_complexes(
        qrs_s, 12.0, amplitude=ventricular_amplitude, width_ms=ventricular_width_ms, seed=seed + 1)
    return x, atrial, qrs_s


def test_a_broad_ventricular_far_field_is_not_counted_even_without_a_surface_lead():
    x, atrial, qrs_s = atrial_and_ventricular(2, ventricular_amplitude=5.0, ventricular_width_ms=25.0)
    found = bipolar_activation_samples(x, FS_HZ)
    alone = qrs_s[nearest_ms(np.round(atrial * FS_HZ), qrs_s) > 80]  # no atrial complex nearby
    assert (nearest_ms(found, alone) > 30).all()
    visible = atrial[nearest_ms(np.round(qrs_s * FS_HZ), atrial) > 80]  # not under a ventricular complex
    assert (nearest_ms(found, visible) <= 15).mean() >= 0.95


def test_a_sharp_ventricular_complex_at_the_qrs_is_not_counted_as_an_atrial_activation():
    x, atrial, qrs_s = atrial_and_ventricular(2, ventricular_amplitude=10.0, ventricular_width_ms=3.0)
    qrs = np.round(qrs_s * FS_HZ).astype(int)
    without_qrs = bipolar_activation_samples(x, FS_HZ)
    assert (nearest_ms(without_qrs, qrs_s) <= 30).mean() >= 0.8  # the construction has a ventricular signal
    found = bipolar_activation_samples(x, FS_HZ, qrs)
    assert (nearest_ms(found, qrs_s) > 30).all()
    visible = atrial[nearest_ms(qrs, atrial) > 80]  # not under a ventricular complex
    assert (nearest_ms(found, visible) <= 15).mean() >= 0.95


def test_atrial_activations_at_qrs_times_stay_on_a_channel_without_ventricular_signal():
    onsets = np.arange(0.2, 9.8, 0.25)  # flutter with 4:1 conduction: every fourth at a QRS
    qrs = np.round(onsets[::4] * FS_HZ).astype(int) + 5
    found = bipolar_activation_samples(bipolar_complexes(onsets, 10.0), FS_HZ, qrs)
    assert len(found) == len(onsets)


def test_mains_interference_is_notched_out_before_detection():
    onsets = np.arange(0.2, 9.8, 0.2)
    t = np.arange(int(10 * FS_HZ)) / FS_HZ
    mains = 0.5 * np.sin(2 * np.pi * 60.3 * t) + 0.2 * np.sin(2 * np.pi * 180.9 * t)  # drifted 60 Hz
    found = bipolar_activation_samples(bipolar_complexes(onsets, 10.0) + mains, FS_HZ)
    found = found[(found > 0.1 * FS_HZ) & (found < 9.9 * FS_HZ)]  # the notches' edge transients
    assert len(found) == len(onsets) and nearest_ms(found, onsets).max() <= 15
    clean = bipolar_complexes(onsets, 10.0)
    assert np.array_equal(remove_mains(clean, FS_HZ), clean)  # no line, nothing notched


def test_surface_qrs_complexes_are_found_at_any_gain():
    beats_s = np.arange(0.5, 19.5, 0.8)
    t = np.arange(int(20 * FS_HZ)) / FS_HZ
    ecg = sum(np.exp(-0.5 * ((t - b) / 0.01) ** 2) for b in beats_s) + 0.3 * np.sin(2 * np.pi * 0.3 * t)
    for gain in (1e-3, 1.0, 3277.0):  # IAFDB's nominal, uncalibrated gain among them
        found = surface_qrs_samples(gain * ecg, FS_HZ)
        assert len(found) == len(beats_s) and nearest_ms(found, beats_s).max() <= 20


def test_bipolar_activations_agree_with_the_dominant_frequency_of_real_recordings(real_data):
    """One flutter and one AF recording of IAFDB, every bipolar channel (not their rhythm labels)."""
    for name in ("iaf5_tva", "iaf2_tva"):
        record = read_record(real_data / "iafdb", name)
        lead = record.channels.index(qrs_lead(record.channels))
        qrs = surface_qrs_samples(record.signal[:, lead].astype(float), record.fs_hz)
        seconds = len(record.signal) / record.fs_hz
        for i, channel in enumerate(record.channels):
            if is_surface_lead(channel):
                continue
            x = record.signal[:, i].astype(float)
            rate = len(bipolar_activation_samples(x, record.fs_hz, qrs)) / seconds
            df_hz = dominant_frequency(x, record.fs_hz)
            print(f"{name} {channel}: {rate:.2f} activations/s, DF {df_hz:.2f} Hz")
            assert abs(rate / df_hz - 1) <= 0.25, (name, channel, rate, df_hz)
