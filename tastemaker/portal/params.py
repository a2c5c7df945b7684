"""Tunables of the portal (the `portal:` section of params.yaml)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class PortalParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: str = Field(
        "127.0.0.1", description="address `tastemaker portal` listens on; TLS sits in front of it"
    )
    port: int = Field(8800, ge=1, le=65535)
    workers: int = Field(1, ge=1, description="uvicorn worker processes")
    session_hours: float = Field(12, gt=0, description="a sign-in lasts this long")
    invite_hours: float = Field(72, gt=0, description="an invitation link expires after this")
    login_max_failures: int = Field(
        5, ge=1, description="failed sign-ins per account or address in the window"
    )
    login_window_minutes: float = Field(15, gt=0)
    artists_per_page: int = Field(100, ge=1, description="rows of the label's artist list")
