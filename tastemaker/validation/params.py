"""Tunables of the `validate` stage (the `validate:` section of params.yaml)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tastemaker.digests import settings_digest
from tastemaker.validation.rules import ALWAYS_ERRORS, RULES, Severity, default_severity


class ValidateParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Audio QC verdicts (cheap: re-applied to cached measurements on every run)
    min_duration_s: float = Field(30.0, ge=0)
    min_sample_rate: int = Field(44100, ge=1)
    allowed_channels: list[int] = Field(default_factory=lambda: [1, 2])
    max_silence_s: float = Field(10.0, ge=0)
    clipping_share_max: float = Field(0.001, ge=0, le=1)
    loudness_target_lufs: float = -14.0
    loudness_tolerance_lu: float = Field(9.0, ge=0)
    true_peak_max_dbtp: float = -1.0
    duration_tolerance_s: float = Field(2.0, ge=0)

    # Audio QC measurement (changing these re-decodes every file)
    silence_threshold_dbfs: float = -60.0
    clip_level: float = Field(0.999, gt=0, le=1)
    loudness_window_s: float = Field(420.0, gt=0)
    true_peak_oversampling: int = Field(4, ge=1)
    qc_workers: int = Field(2, ge=1)
    decode_timeout_s: float = Field(300.0, gt=0)  # a file that takes longer is reported as decoder_crashed

    # Stage outcome
    max_quarantine_share: float = Field(0.05, ge=0, le=1)
    # Verdicts on one recording's content, which say nothing about the delivery as a whole
    share_exempt_rules: list[str] = Field(
        default_factory=lambda: ["too_short", "leading_silence", "trailing_silence"]
    )
    rule_share_limits: dict[str, float] = Field(default_factory=dict)
    severities: dict[str, Severity] = Field(default_factory=dict)

    @field_validator("share_exempt_rules", "rule_share_limits")
    @classmethod
    def _rules_exist(cls, rules):
        unknown = sorted(set(rules) - set(RULES))
        if unknown:
            raise ValueError(f"unknown validation rule(s) {unknown}; known: {sorted(RULES)}")
        return rules

    @field_validator("severities")
    @classmethod
    def _known_rules_only(cls, severities: dict[str, Severity]) -> dict[str, Severity]:
        unknown = sorted(set(severities) - set(RULES))
        if unknown:
            raise ValueError(f"unknown validation rule(s) {unknown}; known: {sorted(RULES)}")
        softened = sorted(rule for rule in ALWAYS_ERRORS if severities.get(rule) == "warning")
        if softened:
            raise ValueError(f"rule(s) {softened} must stay errors: such rows cannot be typed")
        return severities

    def severity(self, rule: str) -> Severity:
        return self.severities.get(rule) or default_severity(rule)

    def measurement_fingerprint(self) -> str:
        """Hash of the settings that change what audio QC measures, so cached measurements
        are reused only when they would come out the same."""
        settings = {
            "silence_threshold_dbfs": self.silence_threshold_dbfs,
            "clip_level": self.clip_level,
            "loudness_window_s": self.loudness_window_s,
            "true_peak_oversampling": self.true_peak_oversampling,
        }
        return settings_digest(settings, 16)
