"""The points tables. Numbers: 13 the ledger, 14 shipments and accruals."""

from __future__ import annotations

from portal.core.capability import Migration

MIGRATIONS: tuple[Migration, ...] = ()
