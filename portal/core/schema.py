"""Core's own declaration: the shared tables' migrations (the capability list starts with it)."""

from __future__ import annotations

from portal.core import happenings
from portal.core.capability import Capability, Job
from portal.core.migrations import MIGRATIONS

CAPABILITY = Capability(name="core", migrations=MIGRATIONS, jobs=(Job("happenings", happenings.delivery_job),))
