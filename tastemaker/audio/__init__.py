"""Audio understanding: per-track features and auto-tags, and the similar tracks and artists they imply."""

from tastemaker.audio.batch import FeatureResult, extract_features
from tastemaker.audio.embedding import track_embeddings
from tastemaker.audio.params import FeaturesParams, feature_set_version
from tastemaker.audio.similarity import SimilarityIndex, build_index, similar_artists

__all__ = [
    "FeatureResult",
    "FeaturesParams",
    "SimilarityIndex",
    "build_index",
    "extract_features",
    "feature_set_version",
    "similar_artists",
    "track_embeddings",
]
