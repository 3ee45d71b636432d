"""Event registration: seats, the company quota, the waiting list and offers (issue 14)."""
