"""Render a track from its style with plain numpy: drums, bass, chords and a melody.

The goal is not beautiful music but audio whose measurable properties follow the style:
the beat sits exactly on the style's tempo, the harmony spells out its key and mode (tonic-heavy
progressions, a major dominant in minor), brightness sets how fast harmonics fall off,
percussiveness the drum level, energy the loudness and note density, acousticness the
instrumentation (plucked, decaying tones versus sustained synth tones), and space the room: how
long and how loud a reverb tail smears every note into the next.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

MAJOR_SCALE = (0, 2, 4, 5, 7, 9, 11)
HARMONIC_MINOR_SCALE = (0, 2, 3, 5, 7, 8, 11)
_TABLE_SIZE = 4096
REVERB_RATE = 8_000
_TABLE_PHASE = np.arange(_TABLE_SIZE) / _TABLE_SIZE
# Chord progressions as (root offset in semitones, third interval) per bar, always starting and
# mostly resting on the tonic so that the key is unambiguous.
PROGRESSIONS = {
    "major": (((0, 4), (5, 4), (7, 4), (0, 4)), ((0, 4), (5, 4), (0, 4), (7, 4))),
    "minor": (((0, 3), (5, 3), (7, 4), (0, 3)), ((0, 3), (8, 4), (7, 4), (0, 3))),
}


def render_track(
    style: Mapping, seconds: float, sample_rate: int, channels: int, seed: Sequence[int]
) -> np.ndarray:
    """Audio samples, float32 of shape (frames, channels), peak below 1."""
    rng = np.random.default_rng(list(seed))
    frames = round(seconds * sample_rate)
    beat = 60.0 / float(style["tempo_bpm"])
    key = int(style["key"])
    mode = str(style["mode"])
    brightness = float(style["brightness"])
    percussiveness = float(style["percussiveness"])
    energy = float(style["energy"])
    acousticness = float(style["acousticness"])
    synth = _Renderer(frames, sample_rate, brightness, acousticness)

    drums, bass, chords, melody = (np.zeros(frames) for _ in range(4))
    progression = PROGRESSIONS[mode][rng.integers(len(PROGRESSIONS[mode]))]
    scale = MAJOR_SCALE if mode == "major" else HARMONIC_MINOR_SCALE
    four_on_the_floor = percussiveness > 0.7 and float(style["tempo_bpm"]) > 115
    beats = int(np.ceil(seconds / beat))
    melody_density = 0.35 + 0.5 * energy

    for index in range(beats):
        start = index * beat
        bar, beat_in_bar = divmod(index, 4)
        root, third = progression[bar % len(progression)]
        if beat_in_bar in (0, 2) or four_on_the_floor:
            synth.kick(drums, start)
        if beat_in_bar in (1, 3):
            synth.snare(drums, start, rng)
        for eighth in (0.0, 0.5):
            synth.hihat(drums, start + eighth * beat, rng, accent=1.0 if eighth == 0 else 0.6)
        synth.tone(bass, 36 + key + root, start, 0.9 * beat, harmonics=3, pluck=True)
        if beat_in_bar == 0:
            for interval in (0, third, 7):
                synth.tone(chords, 48 + key + root + interval, start, 4 * beat, harmonics=10, pluck=False)
        for eighth in (0.0, 0.5):
            if rng.random() < melody_density:
                degree = _melody_degree(rng, scale, root, third)
                synth.tone(
                    melody, 60 + key + degree, start + eighth * beat, 0.5 * beat, harmonics=8, pluck=True
                )

    mix_left = 0.9 * percussiveness * drums + 0.8 * bass + 0.35 * chords + 0.5 * melody
    mix_right = 0.9 * percussiveness * drums + 0.8 * bass + 0.35 * chords + 0.4 * melody
    audio = (
        np.stack([mix_left, mix_right], axis=1) if channels == 2 else (0.5 * (mix_left + mix_right))[:, None]
    )
    space = float(style.get("space", 0.0))  # styles measured before space existed: a dry room
    return _master(_reverb(audio, space, sample_rate, rng), energy)


def _reverb(audio: np.ndarray, space: float, sample_rate: int, rng: np.random.Generator) -> np.ndarray:
    """Add a reverb tail: a larger space rings longer (0.2-2.7 s) and louder (wet 0-90 %).

    The tail fills the gaps between notes and blurs onsets, which MFCC and spectral statistics
    pick up. It is computed at REVERB_RATE (air and walls darken real tails anyway), which keeps
    a 30-second track's convolution to a tenth of a second.
    """
    if space <= 0:
        return audio
    import soxr

    decay_s = 0.2 + 2.5 * space
    t = np.arange(int(decay_s * REVERB_RATE)) / REVERB_RATE
    response = rng.standard_normal(len(t)) * np.exp(-6.9 * t / decay_s)  # -60 dB at decay_s
    low = soxr.resample(audio, sample_rate, REVERB_RATE)
    size = 1 << int(np.ceil(np.log2(len(low) + len(response))))
    spectrum = np.fft.rfft(low, size, axis=0) * np.fft.rfft(response, size)[:, None]
    tail = np.fft.irfft(spectrum, size, axis=0)[: len(low)]
    wet = soxr.resample(tail, REVERB_RATE, sample_rate)[: len(audio)]
    wet = np.pad(wet, ((0, len(audio) - len(wet)), (0, 0)))
    gain = np.sqrt(np.mean(audio**2)) / (np.sqrt(np.mean(wet**2)) or 1.0)
    return audio + 0.9 * space * gain * wet


def _melody_degree(rng: np.random.Generator, scale: Sequence[int], root: int, third: int) -> int:
    """A melody note: usually a tone of the current chord, sometimes any note of the scale."""
    if rng.random() < 0.6:
        return (root + (0, third, 7)[rng.integers(3)]) % 12
    return scale[rng.integers(len(scale))]


def _master(audio: np.ndarray, energy: float) -> np.ndarray:
    """Louder for more energetic styles, with a soft limiter so nothing clips."""
    rms = np.sqrt(np.mean(audio**2)) or 1.0
    target_rms = 10 ** ((-24 + 14 * energy) / 20)
    return np.tanh(audio * (target_rms / rms)).astype(np.float32) * np.float32(0.97)


class _Renderer:
    """Adds notes and drum hits into buffers; brightness and acousticness shape every tone."""

    def __init__(self, frames: int, sample_rate: int, brightness: float, acousticness: float):
        self.frames = frames
        self.sample_rate = sample_rate
        self.rolloff = 2.6 - 1.8 * brightness  # harmonic h has amplitude h ** -rolloff
        self.brightness = brightness
        self.acousticness = acousticness
        self._notes: dict[tuple, np.ndarray] = {}

    def _span(self, start: float, length: float) -> tuple[int, np.ndarray]:
        first = int(start * self.sample_rate)
        count = max(0, min(int(length * self.sample_rate), self.frames - first))
        return first, np.arange(count) / self.sample_rate

    def tone(
        self, buffer: np.ndarray, midi_note: int, start: float, length: float, harmonics: int, pluck: bool
    ) -> None:
        first = int(start * self.sample_rate)
        key = (midi_note, length, harmonics, pluck)
        if key not in self._notes:  # songs repeat the same few notes over and over
            self._notes[key] = self._note(*key)
        note = self._notes[key][: max(0, self.frames - first)]
        buffer[first : first + len(note)] += note

    def _note(self, midi_note: int, length: float, harmonics: int, pluck: bool) -> np.ndarray:
        """One note with its attack, decay and release."""
        t = np.arange(int(length * self.sample_rate)) / self.sample_rate
        frequency = 440.0 * 2 ** ((midi_note - 69) / 12)
        orders = np.arange(1, harmonics + 1)
        orders = orders[orders * frequency < 0.45 * self.sample_rate]
        amplitudes = orders.astype(float) ** -self.rolloff
        # One period as a wavetable, read at the note's frequency: one lookup per sample
        # instead of one sine per harmonic per sample.
        table = amplitudes @ np.sin(2 * np.pi * orders[:, None] * _TABLE_PHASE[None, :])
        wave = table[(frequency * _TABLE_SIZE * t).astype(np.int64) % _TABLE_SIZE]
        attack = np.minimum(1.0, t / 0.01)
        release = np.minimum(1.0, (length - t) / 0.03)
        decay_time = 0.25 + 0.5 * (1 - self.acousticness) if pluck else 1.5 + 4 * (1 - self.acousticness)
        return wave * attack * release * np.exp(-t / decay_time)

    def kick(self, buffer: np.ndarray, start: float) -> None:
        first, t = self._span(start, 0.3)
        sweep = 45 + 80 * np.exp(-t / 0.03)
        phase = 2 * np.pi * np.cumsum(sweep) / self.sample_rate
        buffer[first : first + len(t)] += 1.6 * np.sin(phase) * np.exp(-t / 0.12)

    def snare(self, buffer: np.ndarray, start: float, rng: np.random.Generator) -> None:
        first, t = self._span(start, 0.2)
        noise = rng.standard_normal(len(t))
        body = np.sin(2 * np.pi * 190 * t)
        buffer[first : first + len(t)] += (0.6 * noise + 0.8 * body) * np.exp(-t / 0.06)

    def hihat(self, buffer: np.ndarray, start: float, rng: np.random.Generator, accent: float) -> None:
        first, t = self._span(start, 0.06)
        if len(t) < 2:
            return
        hiss = np.diff(rng.standard_normal(len(t) + 1))  # differencing tilts white noise to the highs
        level = accent * (0.1 + 0.5 * self.brightness)
        buffer[first : first + len(t)] += level * hiss * np.exp(-t / 0.02)
