"""The one spectrogram every descriptor is derived from, and the spectral shapes computed on it.

Frames are rows, (frames, bins), as the FFT of stacked frames returns them: per-frame sums,
cumulative sums and products with the filter banks then run along contiguous memory, which is
several times faster than along the bins of librosa's (bins, frames) layout. librosa's
functions get the transposed view, `magnitude.T`, which is the (bins, frames) array they expect.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

import librosa
import numpy as np
import scipy.fft
import scipy.signal

_ROLLOFF_BLOCK = 32  # bins summed together in the roll-off's first pass


def magnitude_frames(samples: np.ndarray, n_fft: int, hop_length: int) -> np.ndarray:
    """|STFT| of a float32 signal as (frames, bins) float32, with librosa.stft's default framing.

    Centred frames (the signal zero-padded by n_fft / 2 at both ends), a periodic Hann window and
    one real FFT call for all frames.
    """
    padded = np.pad(samples, n_fft // 2)
    frames = np.lib.stride_tricks.sliding_window_view(padded, n_fft)[::hop_length]
    return np.abs(scipy.fft.rfft(frames * _hann(n_fft), axis=1, overwrite_x=True))


def spectral_moments(magnitude: np.ndarray, frequencies: np.ndarray) -> np.ndarray:
    """Spectral centroid and bandwidth of (frames, bins) magnitudes, as (2, frames); librosa's definitions (p=2).

    Both come from one normalisation of the spectrum; librosa's functions renormalise the whole
    spectrogram on every call.
    """
    total = np.maximum(magnitude.sum(axis=1), np.finfo(np.float32).tiny)
    centroid = magnitude @ frequencies / total
    second_moment = magnitude @ (frequencies**2) / total
    return np.vstack([centroid, np.sqrt(np.maximum(second_moment - centroid**2, 0.0))])


def spectral_rolloff(
    magnitude: np.ndarray, frequencies: np.ndarray, roll_percent: float = 0.85
) -> np.ndarray:
    """Per frame of (frames, bins) magnitudes, the lowest frequency below which `roll_percent` of the
    magnitude lies, as (1, frames).

    A cumulative sum is sequential and slow over a whole spectrogram, so it runs twice on little data:
    over blocks of bins, to find the block where each frame crosses its threshold, then within that block.
    """
    frames, bins = magnitude.shape
    rows = np.arange(frames)[:, np.newaxis]
    block_sums = np.cumsum(np.add.reduceat(magnitude, np.arange(0, bins, _ROLLOFF_BLOCK), axis=1), axis=1)
    threshold = roll_percent * block_sums[:, -1:]
    block = np.argmax(block_sums >= threshold, axis=1)[:, np.newaxis]
    before = np.where(block > 0, block_sums[rows, np.maximum(block - 1, 0)], 0)
    columns = block * _ROLLOFF_BLOCK + np.arange(_ROLLOFF_BLOCK)
    inside = np.where(columns < bins, magnitude[rows, np.minimum(columns, bins - 1)], 0)
    reached = before + np.cumsum(inside, axis=1) >= threshold
    # Rounding can leave a block's own sum a hair short of the total it added to the blocks' sum.
    offset = np.where(reached.any(axis=1), np.argmax(reached, axis=1), _ROLLOFF_BLOCK - 1)
    return frequencies[np.minimum(block[:, 0] * _ROLLOFF_BLOCK + offset, bins - 1)][np.newaxis]


def spectral_flatness(power: np.ndarray, amin: float = 1e-10) -> np.ndarray:
    """Per frame of (frames, bins) power, the geometric over the arithmetic mean, as (1, frames);
    librosa.feature.spectral_flatness's definition, reduced along contiguous rows."""
    floored = np.maximum(power, np.float32(amin))
    arithmetic = floored.mean(axis=1)
    geometric = np.exp(np.log(floored, out=floored).mean(axis=1))
    return (geometric / arithmetic)[np.newaxis]


def spectral_contrast(
    magnitude: np.ndarray,
    frequencies: np.ndarray,
    n_bands: int = 6,
    fmin: float = 200.0,
    quantile: float = 0.02,
) -> np.ndarray:
    """Peak-minus-valley level (dB) of each octave band per frame of (frames, bins) magnitudes, as
    (n_bands + 1, frames); librosa.feature.spectral_contrast's bands and definition.

    librosa gathers each band with a boolean mask and sorts it across the frames' stride; here a band is
    a slice of every row, sorted along the row.
    """
    edges = np.concatenate([[0.0], fmin * 2.0 ** np.arange(n_bands + 1)])
    bins = magnitude.shape[1]
    valley, peak = [], []
    for band, (low, high) in enumerate(itertools.pairwise(edges)):
        inside = np.flatnonzero((frequencies >= low) & (frequencies <= high))
        first = inside[0] - 1 if band > 0 else inside[0]  # a band also takes the bin below it
        last = bins - 1 if band == n_bands else inside[-1]  # the top band runs to Nyquist
        tail = int(max(np.rint(quantile * (last - first + 1)), 1))
        ordered = np.sort(
            magnitude[:, first : last + 1 if band == n_bands else last], axis=1
        )  # drops its top bin
        valley.append(ordered[:, :tail].mean(axis=1))
        peak.append(ordered[:, -tail:].mean(axis=1))
    as_db = librosa.power_to_db
    return as_db(np.array(peak, dtype=np.float64)) - as_db(np.array(valley, dtype=np.float64))


@dataclass(frozen=True)
class BandedFilterBank:
    """A filter bank whose filters each cover a short run of bins, as mel filters do.

    Applied group by group, each group of filters multiplying only the bins it covers: a tenth of
    the arithmetic of the dense product, with no copy of the spectrogram.
    """

    groups: tuple[tuple[slice, slice, np.ndarray], ...]  # (filter rows, bin columns, weights) per group
    filters: int

    @classmethod
    def from_dense(cls, bank: np.ndarray, group_size: int = 16) -> BandedFilterBank:
        groups = []
        for start in range(0, len(bank), group_size):
            rows = slice(start, min(start + group_size, len(bank)))
            used = np.flatnonzero(bank[rows].any(axis=0))
            if used.size:
                columns = slice(int(used[0]), int(used[-1]) + 1)
                groups.append((rows, columns, np.ascontiguousarray(bank[rows, columns])))
        return cls(tuple(groups), len(bank))

    def apply(self, power: np.ndarray) -> np.ndarray:
        """(frames, bins) power to (filters, frames) filter energies."""
        energies = np.zeros((self.filters, len(power)), dtype=power.dtype)
        for rows, columns, weights in self.groups:
            energies[rows] = weights @ power[:, columns].T
        return energies


@lru_cache(maxsize=4)
def _hann(n_fft: int) -> np.ndarray:
    return scipy.signal.get_window("hann", n_fft, fftbins=True).astype(np.float32)
