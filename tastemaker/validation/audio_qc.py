"""Measure one audio file in a single streaming pass, with bounded memory.

Only measurements live here; verdicts (too short, too loud, ...) are made from them in
audio_rules.py, so changing a threshold never requires decoding the audio again.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pyloudnorm
import soxr

from tastemaker.audio.reader import open_audio

BLOCK_FRAMES = 1 << 16
# Bump when the way measurements are computed changes, to invalidate cached ones.
MEASUREMENT_VERSION = 1


@dataclass(frozen=True)
class MeasureSettings:
    silence_threshold_dbfs: float
    clip_level: float
    loudness_window_s: float
    true_peak_oversampling: int


@dataclass
class AudioMeasurement:
    format: str
    sample_rate: int
    channels: int
    duration_measured_s: float
    clipped_share: float
    leading_silence_s: float
    trailing_silence_s: float
    loudness_lufs: float  # NaN when too short or silent to measure
    true_peak_dbtp: float  # NaN for digital silence

    def to_record(self) -> dict:
        return asdict(self)


def measure_audio(path: Path, settings: MeasureSettings) -> AudioMeasurement:
    """Decode `path` block by block; the readers detect the format from the content, so a
    renamed or mislabelled file is judged by what it is. Loudness is integrated over the
    first `loudness_window_s` seconds, which covers whole songs while capping memory."""
    with open_audio(path) as audio:
        rate, channels = audio.samplerate, audio.channels
        silence_level = 10 ** (settings.silence_threshold_dbfs / 20)
        oversampler = soxr.ResampleStream(rate, rate * settings.true_peak_oversampling, channels)
        loudness_frames_left = int(settings.loudness_window_s * rate)
        loudness_blocks = []
        first_sound = last_sound = None
        clipped = peak = 0.0
        frames = 0
        for block in audio.blocks(BLOCK_FRAMES):
            magnitude = np.abs(block)
            sounding = np.flatnonzero(magnitude.max(axis=1) > silence_level)
            if sounding.size:
                first_sound = frames + sounding[0] if first_sound is None else first_sound
                last_sound = frames + sounding[-1]
            clipped += np.count_nonzero(magnitude >= settings.clip_level)
            peak = max(peak, _peak(oversampler.resample_chunk(block)))
            if loudness_frames_left > 0:
                loudness_blocks.append(block[:loudness_frames_left])
                loudness_frames_left -= len(loudness_blocks[-1])
            frames += len(block)
        peak = max(
            peak, _peak(oversampler.resample_chunk(np.zeros((0, channels), dtype="float32"), last=True))
        )
        format_name = audio.format
    leading_silence, trailing_silence = (
        (frames, frames) if first_sound is None else (first_sound, frames - 1 - last_sound)
    )
    return AudioMeasurement(
        format=format_name,
        sample_rate=rate,
        channels=channels,
        duration_measured_s=frames / rate,
        clipped_share=clipped / max(frames * channels, 1),
        leading_silence_s=leading_silence / rate,
        trailing_silence_s=trailing_silence / rate,
        loudness_lufs=_integrated_loudness(loudness_blocks, rate),
        true_peak_dbtp=20 * math.log10(peak) if peak > 0 else math.nan,
    )


def measure_or_error(job: tuple[Path, MeasureSettings]) -> AudioMeasurement | str:
    """Worker entry point: a decoding error comes back as its one-line message rather than
    as an exception, which may not survive the trip between processes."""
    path, settings = job
    try:
        return measure_audio(path, settings)
    except Exception as error:  # noqa: BLE001 - libsndfile raises several types for "not audio"
        return " ".join(str(error).split()) or type(error).__name__


def _peak(samples: np.ndarray) -> float:
    return float(np.abs(samples).max()) if samples.size else 0.0


def _integrated_loudness(blocks: list[np.ndarray], rate: int) -> float:
    if not blocks:
        return math.nan
    signal = np.concatenate(blocks).astype("float64")
    try:
        loudness = pyloudnorm.Meter(rate).integrated_loudness(signal)
    except ValueError:  # shorter than one 400 ms gating block
        return math.nan
    return float(loudness) if math.isfinite(loudness) else math.nan
