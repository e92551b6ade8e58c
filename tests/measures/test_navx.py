"""EnSite NavX CFE-mean and CFE-SD."""

from __future__ import annotations

import math
import warnings

import pytest

from signalrnn.measures import UnreliableSegmentWarning, cfe_mean

from .signals import FS_HZ, deflection_train, white_noise


def test_a_regular_train_every_150_ms_has_cfe_mean_150_ms_and_almost_no_spread():
    result = cfe_mean(deflection_train(6.0, 150.0), FS_HZ)
    assert result.cfe_mean_ms == pytest.approx(150.0, abs=1.0)
    assert result.cfe_sd_ms < 2.0
    assert result.n_deflections == 40
    assert result.reliable
    assert not result.is_cfae  # 150 ms > the NavX default 120 ms


@pytest.mark.parametrize(("cycle_ms", "cfae", "cfae_revised"), [(100.0, True, False), (70.0, True, True)])
def test_the_default_and_the_revised_cfae_cut_offs(cycle_ms, cfae, cfae_revised):
    result = cfe_mean(deflection_train(6.0, cycle_ms), FS_HZ)
    assert result.cfe_mean_ms == pytest.approx(cycle_ms, abs=1.0)
    assert result.is_cfae is cfae  # CFE-mean <= 120 ms
    assert result.is_cfae_revised is cfae_revised  # CFE-mean <= 84 ms and CFE-SD <= 47 ms


def test_a_segment_shorter_than_5_s_is_computed_but_flagged_and_warned():
    with pytest.warns(UnreliableSegmentWarning, match="unreliable"):
        result = cfe_mean(deflection_train(2.0, 150.0), FS_HZ)
    assert not result.reliable
    assert result.duration_s == pytest.approx(2.0)
    assert result.cfe_mean_ms == pytest.approx(150.0, abs=1.0)


def test_a_5_s_segment_is_reliable_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cfe_mean(deflection_train(5.0, 150.0), FS_HZ).reliable


def test_deflections_inside_the_refractory_period_do_not_shorten_cfe_mean():
    x = deflection_train(6.0, 150.0, extra_offsets_ms=(20.0,))
    assert cfe_mean(x, FS_HZ).cfe_mean_ms == pytest.approx(150.0, abs=1.0)
    short_refractory = cfe_mean(x, FS_HZ, refractory_ms=10.0)
    assert short_refractory.cfe_mean_ms == pytest.approx(75.0, abs=1.0)
    assert short_refractory.cfe_sd_ms == pytest.approx(55.0, abs=2.0)  # alternating 20 and 130 ms


def test_without_two_deflections_cfe_mean_is_nan():
    result = cfe_mean(white_noise(6.0), FS_HZ)
    assert result.n_deflections == 0
    assert math.isnan(result.cfe_mean_ms)
    assert math.isnan(result.cfe_sd_ms)
    assert not result.is_cfae


def test_cfe_mean_of_an_uncalibrated_recording_with_noise_relative_sensitivity():
    x = deflection_train(6.0, 120.0)
    assert cfe_mean(1000.0 * x, FS_HZ).cfe_mean_ms == pytest.approx(cfe_mean(x, FS_HZ).cfe_mean_ms)
    calibrated = cfe_mean(x, FS_HZ, sensitivity_mv=0.04)
    assert calibrated.threshold_source == "mv"
    assert calibrated.cfe_mean_ms == pytest.approx(120.0, abs=1.0)
