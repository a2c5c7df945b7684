"""The promotion rule: when a newly trained ranker may replace the serving champion.

Pure, kept apart from MLflow (`tastemaker.tracking` applies it to the registry) so it is tested on
plain numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tastemaker.metrics import Interval


@dataclass(frozen=True)
class PromotionDecision:
    promoted: bool
    reason: str
    challenger_score: float
    champion_score: float | None
    difference: Interval | None = None  # challenger minus champion on the headline, paired by query
    cold_difference: Interval | None = None


def decide_promotion(
    metric: str,
    challenger_score: float,
    champion_score: float | None,
    difference: Interval | None,
    cold_difference: Interval | None,
    margin: float,
    tolerance: float,
    no_champion: str = "no champion yet",
) -> PromotionDecision:
    """A challenger serves only when it is significantly better on the headline (the lower end of
    its paired interval against the champion is above `margin`, so a gain inside the noise is not
    a win and a tie keeps the serving model), and it is not worse on the cold slice: neither
    significantly (the interval's upper end below 0) nor on average by more than `tolerance`.
    """

    def decision(promoted: bool, reason: str) -> PromotionDecision:
        return PromotionDecision(
            promoted, reason, challenger_score, champion_score, difference, cold_difference
        )

    if champion_score is None or difference is None:
        return decision(True, no_champion)
    shown = f"{metric} {difference.mean:+.4f} [{difference.low:+.4f}, {difference.high:+.4f}] against the champion"
    if not difference.low > margin:
        return decision(False, f"{shown}: not significantly better (the interval must lie above {margin})")
    if cold_difference is not None and not math.isnan(cold_difference.mean):
        cold = f"cold tracks {cold_difference.mean:+.4f} [{cold_difference.low:+.4f}, {cold_difference.high:+.4f}]"
        if cold_difference.high < 0:
            return decision(False, f"{shown}, but {cold}: significantly worse on cold tracks")
        if cold_difference.mean < -tolerance:
            return decision(False, f"{shown}, but {cold}: worse on cold tracks by more than {tolerance}")
    return decision(True, f"{shown}: significantly better")
