"""Turn one audio file into the mono signal the extractor analyses, holding only that window in memory.

A track is decoded once: blocks are read from disk, mixed to mono and streamed through a single soxr
resampler, so a 20-minute WAV costs no more memory than a 3-minute Ogg. Long tracks are analysed on a few
windows spread over their body (intros and fade-outs say little about a track's style).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soxr

from tastemaker.audio.reader import AudioReader, DecodeError, open_audio

# Frames read from disk per step: large enough to amortise the call, small enough to stay a few MB.
_BLOCK_FRAMES = 65536


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
    """Decode the analysis windows of `path` (libsndfile first, then FFmpeg: see `open_audio`)."""
    with open_audio(path) as audio:
        if audio.frames <= 0:
            raise DecodeError("the file reports no frames")
        duration_s = audio.frames / audio.samplerate
        pieces = []
        for start_s, length_s in analysis_windows(duration_s, segment_s, max_analysis_s):
            audio.seek(int(start_s * audio.samplerate))
            pieces.append(_read_resampled(audio, int(length_s * audio.samplerate), analysis_sr))
    signal = AnalysisSignal(np.concatenate(pieces), duration_s)
    if signal.samples.size == 0:
        raise DecodeError("the file contains no audio samples")
    return signal


def _read_resampled(audio: AudioReader, frame_count: int, analysis_sr: int) -> np.ndarray:
    """Read `frame_count` frames from the current position as mono at `analysis_sr`, block by block."""
    resampler = None
    if audio.samplerate != analysis_sr:
        resampler = soxr.ResampleStream(audio.samplerate, analysis_sr, 1, dtype="float32")
    pieces = []
    for block in audio.blocks(_BLOCK_FRAMES, frame_count):
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
