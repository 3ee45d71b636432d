"""The ledger's invariants as queries (`ledger.verify` runs them for `club points verify`): the ledger
keeps no cached balance, so "cache = sum" holds by construction; what can still go wrong is a row that
breaks the rules (each query answers the ids of such rows)."""

from __future__ import annotations

CHECKS = (
    ("settles a row that is not a hold of the same company",
     "SELECT s.id FROM points_ledger s LEFT JOIN points_ledger h ON h.id = s.ref_id "
     "WHERE s.kind IN ('release', 'debit') AND (h.id IS NULL OR h.kind != 'hold' OR h.company_id != s.company_id)"),
    ("returns a different amount than its hold reserved",
     "SELECT s.id FROM points_ledger s JOIN points_ledger h ON h.id = s.ref_id "
     "WHERE s.kind = 'release' AND s.amount != -h.amount"),
    ("settles a hold settled already",
     "SELECT max(id) FROM points_ledger WHERE kind IN ('release', 'debit') GROUP BY ref_id HAVING count(*) > 1"),
    ("expires a row that is not a lot of the same company",
     "SELECT e.id FROM points_ledger e LEFT JOIN points_ledger l ON l.id = e.ref_id WHERE e.kind = 'expire' "
     "AND (l.id IS NULL OR l.amount <= 0 OR l.kind NOT IN ('earn', 'adjust', 'reverse') "
     "OR l.company_id != e.company_id)"),
    ("reverses another amount or another company's row",
     "SELECT r.id FROM points_ledger r LEFT JOIN points_ledger o ON o.id = r.ref_id WHERE r.kind = 'reverse' "
     "AND (o.id IS NULL OR o.amount != -r.amount OR o.company_id != r.company_id)"),
)

