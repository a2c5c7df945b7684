"""Bar charts as SVG geometry, drawn by the templates: no script and nothing fetched to render a chart."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 620
LABEL_WIDTH = 220
VALUE_WIDTH = 80
ROW_HEIGHT = 24


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    y: int
    width: int
    css_class: str


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    row_height: int = ROW_HEIGHT

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * self.row_height

    @property
    def value_x(self) -> int:
        return self.width - VALUE_WIDTH + 8


def bar_chart(title: str, rows: list[tuple[str, float, str]], css_class: str = "bar") -> BarChart:
    """Horizontal bars for (label, value, class) rows, scaled to the largest value; values are never negative."""
    largest = max((value for _, value, _ in rows), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = [
        Bar(
            label=label,
            value=value,
            text=f"{value:,.0f}",
            y=index * ROW_HEIGHT,
            width=max(1, round(room * value / largest)) if value > 0 else 0,
            css_class=row_class or css_class,
        )
        for index, (label, value, row_class) in enumerate(rows)
    ]
    return BarChart(title=title, bars=bars)
