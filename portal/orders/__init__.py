"""Orders to a distributor: the member's cart, orders sent to a distributor company of the club, the
distributor's answers, and the staff's view of response times (issue 16)."""
