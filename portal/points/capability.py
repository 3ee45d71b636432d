"""Points: a company's append-only ledger of points earned for purchases and spent on privileges."""

from __future__ import annotations

from portal.core.capability import Capability, Command, Job
from portal.points import cli, schedule
from portal.points.migrations import MIGRATIONS
from portal.points.words import WORDS

CAPABILITY = Capability(
    name="points",
    words=WORDS,
    migrations=MIGRATIONS,
    commands=(Command("points", cli.add_parser, cli.run),),
    jobs=(Job("points accrual", schedule.accrual_job),),
)
