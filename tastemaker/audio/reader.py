"""Open any delivered audio file as float32 blocks: libsndfile first, FFmpeg (through PyAV) for the rest.

libsndfile reads WAV, FLAC, AIFF, Ogg and MP3 exactly and fast. AAC in MP4/M4A, which stores and
aggregators still deliver, is beyond it; PyAV's wheels carry FFmpeg's decoders, so the fallback works
without a system FFmpeg. Both readers stream, so a long file costs one block of memory at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import av
import numpy as np
import soundfile


class DecodeError(RuntimeError):
    """The file could not be turned into audio samples."""


class AudioReader(Protocol):
    samplerate: int
    channels: int
    frames: int  # from the file's header; PyAV's is an estimate
    format: str

    def seek(self, frame: int) -> None: ...

    def blocks(self, block_frames: int, max_frames: int | None = None) -> Iterator[np.ndarray]:
        """(frames, channels) float32 blocks from the current position, `max_frames` in all at most."""
        ...


@contextmanager
def open_audio(path: Path) -> Iterator[AudioReader]:
    try:
        reader: _SoundfileReader | _FFmpegReader = _SoundfileReader(path)
    except RuntimeError as soundfile_error:  # libsndfile's errors are all RuntimeErrors
        try:
            reader = _FFmpegReader(path)
        except (av.error.FFmpegError, DecodeError) as ffmpeg_error:
            raise DecodeError(f"cannot decode audio ({soundfile_error}; FFmpeg: {ffmpeg_error})") from None
    try:
        yield reader
    finally:
        reader.close()


class _SoundfileReader:
    def __init__(self, path: Path):
        self._file = soundfile.SoundFile(path)
        self.samplerate, self.channels = self._file.samplerate, self._file.channels
        self.frames, self.format = self._file.frames, self._file.format

    def seek(self, frame: int) -> None:
        self._file.seek(frame)

    def blocks(self, block_frames: int, max_frames: int | None = None) -> Iterator[np.ndarray]:
        remaining = self.frames if max_frames is None else max_frames
        while remaining > 0:
            block = self._file.read(min(block_frames, remaining), dtype="float32", always_2d=True)
            if len(block) == 0:
                return
            remaining -= len(block)
            yield block

    def close(self) -> None:
        self._file.close()


class _FFmpegReader:
    """The first audio stream of a container; decoded frames are converted to packed float32."""

    def __init__(self, path: Path):
        self._container = av.open(str(path))
        if not self._container.streams.audio:
            self._container.close()
            raise DecodeError("the file has no audio stream")
        self._stream = self._container.streams.audio[0]
        self.samplerate = self._stream.codec_context.sample_rate
        self.channels = self._stream.codec_context.channels
        if self._stream.duration:
            seconds = float(self._stream.duration * self._stream.time_base)
        else:
            seconds = (self._container.duration or 0) / av.time_base
        self.frames, self.format = round(seconds * self.samplerate), self._container.format.name
        self._start = 0

    def seek(self, frame: int) -> None:
        self._start = frame

    def blocks(self, block_frames: int, max_frames: int | None = None) -> Iterator[np.ndarray]:
        """Decoded frames as they come (FFmpeg chooses their size), trimmed to the requested span.

        FFmpeg seeks to the packet before the target, so the samples ahead of it are dropped.
        """
        start_s = self._start / self.samplerate
        self._container.seek(int(start_s / self._stream.time_base), stream=self._stream)
        to_float = av.AudioResampler(format="flt")
        remaining = np.inf if max_frames is None else max_frames
        for decoded in self._container.decode(self._stream):
            ahead = max(0, round((start_s - (decoded.time or 0.0)) * self.samplerate))
            for frame in to_float.resample(decoded):
                samples = frame.to_ndarray().reshape(-1, self.channels)[ahead:]
                ahead = max(0, ahead - frame.samples)
                samples = samples[: int(min(len(samples), remaining))]
                if len(samples):
                    remaining -= len(samples)
                    yield samples
                if remaining <= 0:
                    return

    def close(self) -> None:
        self._container.close()
