"""The results staff attach to a done request (a commercial proposal as PDF, a spreadsheet, pictures):
read from the form, typed by their content, kept outside the site, sent back only through the access check.

ASVS 5.0 5.2.1-5.2.3 and 5.3.1-5.3.2 (as portal/feedback/attachments.py, whose approach this follows; the
capabilities share no code): a size and a count limit per form; the type decided from the content
(magic bytes; for DOCX and XLSX, the ZIP's own parts), never from the browser's Content-Type, and the
extension has to agree with it; stored under CLUB_FILES_DIR/points with a random name (the original name
is kept as data only), in a folder no web server serves; downloaded as an attachment with nosniff and
no-store.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import zipfile
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
from portal.points.requests import ResultFile
from portal.web.context import portal_of, visitor
from portal.web.forms import Form

MAX_FILES = 5
MAX_TOTAL = 10 * 1024 * 1024  # bytes of all files of one form (CLUB_MAX_UPLOAD_BYTES leaves room for the text)
FORM_FILES = 20  # parts the parser accepts at all: more than MAX_FILES gets a readable answer, far more a 400
NAME_LIMIT = 120
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
         ".zip": "application/zip", ".docx": DOCX, ".xlsx": XLSX}
ACCEPT = ",".join(TYPES)  # the file input's accept attribute


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


def _zip_type(data: bytes) -> str | None:
    """DOCX and XLSX are ZIP files with their own parts inside; any other readable ZIP is a ZIP."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return "application/zip"


def sniff(data: bytes) -> str | None:
    """The type the content really is, from its bytes; None for anything else."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_type(data)
    return None


def clean_filename(name: str) -> str:
    """The file's name as data: no folders, no control characters, not too long."""
    base = one_line(re.split(r"[\\/]", name)[-1]).strip(" .")
    if len(base) > NAME_LIMIT:
        stem, ext = os.path.splitext(base)
        base = stem[:NAME_LIMIT - len(ext)] + ext
    return base or "file"


def check_upload(name: str, data: bytes) -> Upload:
    """An accepted file, or UploadProblem naming it and what is wrong."""
    filename = clean_filename(name)
    expected = TYPES.get(os.path.splitext(filename.lower())[1])
    if expected is None:
        raise UploadProblem("points.requests.error.file_type", name=filename)
    if not data:
        raise UploadProblem("points.requests.error.file_empty", name=filename)
    if sniff(data) != expected:
        raise UploadProblem("points.requests.error.file_mismatch", name=filename)
    return Upload(filename, expected, data)


async def read_files(files: list[UploadFile]) -> list[Upload]:
    """Every chosen file checked; the count and the total size first, so a huge upload is not read twice."""
    if len(files) > MAX_FILES:
        raise UploadProblem("points.requests.error.too_many_files", limit=MAX_FILES)
    accepted, total = [], 0
    for upload in files:
        data = await upload.read(MAX_TOTAL - total + 1)
        total += len(data)
        if total > MAX_TOTAL:
            raise UploadProblem("points.requests.error.too_big", status=413, limit=MAX_TOTAL // (1024 * 1024))
        accepted.append(check_upload(upload.filename or "", data))
    return accepted


async def read_upload_form(request: Request) -> tuple[Form, list[UploadFile]]:
    """The posted form with its files (`files` fields), after the CSRF check (ASVS 5.0 3.5.1); a damaged
    body is a 400. The caller closes `form.data` when done (its files are spooled to disk)."""
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
    return settings.files_dir / "points"


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


def discard(settings: Settings, saved: list[tuple[str, str, str, int]]) -> None:
    """Files written for a change that was not made (a stale form, a double submit)."""
    for _name, stored, _type, _size in saved:
        (folder(settings) / stored).unlink(missing_ok=True)


def response(settings: Settings, found: ResultFile) -> FileResponse:
    """The file as an attachment with the type found on upload, never guessed again by the browser."""
    path = folder(settings) / found.stored_name
    if not re.fullmatch(r"[0-9a-f]{32}", found.stored_name) or not path.is_file():
        raise HTTPException(404)
    return FileResponse(path, media_type=found.content_type, filename=found.filename,
                        content_disposition_type="attachment",
                        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})
