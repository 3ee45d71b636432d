"""What a feedback request's form accepts as attachments: pictures and PDFs, five at most, 10 MB in all,
under CLUB_FILES_DIR/feedback. Pictures open in the browser, PDFs are downloaded. portal/web/uploads.py
reads, checks, keeps and sends them (ASVS 5.0 5.2.1-5.2.3, 5.3.1-5.3.2)."""

from __future__ import annotations

from starlette.responses import FileResponse

from portal.core.settings import Settings
from portal.feedback.model import Attachment
from portal.web.uploads import FilePolicy, response

POLICY = FilePolicy(
    folder="feedback",
    types={".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
           ".webp": "image/webp", ".pdf": "application/pdf"},
    words="feedback.error",
    inline=("image/jpeg", "image/png", "image/gif", "image/webp"))


def attachment_response(settings: Settings, attachment: Attachment) -> FileResponse:
    return response(settings, POLICY, attachment.stored_name, attachment.filename, attachment.content_type)
