"""The catalogue of validation rules: one name, one default severity and one sentence each.

Every finding names the rule that produced it, so a label can look the rule up in
docs/data-contract.md and override its severity in params.yaml (`validate.severities`).
An `error` quarantines the row or file; a `warning` keeps it and reports it.
"""

from __future__ import annotations

from typing import Literal

Severity = Literal["error", "warning"]

RULES: dict[str, tuple[Severity, str]] = {
    # Files and columns
    "file_missing": ("error", "a required table file is absent from the delivery"),
    "file_unreadable": ("error", "a table file cannot be parsed as CSV or Parquet"),
    "file_ambiguous": ("error", "both <table>.csv and <table>.parquet delivered: neither is read"),
    "file_unexpected": ("warning", "a file in streams/ that is neither .csv nor .parquet; not read"),
    "column_duplicate": ("error", "two columns of one file with the same name up to case and spaces"),
    "file_not_regular": ("error", "a named pipe, device or socket in the landing zone; never read"),
    "link_outside": ("error", "a symbolic link leading outside the landing zone; never followed"),
    "link_broken": ("error", "a symbolic link that dangles or loops back into its own folder"),
    "column_missing": ("error", "a required column is absent from a table file"),
    "column_unexpected": ("warning", "a column the contract does not know; it is dropped"),
    "catalog_from_tags": ("warning", "no catalog file: the catalog was read from embedded audio tags"),
    # Row rules shared by several tables
    "required_field": ("error", "a required field is empty"),
    "duplicate_row": ("error", "an exact copy of an earlier row; the first copy is kept"),
    "duplicate_key": (
        "error",
        "a later row reuses the ISRC or playlist_id of an earlier row; the first is kept",
    ),
    "isrc_format": ("error", "not an ISRC (CCXXXYYNNNNN) once hyphens and spaces are removed"),
    "date_format": ("error", "not a calendar date written YYYY-MM-DD"),
    "integer_format": ("error", "not a whole number"),
    "number_format": ("error", "not a number"),
    "negative_value": ("error", "a count or duration below zero"),
    "number_too_large": ("error", "a count or duration above 10^15, beyond what can be stored exactly"),
    "territory_code": ("error", "not an ISO 3166-1 alpha-2 country code"),
    # Catalog
    "audio_path_unsafe": (
        "error",
        "audio_file is absolute, climbs out with '..' or links outside the delivery",
    ),
    "audio_missing": ("error", "audio_file names no file in the delivery"),
    "audio_unreferenced": ("warning", "an audio file no catalog row points at; it is not used"),
    "url_in_name": ("warning", "a URL in the title or artist name"),
    "handle_in_name": ("warning", "a social media @handle in the title or artist name"),
    "all_caps_title": ("warning", "a title written in capitals only"),
    # Streams
    "date_in_future": ("error", "a report date after the day of validation"),
    "unknown_isrc": ("error", "the ISRC is not in the delivered catalog"),
    "unknown_playlist": ("error", "the playlist_id is not in the delivered playlists"),
    "track_quarantined": (
        "error",
        "the row's track was delivered but quarantined: the row is held back with it",
    ),
    "playlist_quarantined": (
        "error",
        "the row's playlist was delivered but quarantined: the row is held back with it",
    ),
    "count_exceeds_streams": ("error", "skips, saves or listeners exceed streams"),
    # Audio
    "audio_undecodable": ("error", "the file is not audio any decoder can read, whatever its extension"),
    "decoder_crashed": (
        "error",
        "decoding the file crashed the decoder process or outlived validate.decode_timeout_s",
    ),
    "too_short": ("error", "shorter than validate.min_duration_s"),
    "low_sample_rate": ("warning", "sample rate below validate.min_sample_rate"),
    "channel_count": ("error", "channel count not in validate.allowed_channels"),
    "clipping": ("warning", "share of samples at full scale above validate.clipping_share_max"),
    "leading_silence": ("error", "more than validate.max_silence_s of silence before the music starts"),
    "trailing_silence": ("error", "more than validate.max_silence_s of silence after the music ends"),
    "loudness_out_of_range": ("warning", "integrated loudness outside target +/- tolerance (LUFS)"),
    "true_peak_too_high": ("warning", "true peak above validate.true_peak_max_dbtp"),
    "duration_mismatch": ("warning", "declared duration_s differs from the audio by more than the tolerance"),
}


# Findings that only follow from another row's quarantine: they never count towards a stop.
DEPENDENT_RULES = frozenset({"track_quarantined", "playlist_quarantined"})
# Table-level faults: the file or its layout is wrong, so the delivery stops whatever the shares.
SYSTEMIC_RULES = frozenset(
    {"file_missing", "file_unreadable", "file_ambiguous", "column_duplicate", "column_missing"}
)

# Rows breaking these cannot be given the contract's types, so they can never be let through.
ALWAYS_ERRORS = frozenset(
    {"required_field", "integer_format", "number_format", "number_too_large", "date_format"}
)


def default_severity(rule: str) -> Severity:
    return RULES[rule][0]


def describe(rule: str) -> str:
    return RULES[rule][1]
