"""Measure a style from real audio, for worlds built around a user's own files (`--audio-dir`).

Each measure maps onto one style axis of the simulator, on the same 0..1 scale where the
axis has one, so measured tracks can sit in the same sound space as synthesized ones.
"""

from __future__ import annotations

import numpy as np

ANALYSIS_RATE = 22_050

# Krumhansl-Kessler key profiles: how strongly each pitch class belongs to a major / minor key
# whose tonic is pitch class 0.
MAJOR_PROFILE = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR_PROFILE = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


def estimate_tempo(samples: np.ndarray, sample_rate: int) -> float:
    """Beats per minute from the onset envelope (librosa's tempo estimator)."""
    import librosa

    return float(librosa.feature.tempo(y=samples, sr=sample_rate)[0])


def estimate_key_mode(samples: np.ndarray, sample_rate: int) -> tuple[int, str]:
    """(tonic pitch class, "major" | "minor") whose key profile best correlates with the mean chroma."""
    import librosa

    chroma = librosa.feature.chroma_cqt(y=samples, sr=sample_rate).mean(axis=1)
    best = (-2.0, 0, "major")
    for tonic in range(12):
        for mode, profile in (("major", MAJOR_PROFILE), ("minor", MINOR_PROFILE)):
            score = float(np.corrcoef(chroma, np.roll(profile, tonic))[0, 1])
            best = max(best, (score, tonic, mode))
    return best[1], best[2]


def measure_style(samples: np.ndarray, sample_rate: int) -> dict[str, float | int | str]:
    """All style axes of one mono signal; call with audio resampled to ANALYSIS_RATE."""
    import librosa

    key, mode = estimate_key_mode(samples, sample_rate)
    centroid = float(np.mean(librosa.feature.spectral_centroid(y=samples, sr=sample_rate)))
    harmonic, percussive = librosa.effects.hpss(samples)
    percussive_share = float(np.sum(percussive**2) / (np.sum(harmonic**2) + np.sum(percussive**2) + 1e-12))
    rms_db = 20 * np.log10(np.sqrt(np.mean(samples**2)) + 1e-9)
    flatness = float(np.mean(librosa.feature.spectral_flatness(y=samples)))
    frame_rms = librosa.feature.rms(y=samples)[0] + 1e-9
    # Reverb fills the quiet moments: the quietest tenth of frames stays closer to the loudest.
    floor_db = 20 * np.log10(np.percentile(frame_rms, 10) / np.percentile(frame_rms, 90))
    return {
        "tempo_bpm": round(estimate_tempo(samples, sample_rate), 1),
        "key": key,
        "mode": mode,
        "brightness": float(np.clip(centroid / 4000.0, 0, 1)),
        "percussiveness": float(np.clip(percussive_share * 2, 0, 1)),
        "energy": float(np.clip((rms_db + 30) / 22, 0, 1)),
        "acousticness": float(np.clip(1 - flatness * 20, 0, 1)),
        "space": float(np.clip((floor_db + 30) / 25, 0, 1)),
    }
