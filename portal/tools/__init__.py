"""The cabinet's tools: technical calculators over the product catalogue (issue 16)."""
