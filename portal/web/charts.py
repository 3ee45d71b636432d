"""Charts for people comparing numbers, the one place their geometry lives. Bars: two a row (this period
and the one it is compared with: a month and the same month a year before, a segment this quarter and last
year's), drawn by the template (`_bar_chart.html`) as inline SVG on the server — no script, no library, no
request to another host (the CSP allows none; inline SVG is markup, not an image source). Every chart has
its numbers in a table next to it: the bars are never the only way to read them, nor colour the only cue
(the earlier bar is lighter and on the left, and each bar's <title> names what it is). Lines (`lines`):
values over time, e.g. a newsletter's openers hour by hour (`_stats_chart.html`), the second line dashed.

The view box is small (360 x 220) and the SVG scales to the page's width: at a phone's 360 px its text is
about its own size, so month names and values stay readable; on a desktop it is capped (max-width).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

WIDTH, HEIGHT = 360, 220
LEFT, RIGHT, TOP, BOTTOM = 50, 4, 24, 22       # room for the value axis, the legend and the month names
STEPS = 4                                      # grid lines above the baseline


@dataclass(frozen=True)
class Point:
    label: str          # the row's short name under its bars (a month, a segment…)
    now: float          # any unit: kopecks, members, percent
    before: float
    now_title: str      # what a pointer or a screen reader gets: month, year and the sum
    before_title: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str
    earlier: bool       # the year-before bar


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, str], ...]     # (y, the value's label)
    labels: tuple[tuple[float, str], ...]    # (x of the month's middle, its name)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    base: int = HEIGHT - BOTTOM


def step_for(top: float) -> float:
    """A round grid step (1, 2, 2.5 or 5 times a power of ten) so STEPS steps reach `top`: whole numbers
    for whole values (kopecks, people), tenths and hundredths for small fractional ones (rates)."""
    if top < 1 and top > 0:
        for step in (0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25):
            if step * STEPS >= top:
                return step
    power = 1
    while True:
        for factor in (10, 20, 25, 50):
            step = factor * power // 10
            if step and step * STEPS >= top:
                return step
        power *= 10


def geometry(points: list[Point], value_label: Callable[[float], str]) -> Chart:
    """Bars and axis of `points`; `value_label` writes a grid line's value as people read them."""
    step = step_for(max([1, *(max(point.now, point.before) for point in points)]))
    scale = (HEIGHT - BOTTOM - TOP) / (step * STEPS)
    slot = (WIDTH - RIGHT - LEFT) / max(len(points), 1)
    bar = round(slot * 0.36, 1)
    bars, labels = [], []
    for number, point in enumerate(points):
        middle = LEFT + slot * number + slot / 2
        for x, value, title, earlier in ((middle - bar, point.before, point.before_title, True),
                                           (middle, point.now, point.now_title, False)):
            height = round(max(value, 0) * scale, 1)
            bars.append(Bar(round(x, 1), round(HEIGHT - BOTTOM - height, 1), bar, height, title, earlier))
        labels.append((round(middle, 1), point.label))
    ticks = tuple((round(HEIGHT - BOTTOM - step * index * scale, 1), value_label(step * index))
                  for index in range(STEPS + 1))
    return Chart(tuple(bars), ticks, tuple(labels))


@dataclass(frozen=True)
class Lines:
    """Polylines ("x,y x,y …", one per series) and axes in a view box of `width` x `height`."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int                              # the baseline's y
    series: tuple[str, ...]
    x_ticks: tuple[tuple[float, str], ...]   # (x, label)
    y_ticks: tuple[tuple[float, int], ...]   # (y, value): 0, the middle and the top


def lines(series: list[list[tuple[float, float]]], x_max: float, x_ticks: list[tuple[float, str]],
          size: tuple[int, int] = (560, 300), margins: tuple[int, int, int, int] = (52, 16, 12, 64)) -> Lines:
    """Each series' points (x from 0 to `x_max`, y from 0) scaled to the box; the y axis reaches the
    largest value of the first series (the larger one: openers include clickers)."""
    width, height = size
    left, right, top, bottom = margins  # bottom: room for the x labels and the legend
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = max([1, *(y for _, y in series[0])]) if series else 1

    def xy(x: float, y: float) -> str:
        return f"{left + x * plot_w / x_max:.1f},{top + plot_h - y * plot_h / top_value:.1f}"

    return Lines(width, height, left, width - right, top, top + plot_h,
                 tuple(" ".join(xy(x, y) for x, y in points) for points in series),
                 tuple((left + x * plot_w / x_max, label) for x, label in x_ticks),
                 tuple((top + plot_h - v * plot_h / top_value, v) for v in sorted({0, top_value // 2, top_value})))
