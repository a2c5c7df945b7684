"""Static HTML for one day's publication: a page per artist and an index linking to them.

The pages are read by label staff who open them from a file share or a bucket, so each one is
self-contained (inline CSS, inline SVG chart, no scripts, no network). Every value comes from
data a label delivered, so Jinja's autoescaping is on for all of it: an artist called
`<script>` shows up as text, never as markup.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import jinja2

CONTROL_ACTION = "do not pitch (control)"
PITCH_ACTION = "pitch"

CHART_WIDTH = 640
CHART_LABEL_WIDTH = 44
CHART_VALUE_WIDTH = 70
CHART_ROW_HEIGHT = 22

TEMPLATES = {
    "base.html": """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{% block title %}{% endblock %}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: .35rem .6rem; text-align: left; vertical-align: top; }
tr.control td { color: #777; background: #f6f6f6; }
.action-control { font-weight: bold; color: #a33; }
.lineage { color: #555; font-size: .9rem; }
.confidence { color: #777; }
svg text { font-size: 12px; font-family: system-ui, sans-serif; }
</style></head>
<body>
{% block heading %}{% endblock %}
<p class="lineage">Run date {{ lineage.run_date }} &middot; model {{ lineage.model_name }}
version {{ lineage.model_version }} &middot; data version {{ lineage.data_version }}
&middot; run {{ lineage.run_id }}</p>
{% block content %}{% endblock %}
</body></html>
""",
    "artist.html": """{% extends "base.html" %}
{% block title %}Playlist pitches for {{ artist.artist_name }} ({{ lineage.run_date }}){% endblock %}
{% block heading %}
<p><a href="../index.html">All artists</a></p>
<h1>Playlist pitches for {{ artist.artist_name }}</h1>
{% endblock %}
{% block content %}
<h2>Score by rank</h2>
<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{{ chart.width }}" height="{{ chart.height }}"
     aria-label="Model score of each pitch by rank">
{% for bar in chart.bars %}
  <g class="{{ 'control' if bar.is_control else 'pitch' }}">
    <title>#{{ bar.rank }} {{ bar.playlist_name }}: {{ '%.3f' % bar.score }}
      {{- ' (control)' if bar.is_control }}</title>
    <text x="0" y="{{ bar.y + 15 }}">#{{ bar.rank }}</text>
    <rect x="{{ bar.x }}" y="{{ bar.y + 3 }}" width="{{ bar.width }}" height="{{ chart.row_height - 6 }}"
          fill="{{ '#bbbbbb' if bar.is_control else '#3b6fb6' }}"/>
    <text x="{{ chart.value_x }}" y="{{ bar.y + 15 }}">{{ '%.3f' % bar.score }}</text>
  </g>
{% endfor %}
  <line x1="{{ chart.zero_x }}" x2="{{ chart.zero_x }}" y1="0" y2="{{ chart.height }}" stroke="#444"/>
</svg>
<h2>Ranked pitches</h2>
<table>
<thead><tr><th>Rank</th><th>Action</th><th>Track</th><th>ISRC</th><th>Playlist</th><th>Score</th><th>Why</th></tr></thead>
<tbody>
{% for pitch in artist.pitches %}
<tr class="{{ 'control' if pitch.is_control else 'pitch' }}">
  <td>{{ pitch.rank }}</td>
  <td class="action-{{ 'control' if pitch.is_control else 'pitch' }}">{{ pitch.action }}</td>
  <td>{{ pitch.track_title }}</td>
  <td>{{ pitch.isrc }}</td>
  <td>{{ pitch.playlist_name }} <small>({{ pitch.playlist_id }})</small></td>
  <td>{{ '%.3f' % pitch.score }}</td>
  <td><ul>{% for reason in pitch.reasons %}<li>{{ reason }}</li>{% endfor %}</ul></td>
</tr>
{% endfor %}
</tbody>
</table>
<p class="lineage">Control pitches are published for measurement only: leaving them unpitched is how the
effect of pitching is estimated.</p>
{% macro field(entry) %}{% if entry %}{{ entry.value }}{% if entry.confidence is not none %}
 <small class="confidence">{{ '%.0f' % (100 * entry.confidence) }}%</small>{% endif %}{% else %}&ndash;{% endif %}{% endmacro %}
{% macro fields(entries) %}{% if entries %}{% for entry in entries %}{{ field(entry) }}{{ ', ' if not loop.last }}{% endfor %}{% else %}&ndash;{% endif %}{% endmacro %}
<h2>Pitch sheets</h2>
<p>Every track's pitch-form fields, pre-filled from the audio (deep tagger and auto-tags) and the catalog,
with the confidence of each: correct what is wrong rather than type it all.
{% if artist.get('pitch_sheets_csv') %}<a href="../{{ artist.pitch_sheets_csv | urlencode }}">Download as CSV</a>.{% endif %}</p>
<table class="sheets">
<thead><tr><th>Track</th><th>ISRC</th><th>Release</th><th>Genres</th><th>Sub-style</th><th>Moods</th>
<th>Instruments</th><th>Vocals</th><th>Tempo (BPM)</th><th>Key</th><th>Energy</th></tr></thead>
<tbody>
{% for sheet in artist.get('pitch_sheets', []) %}
<tr>
  <td>{{ sheet.title }}</td>
  <td>{{ sheet.isrc }}</td>
  <td>{{ sheet.release_date.value if sheet.release_date else '' }}</td>
  <td>{{ fields(sheet.genres) }}</td>
  <td>{{ field(sheet.sub_style) }}</td>
  <td>{{ fields(sheet.moods) }}</td>
  <td>{{ fields(sheet.instruments) }}</td>
  <td>{{ field(sheet.vocals) }}</td>
  <td>{{ field(sheet.tempo_bpm) }}</td>
  <td>{{ field(sheet.key) }}</td>
  <td>{% if sheet.energy %}{{ sheet.energy.level }} <small>({{ sheet.energy.value }})</small>{% else %}&ndash;{% endif %}</td>
</tr>
{% endfor %}
</tbody>
</table>
{% endblock %}
""",
    "index.html": """{% extends "base.html" %}
{% block title %}Playlist pitches for {{ lineage.run_date }}{% endblock %}
{% block heading %}<h1>Playlist pitches for {{ lineage.run_date }}</h1>{% endblock %}
{% block content %}
<table>
<thead><tr><th>Artist</th><th>Pitches</th><th>Controls</th><th>Top pitch</th></tr></thead>
<tbody>
{% for entry in entries %}
<tr>
  <td><a href="{{ entry.href }}">{{ entry.artist_name }}</a></td>
  <td>{{ entry.pitches }}</td>
  <td>{{ entry.controls }}</td>
  <td>{% if entry.top_pitch %}{{ entry.top_pitch.track_title }} &rarr; {{ entry.top_pitch.playlist_name }}
      {%- else %}none (controls only){% endif %}</td>
</tr>
{% endfor %}
</tbody>
</table>
{% endblock %}
""",
}


@dataclass(frozen=True)
class IndexEntry:
    """One row of the index page; `top_pitch` is the best pitch that is not a control, if any."""

    artist_name: str
    href: str
    pitches: int
    controls: int
    top_pitch: dict | None


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.DictLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_artist_page(artist: dict) -> str:
    """`artist` is the document written to the artist's JSON file: the page shows exactly what it holds."""
    return (
        _environment()
        .get_template("artist.html")
        .render(artist=artist, lineage=artist["lineage"], chart=score_chart(artist["pitches"]))
    )


def render_index(lineage: dict, entries: list[IndexEntry]) -> str:
    return _environment().get_template("index.html").render(lineage=lineage, entries=entries)


def score_chart(pitches: list[dict]) -> dict:
    """Geometry of a horizontal bar chart of score by rank.

    Ranking scores are unbounded and often negative, so bars grow left or right from a zero
    line placed where zero falls between the lowest and highest score.
    """
    scores = [pitch["score"] for pitch in pitches]
    lowest, highest = min([0.0, *scores]), max([0.0, *scores])
    plot_width = CHART_WIDTH - CHART_LABEL_WIDTH - CHART_VALUE_WIDTH
    scale = plot_width / (highest - lowest) if highest > lowest else 0.0
    zero_x = CHART_LABEL_WIDTH + (0.0 - lowest) * scale
    bars = [
        {
            "rank": pitch["rank"],
            "playlist_name": pitch["playlist_name"],
            "score": pitch["score"],
            "is_control": pitch["is_control"],
            "y": row * CHART_ROW_HEIGHT,
            "x": round(min(zero_x, zero_x + pitch["score"] * scale), 2),
            "width": round(abs(pitch["score"]) * scale, 2),
        }
        for row, pitch in enumerate(pitches)
    ]
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": max(1, len(pitches)) * CHART_ROW_HEIGHT,
        "row_height": CHART_ROW_HEIGHT,
        "zero_x": round(zero_x, 2),
        "value_x": CHART_WIDTH - CHART_VALUE_WIDTH + 6,
    }
