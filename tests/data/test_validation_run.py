"""validate_landing as a whole: accepted tables, the QC cache, Data Docs, the report,
the quarantine threshold, Parquet deliveries and tag intake."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from fixtures.validation_landing import (
    CATALOG,
    GOOD_ISRCS,
    PLAYLISTS,
    STREAMS,
    TODAY,
    build_landing,
    empty_manifest,
    tone_params,
    write_tone,
)

from tastemaker.tags import TrackTags, write_tags
from tastemaker.validation import QuarantineThresholdExceeded, ValidateParams, validate_landing


def run(landing: Path, work: Path, params=None, manifest=None, qc: Path | None = None):
    return validate_landing(
        landing,
        empty_manifest() if manifest is None else manifest,
        params or tone_params(),
        work / "reports",
        qc or work / "qc",
        today=TODAY,
    )


@pytest.fixture(scope="module")
def shared_qc(tmp_path_factory) -> Path:
    """One QC cache for the tests that are not about caching, so the tones are measured once."""
    return tmp_path_factory.mktemp("qc")


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    return build_landing(tmp_path / "landing")


def test_good_delivery_is_accepted_whole_and_typed(landing: Path, tmp_path: Path, shared_qc: Path):
    result = run(landing, tmp_path, qc=shared_qc)

    assert result.quarantine().empty
    assert {table: counts["accepted"] for table, counts in result.counts.items()} == {
        "catalog": 3,
        "audio": 3,
        "playlists": 3,
        "streams": 5,
    }
    catalog = result.tables["catalog"]
    assert set(catalog["isrc"]) == GOOD_ISRCS  # upper-cased, hyphens removed
    assert str(catalog["release_date"].dtype).startswith("datetime64")
    assert catalog["sample_rate"].dtype == "int64" and set(catalog["sample_rate"]) == {44100}
    assert catalog["duration_measured_s"].between(5.99, 6.01).all()
    assert (catalog["audio_path"] == "audio/" + CATALOG["audio_file"]).all()
    assert result.tables["playlists"]["followers"].dtype == "int64"
    assert set(result.tables["playlists"]["territory"]) == {"GB", "US", "DE"}
    assert result.tables["streams"]["streams"].sum() == STREAMS["streams"].astype(int).sum()


@pytest.mark.slow
def test_unchanged_files_are_not_decoded_again_and_a_new_track_is_decoded_alone(
    landing: Path, tmp_path: Path
):
    assert run(landing, tmp_path).audio_decoded == 3
    assert run(landing, tmp_path).audio_decoded == 0

    write_tone(landing / "audio" / "new.wav", frequency=880)
    row = CATALOG.iloc[[0]].assign(isrc="FRXYZ2400077", audio_file="new.wav", title="New Song")
    pd.concat([CATALOG, row]).to_csv(landing / "catalog.csv", index=False)
    result = run(landing, tmp_path)

    assert result.audio_decoded == 1
    assert "FRXYZ2400077" in set(result.tables["catalog"]["isrc"])


@pytest.mark.slow
def test_cache_follows_content_not_names(landing: Path, tmp_path: Path):
    run(landing, tmp_path)
    write_tone(landing / "audio" / "ada" / "morning_light.wav", seconds=2)  # same name, new content

    result = run(landing, tmp_path)

    assert result.audio_decoded == 1
    assert set(result.issues.loc[result.issues["table"] == "audio", "rule"]) == {"too_short"}


@pytest.mark.slow
def test_manifest_md5_is_the_cache_key(landing: Path, tmp_path: Path):
    files = sorted(p.relative_to(landing).as_posix() for p in (landing / "audio").rglob("*.*"))
    manifest = pd.DataFrame({"relpath": files, "md5": [f"md5-{n}" for n in range(3)], "size": 0})
    run(landing, tmp_path, manifest=manifest)
    manifest.loc[0, "md5"] = "md5-changed"

    assert run(landing, tmp_path, manifest=manifest).audio_decoded == 1


@pytest.mark.slow
def test_changing_a_measurement_setting_re_decodes_but_a_threshold_does_not(landing: Path, tmp_path: Path):
    run(landing, tmp_path)
    assert run(landing, tmp_path, tone_params(min_duration_s=7)).audio_decoded == 0
    assert run(landing, tmp_path, tone_params(silence_threshold_dbfs=-50)).audio_decoded == 3


def test_data_docs_site_lists_every_suite(landing: Path, tmp_path: Path, shared_qc: Path):
    result = run(landing, tmp_path, qc=shared_qc)

    assert result.data_docs_index == tmp_path / "reports" / "data_docs" / "index.html"
    index = result.data_docs_index.read_text()
    assert index.lstrip().lower().startswith("<!doctype html")
    for suite in ("catalog", "playlists", "streams"):
        assert (tmp_path / "reports" / "data_docs" / "expectations" / f"{suite}.html").is_file()
        assert f"expectations/{suite}.html" in index
        assert f"validations/{suite}/" in index
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["data_docs"]


def test_report_lists_each_quarantined_row_and_counts_warnings(
    landing: Path, tmp_path: Path, shared_qc: Path
):
    bad = STREAMS.iloc[[0]].assign(territory="ZZ")
    pd.concat([STREAMS, bad]).to_csv(landing / "streams" / "2024-03-30.csv", index=False)
    PLAYLISTS.assign(name=lambda p: p["name"].str.upper()).to_csv(landing / "playlists.csv", index=False)

    report = json.loads(json.dumps(run(landing, tmp_path, qc=shared_qc).to_report()))

    assert report["tables"]["streams"] == {
        "rows_in": 6,
        "accepted": 5,
        "quarantined": 1,
        "warnings": 0,
        "independent": 1,
        "dependent": 0,
        "by_rule": {"territory_code": 1},
    }
    assert report["quarantined"] == [
        {
            "table": "streams",
            "source_file": "streams/2024-03-30.csv",
            "row_number": 6,
            "key": "GBAYE2400001",
            "rule": "territory_code",
            "message": "territory 'ZZ': not an ISO 3166-1 alpha-2 country code",
        }
    ]
    assert report["warnings"] == 0


def test_threshold_gives_one_line_reason_only_when_exceeded(landing: Path, tmp_path: Path, shared_qc: Path):
    bad = STREAMS.iloc[[0, 1]].assign(date="2024-13-01")
    pd.concat([STREAMS, bad]).to_csv(landing / "streams" / "2024-03-30.csv", index=False)
    result = run(landing, tmp_path, qc=shared_qc)

    reason = result.threshold_exceeded(tone_params(max_quarantine_share=0.25))
    assert reason is not None and "\n" not in reason
    assert "streams: 2 of 7 quarantined for their own faults (28.6% > 25.0% max_quarantine_share)" in reason
    assert result.threshold_exceeded(tone_params(max_quarantine_share=0.3)) is None
    assert (
        issubclass(QuarantineThresholdExceeded, Exception)
        and str(QuarantineThresholdExceeded(reason)) == reason
    )


def test_a_missing_table_file_stops_the_delivery(landing: Path, tmp_path: Path, shared_qc: Path):
    (landing / "playlists.csv").unlink()
    result = run(landing, tmp_path, qc=shared_qc)

    assert "playlists.csv: file missing" in result.threshold_exceeded(tone_params(max_quarantine_share=1.0))
    assert set(result.quarantine().loc[lambda q: q["table"] == "streams", "rule"]) == {"unknown_playlist"}


@pytest.mark.slow
def test_parquet_delivery_reads_like_csv(landing: Path, tmp_path: Path):
    from_csv = run(landing, tmp_path / "csv")
    parquet = tmp_path / "parquet"
    shutil.copytree(landing, parquet)
    for name in ("catalog", "playlists"):
        (parquet / f"{name}.csv").unlink()
    CATALOG.assign(
        release_date=pd.to_datetime(CATALOG["release_date"]), duration_s=pd.to_numeric(CATALOG["duration_s"])
    ).to_parquet(parquet / "catalog.parquet")
    PLAYLISTS.assign(followers=PLAYLISTS["followers"].astype("int64")).to_parquet(
        parquet / "playlists.parquet"
    )
    (parquet / "streams" / "2024-03-30.csv").unlink()
    STREAMS.assign(
        **{c: STREAMS[c].astype("int64") for c in ("streams", "listeners", "skips", "saves")}
    ).to_parquet(parquet / "streams" / "2024-03-30.parquet")

    from_parquet = run(parquet, tmp_path / "parquet-run")

    assert from_parquet.quarantine().empty
    for table in ("catalog", "playlists", "streams"):
        pd.testing.assert_frame_equal(from_parquet.tables[table], from_csv.tables[table], check_dtype=False)


@pytest.mark.slow
def test_tag_intake_builds_the_catalog_from_embedded_tags(tmp_path: Path):
    landing = tmp_path / "landing"
    tagged = write_tone(landing / "audio" / "tagged.flac")
    write_tags(
        tagged, TrackTags(title="Glass Roads", artist="Ada Vale", isrc="GB-AYE-24-00009", date="2024-01-05")
    )
    untagged = write_tone(landing / "audio" / "untagged.flac", frequency=550)
    write_tags(untagged, TrackTags(title="No Code Yet", artist="Ada Vale", date="2024-01-05"))
    (landing / "streams").mkdir()
    PLAYLISTS.to_csv(landing / "playlists.csv", index=False)
    STREAMS.iloc[[0]].assign(isrc="GBAYE2400009").to_csv(landing / "streams" / "2024-03-30.csv", index=False)

    result = run(landing, tmp_path)

    assert list(result.tables["catalog"]["isrc"]) == ["GBAYE2400009"]
    assert list(result.tables["catalog"]["audio_path"]) == ["audio/tagged.flac"]
    missing = result.quarantine()
    assert list(missing[["table", "source_file", "rule"]].itertuples(index=False, name=None)) == [
        ("catalog", "audio/untagged.flac", "required_field")
    ]
    assert "catalog_from_tags" in set(result.issues["rule"])
    assert result.counts["streams"]["accepted"] == 1


@pytest.mark.slow
def test_severity_override_turns_a_warning_into_quarantine(landing: Path, tmp_path: Path, shared_qc: Path):
    write_tone(landing / "audio" / "ada" / "morning_light.wav", amplitude=1.5)
    assert run(landing, tmp_path, qc=shared_qc).counts["catalog"]["quarantined"] == 0

    strict = run(landing, tmp_path, tone_params(severities={"clipping": "error"}), qc=shared_qc)

    assert strict.counts["catalog"]["quarantined"] == 1
    assert "GBAYE2400001" not in set(strict.tables["catalog"]["isrc"])


def test_params_reject_unknown_rule_names():
    with pytest.raises(ValueError, match="unknown validation rule"):
        ValidateParams(severities={"no_such_rule": "error"})


def test_params_keep_type_rules_as_errors():
    with pytest.raises(ValueError, match="must stay errors"):
        ValidateParams(severities={"date_format": "warning"})
    assert ValidateParams(severities={"clipping": "error"}).severity("clipping") == "error"


def test_missing_snapshot_is_a_user_error(tmp_path: Path):
    from tastemaker.errors import UserError

    with pytest.raises(UserError, match="no snapshot folder"):
        run(tmp_path / "nowhere", tmp_path)


def test_rows_of_a_quarantined_track_and_short_recordings_never_stop_a_delivery(
    landing: Path, tmp_path: Path, shared_qc: Path
):
    """A jingle under min_duration_s is quarantined with its reports; the rest goes on."""
    write_tone(landing / "audio" / "quiet" / "night_drive.wav", seconds=2)  # USRC12400003: too short
    result = run(landing, tmp_path, qc=shared_qc)

    streams = result.counts["streams"]
    assert result.counts["catalog"]["quarantined"] == 1 and result.counts["catalog"]["independent"] == 0
    assert streams["quarantined"] == streams["dependent"] == 2 and streams["independent"] == 0
    assert set(result.quarantine().loc[lambda q: q["table"] == "streams", "rule"]) == {"track_quarantined"}
    assert result.threshold_exceeded(tone_params(max_quarantine_share=0.0)) is None
    limited = result.threshold_exceeded(tone_params(rule_share_limits={"too_short": 0.2}))
    assert limited and "catalog: 1 of 3 break too_short (33.3% > 20.0% its limit)" in limited


def test_a_share_just_above_the_limit_is_never_said_equal_to_it(
    landing: Path, tmp_path: Path, shared_qc: Path
):
    bad = STREAMS.iloc[[0]].assign(date="2024-13-01")
    pd.concat([STREAMS, bad]).to_csv(landing / "streams" / "2024-03-30.csv", index=False)
    result = run(landing, tmp_path, qc=shared_qc)  # 1 of 6 streams rows: 16.67%

    reason = result.threshold_exceeded(tone_params(max_quarantine_share=0.1666))
    assert "(16.67% > 16.66% max_quarantine_share)" in reason


def test_the_report_is_strict_json_and_names_a_track_without_isrc(
    landing: Path, tmp_path: Path, shared_qc: Path
):
    catalog = CATALOG.copy()
    catalog.loc[2, "isrc"] = ""
    catalog.to_csv(landing / "catalog.csv", index=False)
    report = run(landing, tmp_path, qc=shared_qc).to_report()

    strict = json.dumps(report, allow_nan=False)  # NaN is not JSON: a strict parser refuses it
    record = next(item for item in json.loads(strict)["quarantined"] if item["rule"] == "required_field")
    assert record["key"] == "quiet/night_drive.wav" and record["row_number"] == 3
