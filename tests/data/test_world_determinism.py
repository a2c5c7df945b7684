"""Done-when 1: a seed names one world, byte for byte, audio included."""

import hashlib

import pytest

from tastemaker.world import generate_world


def fingerprint(folder):
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.slow
def test_same_seed_same_bytes_other_seed_other_world(tmp_path):
    first = fingerprint(generate_world(tmp_path / "a", preset="tiny", seed=11).landing)
    again = fingerprint(generate_world(tmp_path / "b", preset="tiny", seed=11).landing)
    other = fingerprint(generate_world(tmp_path / "c", preset="tiny", seed=12).landing)
    assert any(name.endswith(".ogg") for name in first)
    assert first == again
    assert set(first.values()).isdisjoint(other.values())


@pytest.mark.slow
def test_regenerating_over_a_previous_world_replaces_it(tmp_path):
    landing = tmp_path / "w"
    generate_world(landing, preset="tiny", seed=1)
    (landing / "streams" / "stale.csv").write_text("x")
    generate_world(landing, preset="tiny", seed=1)
    assert not (landing / "streams" / "stale.csv").exists()
