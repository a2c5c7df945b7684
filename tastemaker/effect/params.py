"""Tunables of the effect measurement (the `effect:` section of params.yaml)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class EffectParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    window_days: int = Field(
        14, ge=1, description="days after the run date whose reports count as the outcome"
    )
    bootstrap_samples: int = Field(2000, ge=100, description="resamples behind every confidence interval")
    confidence: float = Field(0.95, gt=0, lt=1)
    seed: int = 7
    experiment: str = "tastemaker"
