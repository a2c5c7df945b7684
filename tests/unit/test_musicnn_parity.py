"""The committed ONNX model against TensorFlow's outputs recorded at conversion, and the project's
re-implementation of musicnn's input against musicnn's own (tools/musicnn_to_onnx/)."""

from pathlib import Path

import numpy as np
import pytest

from tastemaker.audio import deep_tags
from tastemaker.audio.musicnn_input import SAMPLE_RATE, log_mel, patches
from tastemaker.audio.tagger import load_tagger, tag_names
from tests.fixtures.musicnn_clips import CLIPS, render_clip

REFERENCE = Path(__file__).resolve().parents[1] / "fixtures" / "musicnn_reference.npz"
TAGGRAM_TOLERANCE, EMBEDDING_TOLERANCE = 1e-4, 1e-3


@pytest.fixture(scope="module")
def reference() -> dict[str, np.ndarray]:
    with np.load(REFERENCE) as recorded:
        return dict(recorded)


@pytest.mark.parametrize("clip", sorted(CLIPS))
def test_onnx_model_matches_tensorflow_on_the_recorded_input(reference, clip):
    taggram, embedding = load_tagger().run(reference[f"input_{clip}"])
    assert np.abs(taggram - reference[f"taggram_{clip}"]).max() <= TAGGRAM_TOLERANCE
    assert np.abs(embedding - reference[f"embedding_{clip}"]).max() <= EMBEDDING_TOLERANCE


@pytest.mark.parametrize("clip", sorted(CLIPS))
def test_our_log_mel_is_musicnns_and_gives_its_tags(reference, clip):
    ours = patches(log_mel(render_clip(clip)))
    recorded = reference[f"input_{clip}"]
    assert ours.shape == recorded.shape
    # Equal but for rare float16 roundings of the mel power that land on the other side of a tie.
    assert np.abs(ours - recorded).max() < 1e-3
    assert np.mean(ours != recorded) < 0.01
    pooled = load_tagger().tag(render_clip(clip), SAMPLE_RATE, max_patches=10)
    assert np.abs(pooled.probabilities - reference[f"taggram_{clip}"].mean(axis=0)).max() <= TAGGRAM_TOLERANCE
    assert np.abs(pooled.embedding - reference[f"embedding_{clip}"].mean(axis=0)).max() <= EMBEDDING_TOLERANCE


def test_tag_vocabulary_is_the_converted_models_and_every_tag_has_one_group(reference):
    tags = tag_names()
    assert tags == reference["tags"].tolist()
    groups = [
        *deep_tags.GENRES,
        *deep_tags.SUB_STYLES,
        *deep_tags.MOODS,
        *deep_tags.INSTRUMENTS,
        *deep_tags.VOCAL_TAGS,
        deep_tags.INSTRUMENTAL_TAG,
        *deep_tags.ERAS,
    ]
    assert sorted(groups) == sorted(tags)
    assert len(set(deep_tags.tag_columns(tags))) == len(tags)


def test_patches_spread_over_long_audio_are_at_most_max_patches():
    clip = render_clip("drums_and_bass")
    long_signal = np.tile(clip, 4)  # 26 s: 8 patches
    one = load_tagger().tag(long_signal, SAMPLE_RATE, max_patches=1)
    all_of_it = load_tagger().tag(long_signal, SAMPLE_RATE, max_patches=10)
    first_patch, _ = load_tagger().run(patches(log_mel(long_signal))[:1])
    np.testing.assert_allclose(one.probabilities, first_patch[0], atol=1e-6)
    assert not np.allclose(all_of_it.probabilities, one.probabilities, atol=1e-6)
