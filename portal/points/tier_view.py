"""The tier as the pages show it (the cabinet's /account/points/, its card, the staff company page) and the
number formats the points pages share: money, percentages and months in the visitor's language (babel)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_decimal
from starlette.requests import Request

from portal.core.companies import Company
from portal.points import tiers
from portal.points.analytics import month_shift
from portal.web.context import portal_of, visitor


def roubles(kopecks: int) -> Decimal:
    """Whole kopecks as roubles, exactly (never through a float)."""
    return Decimal(kopecks).scaleb(-2)


class Numbers:
    """Money, percentages and months as people of the visitor's language write them (babel)."""

    def __init__(self, language: str) -> None:
        self.locale = "ru" if language == "ru" else "en"

    def money(self, kopecks: int) -> str:
        return format_decimal(roubles(kopecks), format="#,##0.00", locale=self.locale)

    def whole(self, kopecks: int) -> str:
        """Whole roubles (thresholds and the tier's sums; the kopecks dropped, never rounded up)."""
        return format_decimal(kopecks // 100, locale=self.locale)

    def up(self, kopecks: int) -> str:
        """Whole roubles rounded up (what is still missing: never «0» while a kopeck is)."""
        return format_decimal(-(-kopecks // 100), locale=self.locale)

    def compact(self, kopecks: int) -> str:
        return format_compact_decimal(Decimal(kopecks // 100), locale=self.locale, fraction_digits=1)

    def change(self, value: Decimal | None) -> str:
        return "—" if value is None else format_decimal(value, format="+#,##0.0;-#,##0.0", locale=self.locale)

    def share(self, value: Decimal | None) -> str:
        return "—" if value is None else format_decimal(value, format="#,##0.0", locale=self.locale)

    def month(self, month: str, pattern: str = "LLLL yyyy") -> str:
        return format_date(date(int(month[:4]), int(month[5:7]), 1), pattern, locale=self.locale)

    def day(self, iso: str) -> str:
        return format_date(date.fromisoformat(iso), "d MMMM yyyy", locale=self.locale)


def today(request: Request) -> date:
    return datetime.now(portal_of(request).zone).date()


def tier_context(request: Request, company: Company | None) -> dict:
    """What the tier's partials need (`tier`, `tiers`, `num`): for the cabinet, the card and staff pages."""
    if company is None:
        return {}
    portal, language = portal_of(request), visitor(request).language
    configured = tiers.configured(portal)
    standing = tiers.company_standing(portal.db, company.id, today(request), configured)
    num = Numbers(language)
    last = month_shift(standing.end[:7], -1)
    return {"tier": standing, "tiers": configured, "num": num, "tier_lang": language,
            "tier_window": (num.month(standing.start[:7]), num.month(last))}
