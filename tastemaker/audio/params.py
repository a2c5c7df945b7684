"""Tunables of the audio feature extractor, and the version string that keys the feature cache.

Every field has a default so `params.yaml` only needs to list what a label wants to change.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, model_validator

from tastemaker.digests import settings_digest

# Bump when the extractor code changes what it computes, so old cache entries are never reused.
EXTRACTOR_VERSION = "fx1"

# The tagger's ONNX Runtime session: its weights plus the activation arena of one 3 s patch, which it keeps
# between files (82 MB measured by benchmarks/features.py); it does not grow with the analysed window, as
# patches run one at a time.
TAGGER_SESSION_MB = 100.0

# Fields that change how the batch runs but not the numbers it produces; they stay out of the cache key
# so that, say, running on more workers does not re-analyse the whole catalog.
# The tagger's model path is replaced by the hash of the file's contents, so moving the project keeps its cache.
_RUNTIME_ONLY_FIELDS = {"workers", "memory_cap_mb", "chunk_size", "tagger_model"}


class FeaturesParams(BaseModel):
    """How audio is analysed (the `features:` section of params.yaml)."""

    analysis_sr: int = Field(
        22050, ge=8000, description="Rate every file is resampled to before analysis (Hz)."
    )
    n_fft: int = Field(2048, ge=256, description="STFT window length in samples at analysis_sr.")
    hop_length: int = Field(
        512, ge=64, description="STFT hop in samples; sets the time resolution of all features."
    )
    n_mels: int = Field(
        64, ge=16, description="Mel bands the MFCCs and the onset envelope are computed from."
    )
    n_mfcc: int = Field(20, ge=2, description="MFCC coefficients kept.")
    segment_s: float = Field(30.0, gt=0, description="Length of one contiguous analysis window (seconds).")
    max_analysis_s: float = Field(
        30.0, gt=0, description="Audio analysed per track at most; windows are spread over the track's body."
    )
    tempo_min_bpm: float = Field(60.0, gt=0, description="Slowest tempo the estimator may report.")
    tempo_max_bpm: float = Field(200.0, gt=0, description="Fastest tempo the estimator may report.")
    memory_cap_mb: int = Field(300, ge=50, description="Peak memory one worker may use for one file (MB).")
    workers: int = Field(0, ge=0, description="Local worker processes; 0 uses every core.")
    chunk_size: int = Field(8, ge=1, description="Files per task; one cache part file is written per task.")
    deep_tagger: bool = Field(
        True, description="Also run the musicnn tagger (genre, mood, instrument tags and a 200-d embedding)."
    )
    tagger_model: Path | None = Field(
        None,
        description="ONNX model of the deep tagger, with its tags.txt beside it; unset: the shipped musicnn.",
    )
    tagger_max_patches: int = Field(
        10,
        ge=1,
        description="3-second patches of the analysed audio the tagger hears at most, evenly spread.",
    )

    @model_validator(mode="after")
    def _window_fits_memory_cap(self) -> FeaturesParams:
        """Refuse settings whose analysis window could not fit in the stated memory cap."""
        if self.tempo_min_bpm >= self.tempo_max_bpm:
            raise ValueError("features.tempo_min_bpm must be below features.tempo_max_bpm")
        needed_mb = estimated_peak_mb(self)
        if needed_mb > self.memory_cap_mb:
            raise ValueError(
                f"features.max_analysis_s={self.max_analysis_s} needs about {needed_mb:.0f} MB per worker, "
                f"above features.memory_cap_mb={self.memory_cap_mb}"
            )
        return self


def estimated_peak_mb(params: FeaturesParams) -> float:
    """Upper bound of the working memory for one file, above the interpreter and libraries.

    Decoding streams blocks through the resampler, so only the analysed signal is held: float32 samples,
    its windowed frames, the complex STFT, and a handful of spectrogram-sized float arrays derived from it;
    plus, with the deep tagger, its session.
    """
    samples = params.max_analysis_s * params.analysis_sr
    frames = samples / params.hop_length + 1
    bins = params.n_fft // 2 + 1
    signal_bytes = 4 * samples * 3  # signal, padded copy for the STFT, loudness filter output
    frames_bytes = 4 * frames * params.n_fft  # the windowed frames handed to the FFT
    spectrum_bytes = frames * bins * (8 + 4 * 6)  # complex STFT + magnitude, power and temporaries
    tagger_mb = TAGGER_SESSION_MB if params.deep_tagger else 0.0
    return (signal_bytes + frames_bytes + spectrum_bytes) / 2**20 + tagger_mb


def feature_set_version(params: FeaturesParams) -> str:
    """A short id that changes whenever the extractor, any parameter that affects its output, or (when the
    deep tagger runs) the tagger's model file changes."""
    affecting = params.model_dump(exclude=_RUNTIME_ONLY_FIELDS)
    if params.deep_tagger:
        from tastemaker.audio.tagger import model_digest, resolve_model  # hashes; onnxruntime is not loaded

        affecting["tagger_model"] = model_digest(resolve_model(params.tagger_model))
    return f"{EXTRACTOR_VERSION}-{settings_digest(affecting, 10)}"
