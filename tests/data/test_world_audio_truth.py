"""Done-when 2: what librosa hears in the synthesized audio matches each track's true style."""

import numpy as np
import pandas as pd
import pytest
import soundfile as sf
import soxr

from tastemaker.world import generate_world, truth_dir_for
from tastemaker.world.measure import ANALYSIS_RATE, estimate_key_mode, estimate_tempo


def tempo_matches(estimated, true_bpm):
    return any(abs(estimated / true_bpm - factor) / factor <= 0.04 for factor in (0.5, 1.0, 2.0))


def agreement(landing, truth):
    tracks = pd.read_parquet(truth / "tracks.parquet")
    tempo_hits = mode_hits = 0
    for track in tracks.itertuples():
        samples, rate = sf.read(landing / "audio" / track.audio_file, dtype="float32", always_2d=True)
        mono = soxr.resample(samples.mean(axis=1), rate, ANALYSIS_RATE)
        tempo_hits += tempo_matches(estimate_tempo(mono, ANALYSIS_RATE), track.tempo_bpm)
        mode_hits += estimate_key_mode(mono, ANALYSIS_RATE)[1] == track.mode
    return tempo_hits / len(tracks), mode_hits / len(tracks)


@pytest.mark.slow
def test_tempo_and_mode_are_audible_in_the_tiny_world(tmp_path):
    summary = generate_world(tmp_path / "w", preset="tiny", seed=5)
    tempo_share, mode_share = agreement(summary.landing, summary.truth)
    assert tempo_share >= 0.9
    assert mode_share >= 0.8


@pytest.mark.slow
def test_tempo_and_mode_are_audible_in_the_demo_world(demo_taken_in):
    landing = demo_taken_in / "data" / "landing"
    tempo_share, mode_share = agreement(landing, truth_dir_for(landing))
    print(f"demo: tempo agrees for {tempo_share:.1%}, mode for {mode_share:.1%}")
    assert tempo_share >= 0.9
    assert mode_share >= 0.8


def test_brightness_raises_the_spectral_centroid(tmp_path):
    import librosa

    from tastemaker.world.synth import render_track

    style = {
        "tempo_bpm": 110,
        "key": 2,
        "mode": "major",
        "percussiveness": 0.5,
        "energy": 0.6,
        "acousticness": 0.3,
    }
    centroids = []
    for brightness in (0.1, 0.9):
        audio = render_track({**style, "brightness": brightness}, 6.0, 22_050, 1, seed=[1])
        centroids.append(np.mean(librosa.feature.spectral_centroid(y=audio[:, 0], sr=22_050)))
    assert centroids[1] > 1.3 * centroids[0]
