"""Turn one audio file into the mono signal the extractor analyses, holding only that window in memory.

A track is decoded once: blocks are read from disk, mixed to mono and streamed through a single soxr
resampler, so a 20-minute WAV costs no more memory than a 3-minute Ogg. Long tracks are analysed on a few
windows spread over their body (intros and fade-outs say little about a track's style).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile
import soxr

# Frames read from disk per step: large enough to amortise the call, small enough to stay a few MB.
_BLOCK_FRAMES = 65536


class DecodeError(RuntimeError):
    """The file could not be turned into audio samples."""


@dataclass(frozen=True)
class AnalysisSignal:
    samples: np.ndarray  # float32 mono at the analysis rate, the analysed windows joined end to end
    track_duration_s: float  # the whole file, not just the analysed part


def analysis_windows(duration_s: float, segment_s: float, max_analysis_s: float) -> list[tuple[float, float]]:
    """(start, length) in seconds of the windows to analyse, centred at evenly spaced points of the track."""
    if duration_s <= max_analysis_s:
        return [(0.0, duration_s)]
    count = max(1, math.ceil(max_analysis_s / segment_s))
    length = max_analysis_s / count
    centres = [duration_s * (i + 1) / (count + 1) for i in range(count)]
    return [(min(max(0.0, c - length / 2), duration_s - length), length) for c in centres]


def load_analysis_signal(
    path: Path, analysis_sr: int, segment_s: float, max_analysis_s: float
) -> AnalysisSignal:
    """Decode the analysis windows of `path`; libsndfile first, then audioread for formats it cannot read."""
    try:
        signal = _load_with_soundfile(path, analysis_sr, segment_s, max_analysis_s)
    except (soundfile.LibsndfileError, RuntimeError, ValueError) as soundfile_error:
        try:
            signal = _load_with_audioread(path, analysis_sr, segment_s, max_analysis_s)
        except Exception as fallback_error:  # noqa: BLE001 - audioread raises many unrelated types
            raise DecodeError(
                f"cannot decode audio ({soundfile_error}; fallback: {fallback_error})"
            ) from None
    if signal.samples.size == 0:
        raise DecodeError("the file contains no audio samples")
    return signal


def _load_with_soundfile(
    path: Path, analysis_sr: int, segment_s: float, max_analysis_s: float
) -> AnalysisSignal:
    with soundfile.SoundFile(path) as audio:
        if audio.frames <= 0:
            raise DecodeError("libsndfile reports no frames")
        duration_s = audio.frames / audio.samplerate
        pieces = []
        for start_s, length_s in analysis_windows(duration_s, segment_s, max_analysis_s):
            audio.seek(int(start_s * audio.samplerate))
            pieces.append(_read_resampled(audio, int(length_s * audio.samplerate), analysis_sr))
    return AnalysisSignal(np.concatenate(pieces), duration_s)


def _read_resampled(audio: soundfile.SoundFile, frame_count: int, analysis_sr: int) -> np.ndarray:
    """Read `frame_count` frames from the current position as mono at `analysis_sr`, block by block."""
    resampler = None
    if audio.samplerate != analysis_sr:
        resampler = soxr.ResampleStream(audio.samplerate, analysis_sr, 1, dtype="float32")
    pieces = []
    remaining = frame_count
    while remaining > 0:
        block = audio.read(min(_BLOCK_FRAMES, remaining), dtype="float32", always_2d=True)
        if len(block) == 0:
            break
        remaining -= len(block)
        mono = _mix_to_mono(block)
        pieces.append(resampler.resample_chunk(mono) if resampler else mono)
    if resampler:
        pieces.append(resampler.resample_chunk(np.zeros(0, dtype=np.float32), last=True))
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)


def _mix_to_mono(block: np.ndarray) -> np.ndarray:
    """Average the channels of a (frames, channels) block; column by column, as a strided
    `block.mean(axis=1)` is some thirty times slower on interleaved audio."""
    mono = block[:, 0].copy()
    for channel in range(1, block.shape[1]):
        mono += block[:, channel]
    if block.shape[1] > 1:
        mono *= np.float32(1.0 / block.shape[1])
    return mono


def _load_with_audioread(
    path: Path, analysis_sr: int, segment_s: float, max_analysis_s: float
) -> AnalysisSignal:
    """Fallback for containers libsndfile lacks (e.g. AAC); needs an audioread backend such as ffmpeg."""
    import librosa
    import mutagen

    tags = mutagen.File(path)
    if tags is None or not getattr(tags.info, "length", 0):
        raise DecodeError("unknown audio format")
    duration_s = float(tags.info.length)
    pieces = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # librosa warns that it fell back to audioread; we know
        for start_s, length_s in analysis_windows(duration_s, segment_s, max_analysis_s):
            samples, _ = librosa.load(path, sr=analysis_sr, mono=True, offset=start_s, duration=length_s)
            pieces.append(samples.astype(np.float32, copy=False))
    return AnalysisSignal(np.concatenate(pieces), duration_s)
