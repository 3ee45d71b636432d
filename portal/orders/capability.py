"""Orders: a cart in the cabinet, orders sent to a distributor company serving the member's region, the
distributor's answer (accept, question, decline), overdue orders flagged to staff and passed on."""

from __future__ import annotations

from portal.core.capability import Capability

CAPABILITY = Capability(
    name="orders",
)
