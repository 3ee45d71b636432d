"""Feedback: the Client → Company channel (seed 004) — complaints, questions, requests for advice, ideas."""
