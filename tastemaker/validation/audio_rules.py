"""Turn one file's QC measurements into rule hits, using the thresholds in the params."""

from __future__ import annotations

import math

from tastemaker.validation.params import ValidateParams


def audio_findings(record: dict, params: ValidateParams) -> list[tuple[str, str]]:
    """(rule, message) for every rule the file's measurements break."""
    if record["failure_rule"]:
        return [(record["failure_rule"], f"cannot decode: {record['failure_message']}")]
    hits = []
    duration = record["duration_measured_s"]
    if duration < params.min_duration_s:
        hits.append(("too_short", f"{duration:.1f} s long, shorter than {params.min_duration_s:g} s"))
    if record["sample_rate"] < params.min_sample_rate:
        hits.append(("low_sample_rate", f"{record['sample_rate']} Hz, below {params.min_sample_rate} Hz"))
    if record["channels"] not in params.allowed_channels:
        hits.append(
            ("channel_count", f"{record['channels']} channels, expected one of {params.allowed_channels}")
        )
    if record["clipped_share"] > params.clipping_share_max:
        hits.append(
            (
                "clipping",
                (
                    f"{record['clipped_share']:.2%} of samples at full scale "
                    f"(max {params.clipping_share_max:.2%})"
                ),
            )
        )
    for end in ("leading", "trailing"):
        silence = record[f"{end}_silence_s"]
        if silence > params.max_silence_s:
            hits.append(
                (f"{end}_silence", f"{silence:.1f} s of {end} silence (max {params.max_silence_s:g} s)")
            )
    loudness = record["loudness_lufs"]
    if (
        not math.isnan(loudness)
        and abs(loudness - params.loudness_target_lufs) > params.loudness_tolerance_lu
    ):
        hits.append(
            (
                "loudness_out_of_range",
                (
                    f"{loudness:.1f} LUFS, outside "
                    f"{params.loudness_target_lufs:g} +/- {params.loudness_tolerance_lu:g}"
                ),
            )
        )
    peak = record["true_peak_dbtp"]
    if not math.isnan(peak) and peak > params.true_peak_max_dbtp:
        hits.append(
            ("true_peak_too_high", f"true peak {peak:.2f} dBTP above {params.true_peak_max_dbtp:g} dBTP")
        )
    return hits


def duration_mismatch(record: dict, declared_duration_s: float, params: ValidateParams) -> str | None:
    """Why the catalog's declared duration disagrees with the audio, if it does."""
    if record["failure_rule"] or math.isnan(declared_duration_s):
        return None
    measured = record["duration_measured_s"]
    if abs(declared_duration_s - measured) <= params.duration_tolerance_s:
        return None
    return f"declared {declared_duration_s:g} s but the audio lasts {measured:.1f} s"
