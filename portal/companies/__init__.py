"""Partner companies: the company page in the cabinet, the staff directory and company card, contacts."""
