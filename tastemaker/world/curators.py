"""Playlists and the taste of the curators behind them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tastemaker.world import names
from tastemaker.world.catalog import TERRITORIES
from tastemaker.world.styles import ARTIST_SPREAD, CONTINUOUS_STYLE, GENRE_NAMES, genre_table


def make_playlists(count: int, artist_genres: pd.Series, rng: np.random.Generator) -> pd.DataFrame:
    """Playlists with public metadata and a hidden taste.

    A curator's taste is a region of sound space (a centre near its main genre, a width) plus
    a share of love for each genre, and an openness to artists it has never played. Main genres
    follow the label's roster, so most playlists have tracks that fit them.
    """
    genre_pool = artist_genres.to_numpy()
    main_genres = [str(g) for g in rng.choice(genre_pool, count)]
    centres = genre_table().loc[main_genres]
    playlists = pd.DataFrame(
        {
            "playlist_id": [f"PL{i + 1:05d}" for i in range(count)],
            "name": names.playlist_names(main_genres, rng),
            # Heavy-tailed audience: most playlists are small, a few are huge.
            "followers": np.minimum((1000 * (1 + rng.pareto(1.1, count))).astype(np.int64), 20_000_000),
            "curator": names.curator_names(count, rng),
            "territory": rng.choice(TERRITORIES, count),
            "genre": main_genres,
        }
    )
    for column in CONTINUOUS_STYLE:
        spread = 1.5 * ARTIST_SPREAD[column]
        playlists[f"taste_{column}"] = centres[column].to_numpy() + rng.normal(0, spread, count)
    playlists["taste_major"] = np.clip(centres["major_share"].to_numpy() + rng.normal(0, 0.2, count), 0, 1)
    playlists["taste_width"] = rng.uniform(0.8, 1.6, count)

    main_index = pd.Index(GENRE_NAMES).get_indexer(main_genres)
    concentration = np.full((count, len(GENRE_NAMES)), 0.4)
    concentration[np.arange(count), main_index] += 4.0
    affinities = np.vstack([rng.dirichlet(row) for row in concentration])
    for i, genre in enumerate(GENRE_NAMES):
        playlists[f"affinity_{genre}"] = np.maximum(affinities[:, i], 1e-4)
    playlists["openness"] = rng.beta(2, 2, count)
    return playlists
