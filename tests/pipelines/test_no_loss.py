"""No loss: a refused, failed or killed delivery leaves every accepted table as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from pipelines import delivery
from tastemaker.config import load_params
from tastemaker.errors import UserError


def fingerprint(*roots: Path) -> dict[str, str]:
    """Every file under `roots`, by path, with the hash of its content."""
    return {
        str(path): hashlib.sha256(path.read_bytes()).hexdigest()
        for root in roots
        for path in sorted([root] if root.is_file() else root.rglob("*"))
        if path.is_file()
    }


def accepted_state(params) -> dict[str, str]:
    manifest = params.paths.raw.with_name(params.paths.raw.name + ".manifest.parquet")
    return fingerprint(params.paths.raw, manifest, params.paths.validated)


@pytest.fixture
def accepted(project):
    """A project whose first delivery was accepted."""
    params = load_params()
    delivery.run(params)
    before = accepted_state(params)
    assert any(name.endswith("catalog.parquet") for name in before)
    return params, before


def test_an_empty_delivery_is_refused_and_changes_nothing(accepted, tmp_path):
    params, before = accepted
    landing = Path(params.ingest.source)
    for delivered in list(landing.iterdir()):  # the landing zone arrives empty
        delivered.rename(tmp_path / delivered.name)
    with pytest.raises(UserError, match="catalog.csv"):
        delivery.run(params)
    assert accepted_state(params) == before
    report = params.paths.validation_report.read_text()
    assert "file_missing" in report


def test_a_delivery_that_fails_half_way_changes_nothing(accepted, tmp_path, monkeypatch):
    params, before = accepted
    landing = Path(params.ingest.source)
    (landing / "playlists.csv").write_text(
        "playlist_id,name\n"
    )  # a new delivery, already copied when validation fails

    def broken_validation(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(delivery.validate, "validate_landing", broken_validation)
    with pytest.raises(OSError):
        delivery.run(params)
    assert accepted_state(params) == before
    assert not list(params.paths.raw.parent.glob(".staged.*"))
