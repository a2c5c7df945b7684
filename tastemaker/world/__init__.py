"""A simulated music market with real audio files and a hidden truth, for demos and honest tests.

`generate_world` writes a landing zone (what a label hands over) and, beside it, the truth the
platform is supposed to discover; `advance_world` moves that market forward in time and lets
curators react to the platform's pitches.
"""

from tastemaker.world.advance import AdvanceSummary, advance_world
from tastemaker.world.generate import PRESET_NAMES, WorldSummary, generate_world, truth_dir_for

__all__ = [
    "PRESET_NAMES",
    "AdvanceSummary",
    "WorldSummary",
    "advance_world",
    "generate_world",
    "truth_dir_for",
]
