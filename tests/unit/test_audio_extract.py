"""Decoding and per-track descriptors, checked on synthesised signals whose tempo, key and level we know."""

from pathlib import Path

import numpy as np
import pytest
import soundfile

from tastemaker.audio.decode import analysis_windows, load_analysis_signal
from tastemaker.audio.extract import TAG_COLUMNS, analyse_signal, feature_columns
from tastemaker.audio.params import FeaturesParams
from tastemaker.audio.reader import DecodeError
from tests.conftest import write_aac

SR = 22050
PARAMS = FeaturesParams()
# Semitones above the tonic of the I-IV-V(-vi) triads of a major key, and i-iv-v of a minor one.
MAJOR_CHORDS = [(0, 4, 7), (5, 9, 12), (7, 11, 14), (0, 4, 7)]
MINOR_CHORDS = [(0, 3, 7), (5, 8, 12), (7, 10, 14), (0, 3, 7)]


def tone(freq: float, seconds: float, sr: int = SR) -> np.ndarray:
    """A note with a few harmonics, so chroma sees a realistic spectrum rather than a pure sine."""
    t = np.arange(int(seconds * sr)) / sr
    return sum(np.sin(2 * np.pi * freq * h * t) / h for h in (1, 2, 3)).astype(np.float32)


def chord_progression(tonic_midi: int, chords, seconds_per_chord: float = 2.0) -> np.ndarray:
    parts = []
    for chord in chords:
        freqs = [440.0 * 2 ** ((tonic_midi + s - 69) / 12) for s in chord]
        parts.append(sum(tone(f, seconds_per_chord) for f in freqs) / 6)
    return np.concatenate(parts)


def click_track(bpm: float, seconds: float, sr: int = SR) -> np.ndarray:
    """Short decaying noise bursts on every beat."""
    signal = np.zeros(int(seconds * sr), dtype=np.float32)
    burst = np.random.default_rng(1).standard_normal(int(0.03 * sr)) * np.exp(
        -np.linspace(0, 8, int(0.03 * sr))
    )
    for start in (np.arange(0, seconds, 60.0 / bpm) * sr).astype(int):
        chunk = signal[start : start + len(burst)]
        chunk += burst[: len(chunk)].astype(np.float32) * 0.5
    return signal


def test_short_tracks_are_analysed_whole_and_long_ones_on_centred_windows():
    assert analysis_windows(20.0, 30.0, 30.0) == [(0.0, 20.0)]
    single = analysis_windows(200.0, 30.0, 30.0)
    assert single == [(85.0, 30.0)]
    spread = analysis_windows(300.0, 10.0, 30.0)
    assert [round(start) for start, _ in spread] == [70, 145, 220]
    assert sum(length for _, length in spread) == pytest.approx(30.0)


def test_stereo_44k_ogg_is_decoded_to_mono_at_the_analysis_rate(tmp_path: Path):
    left = tone(440.0, 3.0, sr=44100)
    path = tmp_path / "a.ogg"
    soundfile.write(path, np.stack([left, left], axis=1) * 0.3, 44100, format="OGG", subtype="VORBIS")

    signal = load_analysis_signal(path, SR, segment_s=30, max_analysis_s=30)

    assert signal.samples.ndim == 1 and signal.samples.dtype == np.float32
    assert abs(len(signal.samples) - 3 * SR) < SR * 0.01
    assert signal.track_duration_s == pytest.approx(3.0, abs=0.01)
    spectrum = np.abs(np.fft.rfft(signal.samples))
    assert np.fft.rfftfreq(len(signal.samples), 1 / SR)[np.argmax(spectrum)] == pytest.approx(440.0, abs=2)


def test_only_the_analysis_window_of_a_long_file_is_decoded(tmp_path: Path):
    path = tmp_path / "long.wav"
    soundfile.write(path, tone(220.0, 50.0, sr=16000) * 0.2, 16000)

    signal = load_analysis_signal(path, SR, segment_s=5, max_analysis_s=10)

    assert signal.track_duration_s == pytest.approx(50.0)
    assert abs(len(signal.samples) - 10 * SR) < SR * 0.01


def test_a_file_that_is_not_audio_raises_a_decode_error(tmp_path: Path):
    path = tmp_path / "broken.ogg"
    path.write_bytes(b"OggS but not really" * 10)
    with pytest.raises(DecodeError):
        load_analysis_signal(path, SR, 30, 30)


def test_every_feature_is_finite_and_in_the_documented_order():
    analysis = analyse_signal(chord_progression(60, MAJOR_CHORDS) + click_track(120, 8.0), PARAMS)
    assert list(analysis.features) == feature_columns(PARAMS)
    assert np.all(np.isfinite(list(analysis.features.values())))
    assert tuple(analysis.tags) == TAG_COLUMNS


def test_silence_yields_finite_features_and_the_silence_loudness():
    analysis = analyse_signal(np.zeros(3 * SR, dtype=np.float32), PARAMS)
    assert np.all(np.isfinite(list(analysis.features.values())))
    assert analysis.tags["loudness_lufs"] == -70.0


@pytest.mark.parametrize("bpm", [72.0, 100.0, 128.0, 174.0])
def test_tempo_of_a_click_track_is_found_within_four_percent(bpm: float):
    tags = analyse_signal(click_track(bpm, 20.0), PARAMS).tags
    octave_equivalents = np.array([bpm / 2, bpm, bpm * 2])
    assert np.min(np.abs(tags["bpm"] / octave_equivalents - 1)) < 0.04
    assert tags["bpm_confidence"] > 0.5


def test_noise_has_a_lower_tempo_confidence_than_a_steady_pulse():
    noise = np.random.default_rng(0).standard_normal(20 * SR).astype(np.float32) * 0.1
    assert (
        analyse_signal(noise, PARAMS).tags["bpm_confidence"]
        < analyse_signal(click_track(100, 20), PARAMS).tags["bpm_confidence"]
    )


@pytest.mark.parametrize(
    ("tonic_midi", "chords", "key", "mode"),
    [
        (60, MAJOR_CHORDS, "C", "major"),
        (67, MAJOR_CHORDS, "G", "major"),
        (57, MINOR_CHORDS, "A", "minor"),
        (62, MINOR_CHORDS, "D", "minor"),
    ],
)
def test_key_and_mode_of_a_chord_progression(tonic_midi, chords, key, mode):
    tags = analyse_signal(chord_progression(tonic_midi, chords), PARAMS).tags
    assert (tags["key"], tags["mode"]) == (key, mode)
    assert 0 < tags["mode_confidence"] <= 1


def test_doubling_the_amplitude_adds_six_db_of_loudness_and_more_energy():
    quiet = chord_progression(60, MAJOR_CHORDS) * 0.1
    quiet_tags = analyse_signal(quiet, PARAMS).tags
    loud_tags = analyse_signal(quiet * 2, PARAMS).tags
    assert loud_tags["loudness_lufs"] - quiet_tags["loudness_lufs"] == pytest.approx(6.02, abs=0.1)
    assert loud_tags["energy"] > quiet_tags["energy"]


def test_spectrogram_and_spectral_shapes_match_librosa_definitions():
    import librosa

    from tastemaker.audio.spectrum import (
        BandedFilterBank,
        magnitude_frames,
        spectral_contrast,
        spectral_flatness,
        spectral_moments,
        spectral_rolloff,
    )

    signal = chord_progression(57, MINOR_CHORDS) + click_track(110, 8.0)
    reference = np.abs(librosa.stft(signal, n_fft=PARAMS.n_fft, hop_length=PARAMS.hop_length))
    magnitude = magnitude_frames(signal, PARAMS.n_fft, PARAMS.hop_length)
    np.testing.assert_allclose(magnitude.T, reference, atol=1e-4 * reference.max())
    frequencies = librosa.fft_frequencies(sr=SR).astype(np.float32)
    centroid, bandwidth = spectral_moments(magnitude, frequencies)
    np.testing.assert_allclose(centroid, librosa.feature.spectral_centroid(S=reference, sr=SR)[0], rtol=1e-3)
    np.testing.assert_allclose(
        bandwidth, librosa.feature.spectral_bandwidth(S=reference, sr=SR)[0], rtol=1e-3
    )
    np.testing.assert_allclose(
        spectral_rolloff(magnitude, frequencies),
        librosa.feature.spectral_rolloff(S=reference, sr=SR),
        rtol=1e-4,
    )
    np.testing.assert_allclose(
        spectral_flatness(magnitude**2), librosa.feature.spectral_flatness(S=reference), rtol=1e-3, atol=1e-9
    )
    np.testing.assert_allclose(
        spectral_contrast(magnitude, frequencies),
        librosa.feature.spectral_contrast(S=magnitude.T, sr=SR, freq=frequencies),
        rtol=1e-5,
    )
    mel = librosa.filters.mel(sr=SR, n_fft=PARAMS.n_fft, n_mels=PARAMS.n_mels, dtype=np.float32)
    power = magnitude**2
    np.testing.assert_allclose(
        BandedFilterBank.from_dense(mel).apply(power),
        mel @ power.T,
        rtol=1e-4,
        atol=1e-6 * float((mel @ power.T).max()),
    )


def test_aac_in_m4a_is_decoded_through_ffmpeg_window_by_window(tmp_path: Path):
    path = write_aac(tmp_path / "long.m4a", seconds=60, freq=440.0)
    signal = load_analysis_signal(path, SR, segment_s=10, max_analysis_s=20)
    assert signal.track_duration_s == pytest.approx(60, abs=0.1)
    assert len(signal.samples) == pytest.approx(20 * SR, abs=0.01 * SR)  # two 10 s windows, not the file
    spectrum = np.abs(np.fft.rfft(signal.samples[SR : 2 * SR]))
    assert np.argmax(spectrum) == pytest.approx(440, abs=2)  # 1 Hz bins over one second
