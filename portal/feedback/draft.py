"""An answered question as a page draft for editors (`question-<id>.md`): front matter filled in
(title, summary — the page's description —, date, access, tags),
the question and the club's answer in Markdown, ready for the members-only knowledge base.

The texts are the members' and staff's Markdown as written; the front matter is YAML written with
yaml.safe_dump, so a subject with quotes or a colon cannot break it. The author is not named.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import yaml

from portal.core.usertext import plain_text
from portal.feedback.model import Message, Request

TAGS = {"question": "вопросы участников", "advice": "консультации", "complaint": "претензии", "idea": "идеи"}


def filename(request: Request) -> str:
    return f"question-{request.id}.md"


def page_markdown(request: Request, answers: list[Message], zone: ZoneInfo, language: str = "ru") -> str:
    """The draft: front matter, the question, then every public staff reply in order."""
    front = {
        "title": request.subject,
        "summary": plain_text(request.body, 160),  # the site's description field (site_builder COMMON_KEYS)
        "date": datetime.fromtimestamp(request.first_reply_at or request.created_at, zone).date().isoformat(),
        "access": "members",
        "tags": [TAGS.get(request.kind, "вопросы участников")],
    }
    question, answer = ("Вопрос", "Ответ") if language == "ru" else ("Question", "Answer")
    replies = [m.body.strip() for m in answers if m.side == "staff" and not m.internal]
    parts = ["---", yaml.safe_dump(front, allow_unicode=True, sort_keys=False).strip(), "---", "",
             f"## {question}", "", request.body.strip(), "", f"## {answer}", "", "\n\n".join(replies), ""]
    return "\n".join(parts)
