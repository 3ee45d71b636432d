"""The points programme: purchases in, an append-only ledger, privileges out, tiers (issue 15)."""
