"""Audio QC measurements on generated tones, and isolation of decoder crashes."""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile
from fixtures.validation_landing import tone_params, write_tone

from tastemaker.audio.reader import DecodeError
from tastemaker.validation.audio_qc import MeasureSettings, measure_audio
from tastemaker.validation.audio_rules import audio_findings
from tastemaker.validation.isolation import Crashed, map_isolated
from tastemaker.validation.qc_cache import record_of
from tests.conftest import write_aac

SETTINGS = MeasureSettings(
    silence_threshold_dbfs=-60, clip_level=0.999, loudness_window_s=420, true_peak_oversampling=4
)


def test_tone_measurements(tmp_path: Path):
    path = write_tone(
        tmp_path / "tone.wav",
        seconds=3,
        rate=48000,
        channels=1,
        amplitude=0.5,
        frequency=1000,
        leading_silence_s=1.25,
        trailing_silence_s=0.5,
    )

    measured = measure_audio(path, SETTINGS)

    assert (measured.sample_rate, measured.channels, measured.format) == (48000, 1, "WAV")
    assert measured.duration_measured_s == pytest.approx(4.75, abs=1e-3)
    assert measured.leading_silence_s == pytest.approx(1.25, abs=0.01)
    assert measured.trailing_silence_s == pytest.approx(0.5, abs=0.01)
    assert measured.true_peak_dbtp == pytest.approx(20 * math.log10(0.5), abs=0.1)
    assert measured.clipped_share == 0
    # A 1 kHz sine at -6 dBFS peak reads about -9 LUFS (BS.1770 K-weighting is ~0 dB at 1 kHz, mono).
    assert measured.loudness_lufs == pytest.approx(-9.0, abs=1.0)


def test_true_peak_sees_inter_sample_peaks(tmp_path: Path):
    # A quarter-rate sine sampled at 45 degrees never hits its crest: sample peak 0.707, true peak 1.0.
    rate = 44100
    samples = np.sin(2 * np.pi * (rate / 4) * np.arange(rate * 2) / rate + np.pi / 4) * 0.9
    path = tmp_path / "isp.wav"
    soundfile.write(path, samples, rate, subtype="FLOAT")

    measured = measure_audio(path, SETTINGS)

    assert np.abs(samples).max() < 0.65
    assert measured.true_peak_dbtp > 20 * math.log10(0.85)


def test_clipping_share_counts_full_scale_samples(tmp_path: Path):
    measured = measure_audio(write_tone(tmp_path / "hot.wav", amplitude=2.0, channels=1), SETTINGS)
    # |2 sin| >= 1 wherever |sin| >= 1/2: two thirds of each period.
    assert measured.clipped_share == pytest.approx(2 / 3, abs=0.02)


def test_loudness_window_bounds_what_is_integrated(tmp_path: Path):
    rate = 44100
    quiet_then_loud = np.concatenate([0.01 * np.ones(rate * 2), 0.8 * np.ones(rate * 2)])
    noise = np.random.default_rng(0).standard_normal(rate * 4)
    path = tmp_path / "ramp.wav"
    soundfile.write(path, quiet_then_loud * noise / 4, rate)
    windowed = MeasureSettings(-60, 0.999, loudness_window_s=2, true_peak_oversampling=4)

    assert measure_audio(path, windowed).loudness_lufs < measure_audio(path, SETTINGS).loudness_lufs - 20


def test_format_is_recognised_by_content_not_extension(tmp_path: Path):
    flac_named_mp3 = write_tone(tmp_path / "actually_flac.mp3", format="FLAC")
    assert measure_audio(flac_named_mp3, SETTINGS).format == "FLAC"

    fake = tmp_path / "fake.wav"
    fake.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" + os.urandom(64))
    with pytest.raises(DecodeError, match="Invalid data"):
        measure_audio(fake, SETTINGS)


def test_aac_in_m4a_is_measured_through_ffmpeg(tmp_path: Path):
    path = write_aac(tmp_path / "track.m4a", seconds=12)
    with pytest.raises(soundfile.LibsndfileError):
        soundfile.info(path)
    measured = measure_audio(path, SETTINGS)
    assert "mp4" in measured.format and (measured.sample_rate, measured.channels) == (44100, 2)
    assert measured.duration_measured_s == pytest.approx(12, abs=0.1)
    # Two channels of a 0.3-amplitude 440 Hz sine: -0.691 + 10 log10(2 * 0.3**2 / 2) = -11.15 LUFS.
    assert measured.loudness_lufs == pytest.approx(-11.15, abs=0.3)


def test_verdicts_come_from_params_not_from_measuring(tmp_path: Path):
    record = record_of(measure_audio(write_tone(tmp_path / "short.wav", seconds=6), SETTINGS))

    assert [rule for rule, _ in audio_findings(record, tone_params(min_duration_s=5))] == []
    assert [rule for rule, _ in audio_findings(record, tone_params(min_duration_s=10))] == ["too_short"]


def _square_or_die(value: int) -> int:
    if value == 3:
        os.abort()  # what a decoder segfault looks like from the outside
    return value * value


@pytest.mark.slow
def test_a_crashing_input_costs_only_its_own_result():
    results = map_isolated(_square_or_die, [2, 3, 4], workers=2)

    assert results[0] == 4 and results[2] == 16
    assert isinstance(results[1], Crashed)


def _square_or_hang(value: int) -> int:
    if value == 3:
        time.sleep(600)  # a decoder stuck in a loop never returns either
    return value * value


@pytest.mark.slow
def test_a_hanging_input_costs_only_its_own_result_and_its_timeout():
    started = time.monotonic()
    results = map_isolated(_square_or_hang, [2, 3, 4], workers=2, timeout_s=2)

    assert results[0] == 4 and results[2] == 16
    assert isinstance(results[1], Crashed) and "longer than 2 s" in results[1].detail
    assert time.monotonic() - started < 60


def _square_or_die_noting_the_process(job: tuple[int, str]) -> int:
    value, folder = job
    Path(folder, str(os.getpid())).touch()
    return _square_or_die(value)


@pytest.mark.slow
def test_after_a_crash_only_the_inputs_handed_out_are_retried_alone(tmp_path: Path):
    values = [2, 3, *range(4, 14)]
    results = map_isolated(
        _square_or_die_noting_the_process, [(value, str(tmp_path)) for value in values], workers=2
    )

    assert isinstance(results[1], Crashed)
    assert [result for index, result in enumerate(results) if index != 1] == [
        value * value for index, value in enumerate(values) if index != 1
    ]
    # the first pool (2), at most 3 handed-out inputs alone, one more pool (2) for the rest
    assert len(list(tmp_path.iterdir())) <= 7
