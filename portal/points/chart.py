"""The purchases chart's geometry: two bars a month (this period, the same month a year before), drawn by
the template as inline SVG on the server — no script, no library, no request to another host (the CSP
allows none; inline SVG is markup, not an image source).

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
    label: str          # the month's short name under its bars
    now: int            # kopecks
    before: int
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


def step_for(top: int) -> int:
    """A round grid step (1, 2, 2.5 or 5 times a power of ten kopecks) so STEPS steps reach `top`."""
    power = 1
    while True:
        for factor in (10, 20, 25, 50):
            step = factor * power // 10
            if step and step * STEPS >= top:
                return step
        power *= 10


def geometry(points: list[Point], value_label: Callable[[int], str]) -> Chart:
    """Bars and axis of `points`; `value_label` writes a grid line's kopecks as people read them."""
    step = step_for(max([1, *(max(point.now, point.before) for point in points)]))
    scale = (HEIGHT - BOTTOM - TOP) / (step * STEPS)
    slot = (WIDTH - RIGHT - LEFT) / max(len(points), 1)
    bar = round(slot * 0.36, 1)
    bars, labels = [], []
    for number, point in enumerate(points):
        middle = LEFT + slot * number + slot / 2
        for x, kopecks, title, earlier in ((middle - bar, point.before, point.before_title, True),
                                           (middle, point.now, point.now_title, False)):
            height = round(max(kopecks, 0) * scale, 1)
            bars.append(Bar(round(x, 1), round(HEIGHT - BOTTOM - height, 1), bar, height, title, earlier))
        labels.append((round(middle, 1), point.label))
    ticks = tuple((round(HEIGHT - BOTTOM - step * index * scale, 1), value_label(step * index))
                  for index in range(STEPS + 1))
    return Chart(tuple(bars), ticks, tuple(labels))
