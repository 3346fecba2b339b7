"""Charts drawn on the server as SVG: no JavaScript, no CDN, readable by screen readers (each
chart has a title, and the page shows the same numbers in a table beside it).

These functions only compute geometry; templates/charts/ draws it. Widths are in the SVG's own
units (viewBox), so a chart scales to a 360 px phone as well as a desktop.
"""

from collections.abc import Sequence
from dataclasses import dataclass

# Bars are drawn 360 units wide, the width of a phone, so that their text stays readable there;
# columns over time get more room.
BARS_WIDTH, COLUMNS_WIDTH = 360, 600


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    display: str
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    bars: list[Bar]
    axis_y: float = 0
    labelled: bool = False  # labels under the columns (short ones: months)


def bars(title: str, items: Sequence[tuple[str, float, str]], *, maximum: float) -> Chart:
    """Horizontal bars, label above each bar: (label, value, value as shown)."""
    row, bar_height, label_room = 46, 18, 19
    shown = []
    for index, (label, value, display) in enumerate(items):
        top = index * row
        length = (BARS_WIDTH - 70) * (value / maximum) if maximum else 0
        shown.append(
            Bar(
                label=label,
                value=value,
                display=display,
                x=0,
                y=top + label_room,
                width=round(max(length, 1 if value else 0), 1),
                height=bar_height,
                text_x=round(length + 6, 1),
                text_y=top + label_room + bar_height - 4,
            )
        )
    return Chart(title=title, width=BARS_WIDTH, height=max(len(items) * row, row), bars=shown)


def columns(
    title: str, items: Sequence[tuple[str, float | None, str]], *, maximum: float, labelled: bool = False
) -> Chart:
    """Vertical columns over time, oldest left: (label, value or None for a gap, value as shown)."""
    height, top_room, gap = 160, 16, 2
    step = COLUMNS_WIDTH / max(len(items), 1)
    shown = []
    for index, (label, value, display) in enumerate(items):
        size = (height - top_room) * ((value or 0) / maximum) if maximum else 0
        shown.append(
            Bar(
                label=label,
                value=value,
                display=display,
                x=round(index * step + gap / 2, 1),
                y=round(height - size, 1),
                width=round(max(step - gap, 1), 1),
                height=round(size, 1),
                text_x=round(index * step + step / 2, 1),
                text_y=round(height - size - 4, 1),
            )
        )
    return Chart(title=title, width=COLUMNS_WIDTH, height=height, bars=shown, axis_y=height, labelled=labelled)


@dataclass(frozen=True)
class Segment:
    series: str  # a key for the colour (a CSS class)
    label: str
    value: int
    y: float
    height: float


@dataclass(frozen=True)
class Stack:
    label: str
    total: int
    x: float
    width: float
    text_x: float
    text_y: float
    segments: list[Segment]


@dataclass(frozen=True)
class StackedChart:
    title: str
    width: int
    height: int
    stacks: list[Stack]
    axis_y: float


def stacked(title: str, items: Sequence[tuple[str, Sequence[tuple[str, str, int]]]], *, maximum: int) -> StackedChart:
    """Stacked columns over time, oldest left, first series at the bottom: (label, [(series,
    series label, value)])."""
    height, top_room, gap = 160, 16, 6
    step = COLUMNS_WIDTH / max(len(items), 1)
    stacks = []
    for index, (label, parts) in enumerate(items):
        bottom, segments = float(height), []
        for series, series_label, value in parts:
            size = (height - top_room) * (value / maximum) if maximum else 0
            bottom -= size
            segments.append(Segment(series, series_label, value, round(bottom, 1), round(size, 1)))
        stacks.append(
            Stack(
                label=label,
                total=sum(value for _series, _label, value in parts),
                x=round(index * step + gap / 2, 1),
                width=round(max(step - gap, 1), 1),
                text_x=round(index * step + step / 2, 1),
                text_y=round(bottom - 4, 1),
                segments=segments,
            )
        )
    return StackedChart(title=title, width=COLUMNS_WIDTH, height=height, stacks=stacks, axis_y=height)
