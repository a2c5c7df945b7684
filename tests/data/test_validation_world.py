"""The generated `tiny` world is a clean delivery: validation must accept all of it."""

from pathlib import Path

import pandas as pd
import pytest

from tastemaker.validation import ValidateParams, validate_landing
from tastemaker.world.generate import generate_world
from tastemaker.world.presets import WORLD_TODAY


@pytest.mark.slow
def test_tiny_world_validates_clean(tmp_path: Path):
    world = generate_world(tmp_path / "landing", preset="tiny", seed=0)

    result = validate_landing(
        world.landing,
        pd.DataFrame(columns=["relpath", "md5", "size"]),
        ValidateParams(min_duration_s=5),
        tmp_path / "reports",
        tmp_path / "qc",
        today=WORLD_TODAY,
    )

    assert result.quarantine().empty, result.quarantine().to_string()
    assert result.counts["catalog"]["accepted"] == world.tracks
    assert result.counts["playlists"]["accepted"] == world.playlists
    assert result.counts["streams"]["accepted"] == world.stream_rows
    assert result.counts["audio"]["accepted"] == world.tracks
