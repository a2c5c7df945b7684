"""A simulated music market with real audio files and a hidden truth, for demos and honest tests.

`generate_world` writes a landing zone (what a label hands over) and, beside it, the truth the
platform is supposed to discover; `advance_world` moves that market forward in time and lets
curators react to the platform's pitches.
"""

from tastemaker.lazy import lazy_exports

# the synthesizer and the generator load with these, not with `tastemaker.world.truth` (training's)
_LAZY = {
    "AdvanceSummary": "tastemaker.world.advance",
    "advance_world": "tastemaker.world.advance",
    "PRESET_NAMES": "tastemaker.world.generate",
    "WorldSummary": "tastemaker.world.generate",
    "generate_world": "tastemaker.world.generate",
    "truth_dir_for": "tastemaker.world.truth",
}
__getattr__ = lazy_exports(__name__, _LAZY)
