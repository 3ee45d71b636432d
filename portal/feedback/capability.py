"""Feedback: members write to the club (complaint, question, advice, idea) with files; they follow their
requests in the cabinet, staff answer them in the inbox; ideas collect support; the company timeline
and demo requests for a development club."""

from __future__ import annotations

from portal.core.capability import Capability
from portal.feedback.migrations import MIGRATIONS
from portal.feedback.words import WORDS

CAPABILITY = Capability(
    name="feedback",
    url_prefixes=("/feedback/", "/staff/feedback", "/account/requests"),
    words=WORDS,
    migrations=MIGRATIONS,
    upload_prefixes=("/feedback/",),
)
