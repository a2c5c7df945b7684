"""musicnn's input, re-implemented: the 96-band log-mel patches its networks were trained on.

musicnn (MSD_musicnn) hears 16 kHz mono through a 512-point STFT with a hop of 256 (32 ms windows,
62.5 frames a second), a 96-band Slaney mel bank on the power spectrum, the power quantised to float16
and compressed as log10(10000 x + 1), in patches of 187 frames (3 s) laid end to end. Every step is kept,
the float16 rounding included, because the network's weights were fitted to exactly these numbers.
The spectrogram comes from the same framing as the extractor's (`magnitude_frames`).
"""

from __future__ import annotations

from functools import lru_cache

import librosa
import numpy as np
import soxr

from tastemaker.audio.spectrum import magnitude_frames

SAMPLE_RATE = 16000
N_FFT = 512
HOP_LENGTH = 256
N_MELS = 96
PATCH_FRAMES = 187  # 3 s: librosa.time_to_frames(3, sr=16000, n_fft=512, hop_length=256) + 1


def resample_for_musicnn(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """The extractor's decoded signal brought to musicnn's 16 kHz, in memory: the file is decoded once."""
    if sample_rate == SAMPLE_RATE:
        return samples
    return soxr.resample(samples, sample_rate, SAMPLE_RATE, quality="HQ").astype(np.float32, copy=False)


def log_mel(samples_16k: np.ndarray) -> np.ndarray:
    """(frames, 96) float32 log-compressed mel power of a 16 kHz mono signal."""
    power = magnitude_frames(samples_16k.astype(np.float32, copy=False), N_FFT, HOP_LENGTH) ** 2
    mel_power = power @ _mel_bank().T
    # float16 as musicnn stores it, then float32 before the product: 10000 x overflows float16 above 6.55.
    quantised = mel_power.astype(np.float16).astype(np.float32)
    return np.log10(10000.0 * quantised + 1.0, dtype=np.float32)


def patches(mel: np.ndarray) -> np.ndarray:
    """(patches, 187, 96): consecutive non-overlapping 3 s patches; a trailing partial patch is dropped,
    as musicnn does, and audio shorter than one patch is repeated to fill it, as musicnn was trained."""
    if len(mel) < PATCH_FRAMES:
        mel = np.tile(mel, (int(np.ceil(PATCH_FRAMES / max(len(mel), 1))), 1))[:PATCH_FRAMES]
    count = len(mel) // PATCH_FRAMES
    return np.ascontiguousarray(mel[: count * PATCH_FRAMES].reshape(count, PATCH_FRAMES, N_MELS))


@lru_cache(maxsize=1)
def _mel_bank() -> np.ndarray:
    return librosa.filters.mel(sr=SAMPLE_RATE, n_fft=N_FFT, n_mels=N_MELS, dtype=np.float32)
