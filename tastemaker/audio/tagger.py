"""The deep music tagger: musicnn (MSD) on ONNX Runtime, 50 tag probabilities and a 200-d embedding.

The model file ships with the package (`models/musicnn/`, converted once by tools/musicnn_to_onnx/) and
its bytes are part of the feature-set version (`model_digest`), so a new model re-analyses the catalog
and an unchanged one does not. onnxruntime is imported only when a session is opened: configuration and
the CLI stay light. Each worker process opens one single-threaded session (parallelism comes from the
worker processes, as for the rest of the extractor) and keeps it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from tastemaker.audio.musicnn_input import log_mel, patches, resample_for_musicnn
from tastemaker.errors import UserError

# The shipped model; another one (features.tagger_model) brings its own tag list, named like this, beside it.
MODEL_PATH = Path(__file__).parent / "models" / "musicnn" / "msd_musicnn.onnx"
TAGS_FILE = "tags.txt"
_INPUT, _OUTPUTS = "melspectrogram:0", ["taggram:0", "embedding:0"]
EMBEDDING_SIZE = 200


class TaggerModelError(UserError):
    """The tagger's model file is missing or cannot be loaded: the features stage cannot tag anything."""


@dataclass(frozen=True)
class DeepTags:
    probabilities: np.ndarray  # (tags,) float32, mean of the taggram over the analysed patches
    embedding: np.ndarray  # (200,) float32, mean of the penultimate layer over the same patches


class MusicTagger:
    """One ONNX Runtime session of the musicnn network, and the tag names of its outputs."""

    def __init__(self, model_path: Path):
        if not model_path.is_file():
            raise TaggerModelError(f"tagger model {model_path} not found")
        self.tags = tag_names(model_path)
        try:
            import onnxruntime

            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = options.inter_op_num_threads = 1
            options.log_severity_level = 3  # errors only; warnings about unused initialisers are noise here
            self._session = onnxruntime.InferenceSession(
                str(model_path), options, providers=["CPUExecutionProvider"]
            )
            outputs = {output.name: output.shape[-1] for output in self._session.get_outputs()}
        except Exception as error:  # noqa: BLE001 - ONNX Runtime raises its own untyped errors
            message = " ".join(str(error).split())[:200]
            raise TaggerModelError(f"tagger model {model_path} cannot be loaded: {message}") from None
        if outputs.get(_OUTPUTS[0]) != len(self.tags) or outputs.get(_OUTPUTS[1]) != EMBEDDING_SIZE:
            raise TaggerModelError(
                f"tagger model {model_path} does not output {len(self.tags)} tags and a "
                f"{EMBEDDING_SIZE}-d embedding"
            )

    def run(self, mel_patches: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(taggram (patches, tags), embedding (patches, 200)) of (patches, 187, 96) log-mel patches.

        One patch per call: batching is no faster on one thread, and each patch in a batch adds some
        25 MB of activations to the session's memory arena, which it keeps.
        """
        outputs = [self._session.run(_OUTPUTS, {_INPUT: patch[np.newaxis]}) for patch in mel_patches]
        return np.concatenate([o[0] for o in outputs]), np.concatenate([o[1] for o in outputs])

    def tag(self, samples: np.ndarray, sample_rate: int, max_patches: int) -> DeepTags:
        """Tags and embedding of a decoded mono signal, pooled over its 3 s patches (at most
        `max_patches`, evenly spread over the signal when it holds more)."""
        mel_patches = patches(log_mel(resample_for_musicnn(samples, sample_rate)))
        if len(mel_patches) > max_patches:
            mel_patches = mel_patches[np.linspace(0, len(mel_patches) - 1, max_patches).round().astype(int)]
        taggram, embedding = self.run(mel_patches)
        return DeepTags(taggram.mean(axis=0), embedding.mean(axis=0))


def resolve_model(configured: Path | None) -> Path:
    """`features.tagger_model`, or the shipped model when it is not set."""
    return Path(configured) if configured else MODEL_PATH


def load_tagger(configured: Path | None = None) -> MusicTagger:
    """The process's tagger for `features.tagger_model` (None: the shipped model), opened on first use."""
    return _open_tagger(resolve_model(configured))


@lru_cache(maxsize=2)
def _open_tagger(model_path: Path) -> MusicTagger:
    return MusicTagger(model_path)


def model_digest(model_path: Path = MODEL_PATH) -> str:
    """A short hash of the model and its tag list, for the feature-set version."""
    digest = hashlib.sha256()
    for path in (Path(model_path), Path(model_path).with_name(TAGS_FILE)):
        try:
            digest.update(path.read_bytes())
        except OSError as error:
            raise TaggerModelError(f"tagger model file {path} cannot be read: {error.strerror}") from None
    return digest.hexdigest()[:10]


def tag_names(model_path: Path = MODEL_PATH) -> list[str]:
    """The model's tags in output order, from the list beside it (no model is loaded)."""
    tags_path = Path(model_path).with_name(TAGS_FILE)
    try:
        tags = [line.strip() for line in tags_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise TaggerModelError(f"tagger tag list {tags_path} cannot be read: {reason}") from None
    if not tags:
        raise TaggerModelError(f"tagger tag list {tags_path} is empty")
    return tags
