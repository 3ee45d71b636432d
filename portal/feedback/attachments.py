"""Files attached to a request: read from the form, typed by their first bytes, kept outside the site.

ASVS 5.0 5.2.1-5.2.3 and 5.3.1-5.3.2: a size limit per form, a count limit, the type decided from the
content (magic bytes), never from the name or the browser's Content-Type, and the extension has to
agree with it; stored under CLUB_FILES_DIR/feedback with a random name (the member's name is kept as
data only), a folder no web server serves; sent back only through the access check with nosniff.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from python_multipart.exceptions import FormParserError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import FileResponse

from portal.core.oneline import one_line
from portal.core.security import verify_csrf
from portal.core.settings import Settings
from portal.feedback.model import Attachment
from portal.web.context import portal_of, visitor
from portal.web.forms import Form

MAX_FILES = 5
MAX_TOTAL = 10 * 1024 * 1024  # bytes of all files of one request (CLUB_MAX_UPLOAD_BYTES leaves room for the text)
FORM_FILES = 20  # parts the parser accepts at all: more than MAX_FILES gets a readable answer, far more a 400
NAME_LIMIT = 120

# (type, what the file starts with, extensions that may carry it)
SIGNATURES: tuple[tuple[str, tuple[bytes, ...], tuple[str, ...]], ...] = (
    ("image/jpeg", (b"\xff\xd8\xff",), (".jpg", ".jpeg")),
    ("image/png", (b"\x89PNG\r\n\x1a\n",), (".png",)),
    ("image/gif", (b"GIF87a", b"GIF89a"), (".gif",)),
    ("application/pdf", (b"%PDF-",), (".pdf",)),
)
EXTENSIONS = {ext for _type, _magic, exts in SIGNATURES for ext in exts} | {".webp"}
INLINE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")  # shown in the browser; PDFs are downloaded


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


class UploadProblem(Exception):
    """A file the form cannot take: a word key, its values and the HTTP status to answer with."""

    def __init__(self, key: str, status: int = 400, **values: object) -> None:
        super().__init__(key)
        self.key, self.status, self.values = key, status, values


def sniff(data: bytes) -> str | None:
    """The type the content really is, from its first bytes; None for anything else."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    for content_type, starts, _exts in SIGNATURES:
        if data.startswith(starts):
            return content_type
    return None


def extension_type(name: str) -> str | None:
    ext = os.path.splitext(name.lower())[1]
    if ext == ".webp":
        return "image/webp"
    return next((t for t, _magic, exts in SIGNATURES if ext in exts), None)


def clean_filename(name: str) -> str:
    """The member's file name as data: no folders, no control characters, not too long."""
    base = one_line(re.split(r"[\\/]", name)[-1]).strip(" .")
    if len(base) > NAME_LIMIT:
        stem, ext = os.path.splitext(base)
        base = stem[:NAME_LIMIT - len(ext)] + ext
    return base or "file"


def check_upload(name: str, data: bytes) -> Upload:
    """An accepted file, or UploadProblem naming it and what is wrong."""
    filename = clean_filename(name)
    expected = extension_type(filename)
    if expected is None:
        raise UploadProblem("feedback.error.file_type", name=filename)
    if not data:
        raise UploadProblem("feedback.error.file_empty", name=filename)
    actual = sniff(data)
    if actual != expected:
        raise UploadProblem("feedback.error.file_mismatch", name=filename)
    return Upload(filename, actual, data)


async def read_files(files: list[UploadFile]) -> list[Upload]:
    """Every chosen file checked; the count and the total size first, so a huge upload is not read twice."""
    if len(files) > MAX_FILES:
        raise UploadProblem("feedback.error.too_many_files", limit=MAX_FILES)
    accepted, total = [], 0
    for upload in files:
        data = await upload.read(MAX_TOTAL - total + 1)
        total += len(data)
        if total > MAX_TOTAL:
            raise UploadProblem("feedback.error.too_big", status=413, limit=MAX_TOTAL // (1024 * 1024))
        accepted.append(check_upload(upload.filename or "", data))
    return accepted


async def read_upload_form(request: Request) -> tuple[Form, list[UploadFile]]:
    """The posted form with its files (`files` fields), after the CSRF check; a damaged body is a 400.
    The caller closes `form.data` when done (its files are spooled to disk)."""
    try:
        data = await request.form(max_files=FORM_FILES, max_fields=100)
    except (MultiPartException, FormParserError, UnicodeDecodeError, ValueError) as exc:
        raise HTTPException(400, "bad_form") from exc
    who = visitor(request)
    try:
        verify_csrf(request, portal_of(request).settings, data, who.session.id_hash if who.session else None)
    except HTTPException:
        await data.close()  # the spooled files go now, not with a ResourceWarning at garbage collection
        raise
    chosen = [item for item in data.getlist("files") if isinstance(item, UploadFile) and item.filename]
    return Form(data), chosen


def folder(settings: Settings) -> Path:
    return settings.files_dir / "feedback"


def save(settings: Settings, uploads: list[Upload]) -> list[tuple[str, str, str, int]]:
    """Write each file under a new random name; (filename, stored name, type, size) for the store."""
    target = folder(settings)
    target.mkdir(parents=True, exist_ok=True)
    saved = []
    for upload in uploads:
        stored = secrets.token_hex(16)
        # O_EXCL: a name is never reused; 0o640: the web server's user need not read these at all.
        fd = os.open(target / stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        with os.fdopen(fd, "wb") as handle:
            handle.write(upload.data)
        saved.append((upload.filename, stored, upload.content_type, len(upload.data)))
    return saved


def discard(settings: Settings, stored_names: list[str]) -> None:
    """Files written for a request that was not made (a double submit)."""
    for name in stored_names:
        (folder(settings) / name).unlink(missing_ok=True)


def response(settings: Settings, attachment: Attachment) -> FileResponse:
    """The file with the type found on upload; never guessed again by the browser (nosniff)."""
    path = folder(settings) / attachment.stored_name
    if not re.fullmatch(r"[0-9a-f]{32}", attachment.stored_name) or not path.is_file():
        raise HTTPException(404)
    disposition = "inline" if attachment.content_type in INLINE_TYPES else "attachment"
    return FileResponse(path, media_type=attachment.content_type, filename=attachment.filename,
                        content_disposition_type=disposition,
                        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})
