"""The day folder of files: what each file holds, escaping, replacement and pruning."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pandas as pd
import pytest

from tastemaker.publication.files import (
    artist_file_stem,
    prune_publication_files,
    publication_days,
    write_publication_files,
)

DAY = dt.date(2024, 5, 1)
HOSTILE_NAME = '<script>alert("x")</script> & Sons'


def recommendations_for(
    artists: dict[str, str], run_id: str = "run-1", run_date: dt.date = DAY
) -> pd.DataFrame:
    """Three pitches per artist; the second is a control, scores fall with rank and go negative."""
    return pd.DataFrame(
        [
            {
                "run_date": run_date,
                "run_id": run_id,
                "model_name": "ranker",
                "model_version": "4",
                "data_version": "md5-abc",
                "artist_id": artist_id,
                "artist_name": name,
                "rank": rank,
                "isrc": f"QZ{artist_id[-1]}{rank:08d}",
                "track_title": f"{name} song {rank}",
                "playlist_id": f"pl-{rank}",
                "playlist_name": f"Playlist <{rank}>",
                "score": 1.25 - rank,
                "reasons": json.dumps([f"{run_id}: similar to <hit {rank}>", "genre match"]),
                "is_control": rank == 2,
            }
            for artist_id, name in artists.items()
            for rank in (1, 2, 3)
        ]
    )


def header_for(recommendations: pd.DataFrame, run_id: str = "run-1", run_date: dt.date = DAY) -> dict:
    return {
        "run_date": run_date,
        "run_id": run_id,
        "published_at": dt.datetime(2024, 5, 1, 6, 0, tzinfo=dt.UTC),
        "model_name": "ranker",
        "model_version": "4",
        "data_version": "md5-abc",
        "git_commit": "f" * 40,
        "params_hash": "e" * 32,
        "artists": recommendations["artist_id"].nunique(),
        "pitches": len(recommendations),
    }


def publish(out_dir: Path, artists: dict[str, str], run_id: str = "run-1", run_date: dt.date = DAY) -> Path:
    recommendations = recommendations_for(artists, run_id, run_date)
    return write_publication_files(recommendations, header_for(recommendations, run_id, run_date), out_dir)


class PageText(HTMLParser):
    """The text a browser would show, and the link targets, of one page."""

    def __init__(self, page: str):
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.feed(page)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a":
            self.links.append(dict(attrs)["href"])


def test_artist_names_and_reasons_are_shown_as_text_never_as_markup(tmp_path):
    day = publish(tmp_path, {"ar1": HOSTILE_NAME})
    for page in (day / "index.html", day / "html" / "ar1.html"):
        html = page.read_text()
        assert "<script>" not in html
        assert HOSTILE_NAME in "".join(PageText(html).text)
    artist_text = "".join(PageText((day / "html" / "ar1.html").read_text()).text)
    assert "similar to <hit 3>" in artist_text


def test_json_round_trips_every_pitch_with_reasons_control_flag_and_lineage(tmp_path):
    artists = {"ar1": "Ada", "ar2": "Bo"}
    recommendations = recommendations_for(artists)
    day = write_publication_files(recommendations, header_for(recommendations), tmp_path)
    for artist_id, pitches in recommendations.groupby("artist_id"):
        document = json.loads((day / "artists" / f"{artist_id}.json").read_text())
        assert document["artist_name"] == artists[artist_id]
        assert document["lineage"]["run_date"] == "2024-05-01"
        assert (document["lineage"]["model_version"], document["lineage"]["data_version"]) == ("4", "md5-abc")
        read_back = pd.DataFrame(document["pitches"])
        assert read_back["rank"].tolist() == pitches["rank"].tolist()
        assert read_back["isrc"].tolist() == pitches["isrc"].tolist()
        assert read_back["score"].tolist() == pitches["score"].tolist()
        assert read_back["is_control"].tolist() == pitches["is_control"].tolist()
        assert read_back["reasons"].tolist() == [json.loads(reasons) for reasons in pitches["reasons"]]


def test_control_pitches_are_marked_do_not_pitch_and_only_they_are(tmp_path):
    day = publish(tmp_path, {"ar1": "Ada"})
    document = json.loads((day / "artists" / "ar1.json").read_text())
    assert [pitch["action"] for pitch in document["pitches"]] == ["pitch", "do not pitch (control)", "pitch"]
    page = (day / "html" / "ar1.html").read_text()
    rows = re.findall(r'<tr class="(\w+)">.*?</tr>', page, flags=re.DOTALL)
    assert rows == ["pitch", "control", "pitch"]
    assert page.count("do not pitch (control)") == 1


def test_chart_has_one_bar_per_pitch_growing_from_zero(tmp_path):
    day = publish(tmp_path, {"ar1": "Ada"})
    page = (day / "html" / "ar1.html").read_text()
    zero_x = float(re.search(r'<line x1="([\d.]+)"', page).group(1))
    bar_attributes = re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', page)
    bars = [(float(x), float(width)) for x, width in bar_attributes]
    assert len(bars) == 3
    # Scores 0.25, -0.75, -1.75: the first bar starts at zero and goes right, the others end at zero.
    assert bars[0][0] == pytest.approx(zero_x)
    assert all(x + width == pytest.approx(zero_x) for x, width in bars[1:])
    assert bars[0][1] < bars[1][1] < bars[2][1]


def test_index_lists_every_artist_with_counts_top_pitch_and_working_links(tmp_path):
    artists = {"ar1": "Ada", "ar/2": "Bo", "ar3": HOSTILE_NAME}
    day = publish(tmp_path, artists)
    index = PageText((day / "index.html").read_text())
    shown = "".join(index.text)
    assert all(name in shown for name in artists.values())
    assert "Ada song 1 → Playlist <1>" in shown
    targets = {(day / unquote(href)).resolve() for href in index.links}
    assert targets == {(day / "html" / f"{artist_file_stem(artist)}.html").resolve() for artist in artists}
    assert all(target.is_file() for target in targets)
    counts = re.findall(
        r"<tr>\s*<td><a[^>]*>[^<]*</a></td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>",
        (day / "index.html").read_text(),
    )
    assert counts == [("2", "1")] * len(artists)


def test_artist_ids_with_path_characters_stay_inside_the_day_folder_and_never_collide(tmp_path):
    artist_ids = ["../../escape", "a b/c", "a b_c", "a b%2Fc"]
    day = publish(tmp_path, {artist_id: f"Artist {number}" for number, artist_id in enumerate(artist_ids)})
    documents = [json.loads(path.read_text()) for path in (day / "artists").iterdir()]
    assert sorted(document["artist_id"] for document in documents) == sorted(artist_ids)
    assert len(list((day / "html").iterdir())) == len(artist_ids)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["2024-05-01"]


def test_republishing_a_day_replaces_its_folder_entirely(tmp_path):
    publish(tmp_path, {"ar1": "Ada", "ar2": "Bo"}, run_id="run-1")
    day = publish(tmp_path, {"ar2": "Bo", "ar3": "Cy"}, run_id="run-2")
    assert sorted(path.name for path in (day / "artists").iterdir()) == ["ar2.json", "ar3.json"]
    assert sorted(path.name for path in (day / "html").iterdir()) == ["ar2.html", "ar3.html"]
    run_ids = {json.loads(path.read_text())["lineage"]["run_id"] for path in (day / "artists").iterdir()}
    assert run_ids == {"run-2"}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["2024-05-01"]


def test_over_long_and_non_ascii_ids_get_short_distinct_file_names(tmp_path):
    artist_ids = ["a" * 300, "a" * 299 + "b", "\u97f3\u697d" * 14, "\u97f3\u697d" * 14 + "x"]
    day = publish(tmp_path, {artist_id: f"Artist {number}" for number, artist_id in enumerate(artist_ids)})
    names = [path.name for path in (day / "artists").iterdir()] + [
        path.name for path in (day / "html").iterdir()
    ]
    assert len(set(names)) == 2 * len(artist_ids)
    assert max(len(name.encode()) for name in names) < 255
    documents = [json.loads(path.read_text()) for path in (day / "artists").iterdir()]
    assert sorted(document["artist_id"] for document in documents) == sorted(artist_ids)
    index = PageText((day / "index.html").read_text())
    assert all((day / unquote(link)).is_file() for link in index.links)


def test_pruning_deletes_days_older_than_keep_days_before_today_like_the_store(tmp_path):
    for offset in range(5):
        publish(tmp_path, {"ar1": "Ada"}, run_date=DAY + dt.timedelta(days=offset))
    (tmp_path / "notes").mkdir()
    removed = prune_publication_files(tmp_path, keep_days=2, today=DAY + dt.timedelta(days=4))
    assert sorted(path.name for path in removed) == ["2024-05-01", "2024-05-02"]
    assert [run_date.isoformat() for run_date in publication_days(tmp_path).values()] == [
        "2024-05-03",
        "2024-05-04",
        "2024-05-05",
    ]
    assert (tmp_path / "notes").is_dir()
