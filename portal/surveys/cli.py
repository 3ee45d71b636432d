"""`club nps send [--segment S] [--region R] [--role R] [--tier N] [--event SLUG] [--now]` starts a wave
(its letter at the next newsletter slot, or now), `club nps report [WAVE]` prints a wave's score."""

from __future__ import annotations

import argparse
import time
from datetime import datetime

from sqlite_utils import Database

from portal.core.settings import Settings
from portal.newsletters import api as letters
from portal.points import api as points_api
from portal.surveys import report as reports
from portal.surveys import store
from portal.surveys.model import Audience
from portal.surveys.waves import NobodyToAsk, start_wave
from portal.web.context import build_portal, vocabularies


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("nps", help="NPS surveys: start a wave, print a wave's score",
                                 description="Net Promoter Score surveys (docs/staff.md, «Опросы NPS»).")
    actions = parser.add_subparsers(dest="nps_command", metavar="ACTION", required=True)
    send = actions.add_parser("send", help="start a wave: ask the members (less those asked in the last "
                                           "extra.club.surveys.min_days days and those who opted out)")
    send.add_argument("--segment", action="append", default=[], help="only this segment (repeat for more)")
    send.add_argument("--region", action="append", default=[], help="only this region (repeat for more)")
    send.add_argument("--role", action="append", default=[], help="only this role in the company (repeat)")
    send.add_argument("--tier", action="append", type=int, default=[], help="only this tier number, 1 = lowest")
    send.add_argument("--event", default="", help="only the people who attended this event (its slug)")
    send.add_argument("--title", default="", help="the wave's name on the staff pages (default: NPS and the date)")
    send.add_argument("--subject", default="", help="what to recommend (default: the club's name)")
    send.add_argument("--now", action="store_true", help="send the letter now, not at the next newsletter slot")
    show = actions.add_parser("report", help="a wave's score with its counts (default: the latest wave)")
    show.add_argument("wave", nargs="?", type=int, help="the wave's number")


def run(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    if args.nps_command == "send":
        return run_send(args, settings, db)
    return run_report(args, settings, db)


def run_send(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    portal = build_portal(settings, db, ())
    words = vocabularies(portal.club, settings.language)
    for key, picked in (("segments", args.segment), ("regions", args.region), ("roles", args.role)):
        unknown = [value for value in picked if value not in words[key]]
        if unknown:
            print(f"club nps: unknown {key[:-1]} {unknown[0]!r}; the club's are: {', '.join(words[key])}")
            return 2
    tiers = points_api.tier_names(portal.club, settings.language)
    if any(tier not in tiers for tier in args.tier):
        print(f"club nps: tiers are numbered 1 to {len(tiers)}")
        return 2
    now = time.time()
    send_at = now if args.now else letters.next_slot_at(portal.club, now)
    title = args.title or f"NPS {datetime.fromtimestamp(now).date().isoformat()}"
    audience = Audience(args.segment, args.region, args.role, args.tier, args.event)
    try:
        wave_id, asked = start_wave(db, settings, portal.club, title, args.subject or portal.site_name, audience,
                                    None, send_at, now)
    except NobodyToAsk:
        print("club nps: nobody to ask (everyone in the audience was asked lately, opted out, or there is nobody)")
        return 1
    when = "now" if args.now else datetime.fromtimestamp(send_at, portal.zone).strftime("%Y-%m-%d %H:%M %Z")
    print(f"club nps: wave {wave_id} asks {asked} {'person' if asked == 1 else 'people'}; the letter goes {when} "
          "(`club worker` or `club serve` sends it)")
    return 0


def run_report(args: argparse.Namespace, settings: Settings, db: Database) -> int:
    wave = store.get_wave(db, args.wave) if args.wave is not None else store.latest_wave(db)
    if wave is None:
        print("club nps: no such wave" if args.wave is not None else "club nps: no waves yet")
        return 1
    found = reports.wave_report(db, wave, {}, "—")
    score = found.score
    nps = "—" if score.value is None else f"{score.value:+d}"
    margin = "" if score.margin is None else f" ± {score.margin:.1f}"
    rate = "—" if found.rate is None else f"{found.rate:.0f} %"
    print(f"wave {wave.id} «{wave.title}»: NPS {nps}{margin}")
    print(f"answers {score.answers} of {found.asked} asked (response rate {rate}): promoters {score.promoters}, "
          f"passives {score.passives}, detractors {score.detractors}")
    return 0
