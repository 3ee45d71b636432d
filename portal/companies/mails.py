"""Letters when a company's representative changes: to the new one and to the one who no longer is."""

from __future__ import annotations

from portal.core.companies import Company
from portal.core.identity import get_user
from portal.core.mail import Mail
from portal.web.context import Portal
from portal.web.letters import personal_mail


def representative_changed(portal: Portal, company: Company, previous: int | None, current: int | None) -> list[Mail]:
    """Both people hear of it (seed 001: the representative is the one who spends the company's points)."""
    new = get_user(portal.db, current) if current else None
    old = get_user(portal.db, previous) if previous else None
    link = f"{portal.settings.base_url}/account/company"
    mails = []
    if new is not None:
        mails.append(personal_mail(portal, "company_representative", new, company=company.name, now=True,
                                   other=old.name if old else "", link=link))
    if old is not None:
        mails.append(personal_mail(portal, "company_representative", old, company=company.name, now=False,
                                   other=new.name if new else "", link=link))
    return mails
