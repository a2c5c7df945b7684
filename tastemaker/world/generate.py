"""Generate a whole world: landing zone at `out`, hidden truth beside it."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tastemaker.errors import UserError
from tastemaker.world import landing as landing_zone
from tastemaker.world import truth as hidden
from tastemaker.world.audio_files import write_track_files
from tastemaker.world.catalog import make_artists, make_tracks
from tastemaker.world.curators import make_playlists
from tastemaker.world.listening import PLACEMENT_RATE_DAYS, plan_curator_placements, simulate_reports
from tastemaker.world.presets import PRESET_NAMES, PRESETS, WORLD_TODAY
from tastemaker.world.truth import truth_dir_for

__all__ = ["PRESET_NAMES", "WorldSummary", "generate_world", "truth_dir_for"]

# Called as progress(task, done, total) while audio is written; the CLI draws a bar from it.
ProgressHook = Callable[[str, int, int], None]


@dataclass(frozen=True)
class WorldSummary:
    artists: int
    tracks: int
    playlists: int
    days: int
    stream_rows: int
    landing: Path
    truth: Path
    untagged_files: tuple[str, ...] = field(default=())


def generate_world(
    out: Path,
    preset: str = "demo",
    seed: int = 0,
    audio_dir: Path | None = None,
    force: bool = False,
    progress: ProgressHook | None = None,
) -> WorldSummary:
    """Write a landing zone at `out` and its truth at `truth_dir_for(out)`.

    `(preset, seed)` determine every byte of the landing zone. With `audio_dir`, the catalog is
    the user's own audio files instead of synthesized ones. An existing world at `out` is
    replaced; any other non-empty folder is refused unless `force`.
    """
    if preset not in PRESETS:
        raise UserError(f"unknown preset {preset!r}; choose one of {', '.join(PRESET_NAMES)}")
    out = Path(out)
    settings = PRESETS[preset]
    _prepare_folders(out, force)
    landing, truth = out, truth_dir_for(out)
    rng = np.random.default_rng([seed, 0])
    today = WORLD_TODAY
    first_day = today - dt.timedelta(days=settings.report_days - 1)

    if audio_dir is not None:
        from tastemaker.world.from_audio import catalog_from_audio

        artists, tracks, untagged = catalog_from_audio(Path(audio_dir), landing / "audio", rng, progress)
    else:
        artists = make_artists(settings, rng)
        tracks = make_tracks(artists, settings.tracks, settings, today, rng)
        untagged = []
        if settings.track_seconds > 0:
            _write_audio(tracks, landing / "audio", seed, progress)

    playlists = make_playlists(settings, artists, first_day, today, rng)
    placements = plan_curator_placements(
        tracks,
        playlists,
        first_day,
        today,
        today,
        campaigns_per_day=settings.campaigns_per_track / PLACEMENT_RATE_DAYS,
        rng=rng,
    )
    reports = simulate_reports(
        tracks, playlists, placements, first_day, today, today, settings.organic_territories, rng
    )
    placements = _with_realised_streams(placements, reports)

    landing_zone.write_catalog(landing, tracks)
    listed_playlists = landing_zone.write_playlists(landing, playlists, today)
    stream_rows = landing_zone.write_reports(landing, reports)
    hidden.write_tables(truth, artists, tracks, playlists, placements, settings.write_full_appeal)
    hidden.write_state(
        truth,
        hidden.WorldState(
            preset=preset,
            seed=seed,
            today=str(today),
            first_report_day=str(first_day),
            next_serial=len(tracks) + 1,
            audio_dir=str(audio_dir) if audio_dir else None,
            untagged_files=untagged,
        ),
    )
    return WorldSummary(
        artists=len(artists),
        tracks=len(tracks),
        playlists=listed_playlists,
        days=settings.report_days,
        stream_rows=stream_rows,
        landing=landing,
        truth=truth,
        untagged_files=tuple(untagged),
    )


def _prepare_folders(out: Path, force: bool) -> None:
    """Empty `out` and its truth folder if they hold a previous world (or `force`), else refuse."""
    truth = truth_dir_for(out)
    if out.exists() and not out.is_dir():
        raise UserError(f"{out} exists and is not a folder")
    occupied = out.exists() and any(out.iterdir())
    if occupied and not (force or hidden.is_world(out)):
        raise UserError(
            f"{out} is not empty and holds no previous world; choose an empty folder or pass --force"
        )
    for folder in (out, truth):
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)


def _write_audio(tracks, audio_root: Path, seed: int, progress: ProgressHook | None) -> None:
    total = int((tracks["audio_file"] != "").sum())
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress("synthesizing audio", done, total)

    write_track_files(tracks, audio_root, seed, on_done=tick)


def _with_realised_streams(placements, reports):
    """Placements with the streams they actually produced in the reports (the truth of each run)."""
    from_placements = reports[reports["placement"] >= 0]
    streams = from_placements.groupby("placement")["streams"].sum()
    placements = placements.copy()
    placements["streams"] = streams.reindex(np.arange(len(placements)), fill_value=0).to_numpy()
    return placements
