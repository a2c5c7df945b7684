"""Audio understanding: per-track features and auto-tags, and the similar tracks and artists they imply."""

from tastemaker.lazy import lazy_exports

# librosa, ONNX Runtime and voyager load with these, not with `tastemaker.audio.params` (the config's)
_LAZY = {
    "FeatureResult": "tastemaker.audio.batch",
    "extract_features": "tastemaker.audio.batch",
    "track_embeddings": "tastemaker.audio.embedding",
    "FeaturesParams": "tastemaker.audio.params",
    "feature_set_version": "tastemaker.audio.params",
    "SimilarityIndex": "tastemaker.audio.similarity",
    "build_index": "tastemaker.audio.similarity",
    "similar_artists": "tastemaker.audio.similarity",
}
__getattr__ = lazy_exports(__name__, _LAZY)
