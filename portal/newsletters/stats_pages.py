"""The statistics pages for staff: /staff/newsletters/<id>/stats (+ CSV) and the rates by topic."""

from __future__ import annotations

import csv
import io

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.newsletters.model import get_newsletter
from portal.newsletters.queue import NEWSLETTER_ROLES
from portal.newsletters.stats import (
    CHECKPOINTS,
    HOURS,
    Counts,
    Stats,
    by_topic,
    newsletter_stats,
    topic_rates,
)
from portal.newsletters.tracking import tracking_enabled
from portal.web import charts
from portal.web.context import Visitor, portal_of, visitor
from portal.web.guards import requires
from portal.web.templating import render

# --- labels and layout ---------------------------------------------------------------------------

def vocabulary(request: Request, name: str) -> dict[str, str]:
    club = portal_of(request).club
    return dict(getattr(club, name)) if club is not None else {}


def label(words: dict[str, str], key: str | None, who: Visitor) -> str:
    return who.t("stats.none") if not key else words.get(key, key)


def ordered(groups: list[tuple[str | None, Counts]], words: dict[str, str]) -> list[tuple[str | None, Counts]]:
    """The club vocabulary's order, then unknown keys, then "not set" last."""
    order = {key: i for i, key in enumerate(words)}
    return sorted(groups, key=lambda kv: (kv[0] is None, order.get(kv[0] or "", len(order)), kv[0] or ""))


def percent(value: float | None, language: str = "ru") -> str:
    """12,5 % in Russian (a decimal comma, a space before %), 12.5% in English; — without a base."""
    if value is None:
        return "—"
    number = f"{value * 100:.1f}"
    return number.replace(".", ",") + "\u00a0%" if language == "ru" else number + "%"


def chart(points: list[tuple[int, int, int]], who: Visitor) -> dict | None:
    """The inline SVG line chart's geometry (portal/web/charts.py; no script, no external requests)."""
    if not points:
        return None
    found = charts.lines([[(h, o) for h, o, _ in points], [(h, c) for h, _, c in points]], HOURS,
                         [(h, who.t("stats.hours_short", hours=h)) for h in range(0, HOURS + 1, 12)])
    return {"width": found.width, "height": found.height, "left": found.left, "right": found.right,
            "top": found.top, "bottom": found.bottom, "opens": found.series[0], "clicks": found.series[1],
            "x_ticks": found.x_ticks, "y_ticks": found.y_ticks,
            "table": [p for p in points if p[0] in CHECKPOINTS]}


# --- pages -----------------------------------------------------------------------------------------


def load(request: Request) -> tuple[Visitor, Stats]:
    who = visitor(request)
    db = portal_of(request).db
    newsletter = get_newsletter(db, request.path_params["newsletter_id"])
    if newsletter is None:
        raise HTTPException(404)
    return who, newsletter_stats(db, newsletter)


@requires(roles=NEWSLETTER_ROLES)
async def stats_page(request: Request) -> Response:
    who, stats = load(request)
    segments, regions = vocabulary(request, "segments"), vocabulary(request, "regions")
    return render(request, "newsletter_stats.html", {
        "title": who.t("stats.title", subject=stats.newsletter.subject), "stats": stats,
        "pct": lambda value: percent(value, who.language), "tracking": tracking_enabled(portal_of(request).settings),
        "segments": [(label(segments, k, who), c) for k, c in ordered(stats.by(0), segments)],
        "regions": [(label(regions, k, who), c) for k, c in ordered(stats.by(1), regions)],
        "chart": chart(stats.timeline, who)})


CSV_KEYS = ("segment", "region", "recipients", "sent", "failed", "bounced", "tracked", "opens", "clicks",
            "unsubscribes", "open_rate", "click_rate", "click_to_open", "unsubscribe_rate")


def csv_rows(stats: Stats, request: Request, who: Visitor, part: str) -> list[list[object]]:
    """The segment × region cells and a total row, or (part=links) clicks per link."""
    if part == "links":
        return [[who.t(f"stats.csv.{key}") for key in ("link", "url", "clicks_total", "clickers")],
                *([link.index + 1, link.url, link.clicks, link.clickers] for link in stats.links)]
    segments, regions = vocabulary(request, "segments"), vocabulary(request, "regions")
    decimal = "," if who.language == "ru" else "."
    named = sorted(([label(segments, s, who), label(regions, r, who), c] for s, r, c in stats.cells),
                   key=lambda row: (row[0], row[1]))
    rows: list[list[object]] = [[who.t(f"stats.csv.{key}") for key in CSV_KEYS]]
    for first, second, counts in [*named, [who.t("stats.total"), "", stats.total]]:
        ratios = (counts.open_rate, counts.click_rate, counts.click_to_open, counts.unsubscribe_rate)
        rows.append([first, second, counts.recipients, counts.sent, counts.failed, counts.bounced, counts.tracked,
                     counts.opens, counts.clicks, counts.unsubscribes,
                     *("" if r is None else f"{r * 100:.1f}".replace(".", decimal) for r in ratios)])
    return rows


@requires(roles=NEWSLETTER_ROLES)
async def stats_csv(request: Request) -> Response:
    who, stats = load(request)
    part = "links" if request.query_params.get("part") == "links" else "segments"
    out = io.StringIO()
    # Excel reads a UTF-8 file as such only with a BOM; with Russian settings it splits on ";" and
    # reads "12,5" as a number, so the Russian file uses those (English: "," and ".").
    writer = csv.writer(out, delimiter=";" if who.language == "ru" else ",", lineterminator="\r\n")
    writer.writerows(csv_rows(stats, request, who, part))
    name = f"newsletter-{stats.newsletter.id}-{part}.csv"
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@requires(roles=NEWSLETTER_ROLES)
async def topics_page(request: Request) -> Response:
    who = visitor(request)
    rows = topic_rates(portal_of(request).db)
    topics = vocabulary(request, "topics")
    return render(request, "newsletter_stats.html", {
        "title": who.t("stats.topics_title"), "pct": lambda value: percent(value, who.language), "view": "topics",
        "tracking": tracking_enabled(portal_of(request).settings), "newsletters": rows,
        "topics": [(who.t("stats.all_topics") if key is None else topics.get(key, key), counts, n)
                   for key, counts, n in by_topic(rows, topics)]})


ROUTES = [
    Route("/staff/newsletters/stats/topics", topics_page, methods=["GET"]),
    Route("/staff/newsletters/{newsletter_id:id}/stats", stats_page, methods=["GET"]),
    Route("/staff/newsletters/{newsletter_id:id}/stats.csv", stats_csv, methods=["GET"]),
]
