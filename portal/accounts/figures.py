"""The members' panel on the staff dashboard: registrations, confirmations and new members in the period,
members and partner companies at its end; registrations by level, segment and region.

What counts (docs/staff.md, «Dashboard»): staff accounts (a role) are never counted. A registration is a
`users` row created in the period; confirmed, an address confirmed in the period; a member, a confirmed
and not suspended person with a company and a phone (identity.User.level). Members at the period's end
are people who registered before it ends and are members now (the table keeps no history of a level).
A company merged into another (companies.merged_into) is counted as the one it was merged into, and a
person's segment and region are their company's, or their own when the company does not say.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database

from portal.core.dashboard import Breakdown, DashboardPanel, Figure, PanelFigures, Period
from portal.core.i18n import translate
from portal.core.settings import Settings
from portal.web.context import settings_vocabulary, settings_zone

MEMBERS_URL = "/staff/members"
# A member (identity.User.level): confirmed, company and phone given, not suspended; never staff. The same
# terms as the partial index dashboard_users_members (staff/migrations.py), so SQLite counts from it.
_MEMBER = ("u.role IS NULL AND u.email_confirmed_at IS NOT NULL AND u.company_id IS NOT NULL AND u.phone != '' "
           "AND u.suspended_at IS NULL")
_LEVEL = (f"CASE WHEN u.email_confirmed_at IS NULL THEN 'unconfirmed' WHEN {_MEMBER} THEN 'member' "
          f"ELSE 'registered' END")
_REGISTERED = ("SELECT count(*), coalesce(sum(" + _MEMBER + "), 0) FROM users u "  # noqa: S608 - constants
               "WHERE u.role IS NULL AND u.created_at >= :start AND u.created_at < :end")
_CONFIRMED = ("SELECT count(*) FROM users u WHERE u.role IS NULL AND u.email_confirmed_at >= :start "
              "AND u.email_confirmed_at < :end")
_MEMBERS = (f"SELECT count(*), count(DISTINCT u.company_id) FROM users u WHERE {_MEMBER} "  # noqa: S608 - constants
            "AND u.created_at < :end")
# A company merged into another counts as that one. A merge moves its people (core/companies.merge), so
# members of a merged record are rare: they are found through the small companies_merged index and the
# distinct count corrected, rather than every member's company looked up.
_OWN = f"EXISTS (SELECT 1 FROM users u WHERE u.company_id = {{company}} AND {_MEMBER} AND u.created_at < :end)"  # noqa: S608
_MERGED = ("SELECT c.merged_into FROM companies c WHERE c.merged_into IS NOT NULL AND "  # noqa: S608 - constants
           + _OWN.format(company="c.id"))
_GROUPS = (f"SELECT {_LEVEL}, coalesce(m.segment, c.segment, u.segment), coalesce(m.region, c.region, u.region), "  # noqa: S608
           "count(*) FROM users u LEFT JOIN companies c ON c.id = u.company_id "
           "LEFT JOIN companies m ON m.id = c.merged_into "
           "WHERE u.role IS NULL AND u.created_at >= :start AND u.created_at < :end GROUP BY 1, 2, 3")


def stamp(moment: float) -> str:
    """Unix seconds as the ISO text `users` keeps (portal.core.db.now_iso): UTC, whole seconds, +00:00."""
    return datetime.fromtimestamp(moment, UTC).replace(microsecond=0).isoformat()


def figures(db: Database, settings: Settings, period: Period, language: str) -> PanelFigures:
    start, end = (stamp(moment) for moment in period.bounds(settings_zone(settings)))
    values = {"start": start, "end": end}
    registered, joined = db.execute(_REGISTERED, values).fetchone()
    confirmed = db.execute(_CONFIRMED, values).fetchone()[0]
    members, companies = db.execute(_MEMBERS, values).fetchone()
    companies -= _merged_twice(db, values)
    levels: dict[str, float] = {}
    segments: dict[str, float] = {}
    regions: dict[str, float] = {}
    segment_names = settings_vocabulary(settings, "segments", language)
    region_names = settings_vocabulary(settings, "regions", language)
    unknown = translate(language, "dash.members.unknown")
    for level, segment, region, count in db.execute(_GROUPS, values).fetchall():
        for rows, name in ((levels, translate(language, f"dash.members.level.{level}")),
                           (segments, segment_names.get(segment, segment) if segment else unknown),
                           (regions, region_names.get(region, region) if region else unknown)):
            rows[name] = rows.get(name, 0) + count
    return PanelFigures(
        figures=(Figure("registrations", "dash.members.registrations", registered, url=MEMBERS_URL),
                 Figure("confirmed", "dash.members.confirmed", confirmed, url=MEMBERS_URL),
                 Figure("new_members", "dash.members.new_members", joined, url=MEMBERS_URL),
                 Figure("members", "dash.members.members", members, url=MEMBERS_URL, state=True),
                 Figure("companies", "dash.members.companies", companies, url="/staff/companies/", state=True)),
        breakdowns=(Breakdown("by_level", "dash.members.by_level", _ranked(levels), url=MEMBERS_URL),
                    Breakdown("by_segment", "dash.members.by_segment", _ranked(segments), url=MEMBERS_URL),
                    Breakdown("by_region", "dash.members.by_region", _ranked(regions), url=MEMBERS_URL)))


def _merged_twice(db: Database, values: dict[str, str]) -> int:
    """How many of the distinct companies are merged records that must count as their survivor: each
    merged one, less the survivors that have no members of their own (those count once, through it)."""
    survivors = [row[0] for row in db.execute(_MERGED, values).fetchall()]
    if not survivors:
        return 0
    alone = sum(1 for survivor in set(survivors)
                if not db.execute("SELECT " + _OWN.format(company=":survivor"),  # noqa: S608 - constants
                                  {**values, "survivor": survivor}).fetchone()[0])
    return len(survivors) - alone


def _ranked(rows: dict[str, float]) -> dict[str, float]:
    return dict(sorted(rows.items(), key=lambda item: (-item[1], item[0])))


PANELS = (DashboardPanel("members", "dash.members.title", figures, order=10),)
