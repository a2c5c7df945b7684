"""Playlists whose streams look bought, found from the public reports alone.

Bought followers come with bot listening, and bots behave unlike an audience: they save almost
nothing, a few accounts loop the same tracks (few listeners per stream), and a farm streams from
one territory. A playlist is flagged when enough of its playlist streams show at least two of
those signs; it is never pitched, and its flag is published with the numbers behind it for the
label to review, since a single sign has honest explanations (a one-country playlist, a small
loyal audience).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tastemaker.config import ScoreParams

FLAG_COLUMNS = [
    "playlist_id",
    "streams",
    "save_rate",
    "listeners_per_stream",
    "top_territory_share",
    "signs",
    "is_suspect",
    "evidence",
]


@dataclass(frozen=True)
class FraudRules:
    min_streams: int  # fewer playlist streams than this are too little evidence either way
    max_save_rate: float
    max_listeners_per_stream: float
    min_top_territory_share: float
    min_signs: int = 2

    @classmethod
    def from_params(cls, score: ScoreParams) -> FraudRules:
        return cls(
            score.fraud_min_streams,
            score.fraud_max_save_rate,
            score.fraud_max_listeners_per_stream,
            score.fraud_min_top_territory_share,
        )


def flag_playlists(streams: pd.DataFrame, rules: FraudRules) -> pd.DataFrame:
    """One row per playlist that has playlist streams, with its signals, how many signs it shows and why."""
    on_playlists = streams[streams["playlist_id"].notna() & (streams["playlist_id"] != "")]
    totals = on_playlists.groupby("playlist_id")[["streams", "listeners", "saves"]].sum()
    by_territory = on_playlists.groupby(["playlist_id", "territory"])["streams"].sum()
    played = totals["streams"].clip(lower=1)
    flags = pd.DataFrame(
        {
            "streams": totals["streams"],
            "save_rate": totals["saves"] / played,
            "listeners_per_stream": totals["listeners"] / played,
            "top_territory_share": by_territory.groupby(level=0).max() / played,
        }
    )
    signs = pd.DataFrame(
        {
            "saves almost nothing": flags["save_rate"] <= rules.max_save_rate,
            "few accounts loop its tracks": flags["listeners_per_stream"] <= rules.max_listeners_per_stream,
            "streams come from one territory": flags["top_territory_share"] >= rules.min_top_territory_share,
        }
    )
    flags["signs"] = signs.sum(axis=1)
    flags["is_suspect"] = (flags["signs"] >= rules.min_signs) & (flags["streams"] >= rules.min_streams)
    flags["evidence"] = [_evidence(row, shown) for row, shown in zip(flags.itertuples(), signs.to_numpy())]
    return flags.reset_index()[FLAG_COLUMNS]


def _evidence(row, shown: np.ndarray) -> str:
    figures = (
        f"save rate {row.save_rate:.2%}",
        f"{row.listeners_per_stream:.2f} listeners per stream",
        f"{row.top_territory_share:.0%} of streams from one territory",
    )
    return (
        "; ".join(figure + (" (suspect)" if sign else "") for figure, sign in zip(figures, shown))
        + f"; {int(row.streams)} playlist streams"
    )


def suspect_ids(flags: pd.DataFrame) -> set[str]:
    return set(flags.loc[flags["is_suspect"], "playlist_id"])


def filter_quality(flags: pd.DataFrame, fraudulent: set[str]) -> dict[str, float]:
    """Precision and recall of the flags against a world's truth, over the playlists that stream."""
    flagged = suspect_ids(flags)
    streaming_fraud = fraudulent & set(flags["playlist_id"])
    found = len(flagged & fraudulent)
    return {
        "precision": found / len(flagged) if flagged else float("nan"),
        "recall": found / len(streaming_fraud) if streaming_fraud else float("nan"),
        "flagged": float(len(flagged)),
        "fraudulent": float(len(streaming_fraud)),
    }
