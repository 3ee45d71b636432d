"""Partner Club portal: the Starlette app that serves the built site (and, later, accounts)."""
