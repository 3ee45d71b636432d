"""Files that people upload through a form: read, typed by their content, kept outside the site, sent back
only through the caller's access check. One implementation for every capability that takes files (the
feedback's attachments, the results of privilege requests); each says what it accepts in a FilePolicy.

ASVS 5.0 5.2.1-5.2.3 and 5.3.1-5.3.2: a size limit per form, a count limit, the type decided from the
content (magic bytes; for DOCX and XLSX the ZIP's own parts), never from the name or the browser's
Content-Type, and the extension has to agree with it; stored under CLUB_FILES_DIR/<folder> with a random
name (the person's file name is kept as data only), a folder no web server serves; sent back with
nosniff and no-store, or by nginx (CLUB_FILES_ACCEL, an internal location aliased to CLUB_FILES_DIR) once
the caller has checked access.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from python_multipart.exceptions import FormParserError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from portal.core.oneline import one_line
from portal.core.security import verify_csrf
from portal.core.settings import Settings
from portal.web.context import portal_of, visitor
from portal.web.forms import Form

FORM_FILES = 20  # parts the parser accepts at all: more than a policy's max_files gets a readable answer
NAME_LIMIT = 120
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STORED_NAME = re.compile(r"[0-9a-f]{32}")
TEXT_TYPES = ("text/plain", "text/csv")  # no magic bytes: accepted when the content is readable text
DWG = "image/vnd.dwg"
ACCEL_PREFIX = re.compile(r"(/[A-Za-z0-9._~-]+)+/")  # an nginx location like /_club_files/, nothing else


@dataclass(frozen=True)
class FilePolicy:
    """What one form accepts and where its files live."""

    folder: str                      # below CLUB_FILES_DIR
    types: Mapping[str, str]         # extension (".pdf") -> the type its content must be
    words: str                       # the word keys' prefix: <words>.file_type, .file_empty, .too_big, ...
    max_files: int = 5
    max_total: int = 10 * 1024 * 1024  # bytes of all files of one form (CLUB_MAX_UPLOAD_BYTES leaves room)
    max_file: int | None = None      # bytes of one file, when less than max_total
    inline: tuple[str, ...] = ()     # types the browser shows; everything else is downloaded

    @property
    def accept(self) -> str:
        """The file input's accept attribute."""
        return ",".join(self.types)


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


SIGNATURES: tuple[tuple[str, tuple[bytes, ...]], ...] = (
    ("image/jpeg", (b"\xff\xd8\xff",)), ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ("image/gif", (b"GIF87a", b"GIF89a")), ("application/pdf", (b"%PDF-",)))


def sniff(data: bytes) -> str | None:
    """The type the content really is, from its bytes; None for anything else."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if re.match(rb"AC10[0-9]{2}", data[:6]):  # AutoCAD drawings: "AC1015" (2000) ... "AC1032" (2018)
        return DWG
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_type(data)
    return next((content_type for content_type, starts in SIGNATURES if data.startswith(starts)), None)


def is_text(data: bytes) -> bool:
    """Plain text (UTF-8 or the Windows Cyrillic code page Excel writes CSV in): no NUL bytes, and not a page
    a browser would render as HTML if it ever ignored nosniff and the attachment disposition."""
    if b"\x00" in data or data.lstrip()[:1] == b"<":
        return False
    for encoding in ("utf-8", "cp1251"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not any(ch < " " and ch not in "\t\r\n\f" for ch in text)
    return False


def clean_filename(name: str) -> str:
    """The person's file name as data: no folders, no control characters, not too long."""
    base = one_line(re.split(r"[\\/]", name)[-1]).strip(" .")
    if len(base) > NAME_LIMIT:
        stem, ext = os.path.splitext(base)
        base = stem[:NAME_LIMIT - len(ext)] + ext
    return base or "file"


def check_upload(policy: FilePolicy, name: str, data: bytes) -> Upload:
    """An accepted file, or UploadProblem naming it and what is wrong."""
    filename = clean_filename(name)
    expected = policy.types.get(os.path.splitext(filename.lower())[1])
    if expected is None:
        raise UploadProblem(f"{policy.words}.file_type", name=filename)
    if not data:
        raise UploadProblem(f"{policy.words}.file_empty", name=filename)
    found = ("text" if is_text(data) and sniff(data) is None else None) if expected in TEXT_TYPES else sniff(data)
    if found != ("text" if expected in TEXT_TYPES else expected):
        raise UploadProblem(f"{policy.words}.file_mismatch", name=filename)
    return Upload(filename, expected, data)


async def read_files(policy: FilePolicy, files: list[UploadFile]) -> list[Upload]:
    """Every chosen file checked; the count and the total size first, so a huge upload is not read twice."""
    if len(files) > policy.max_files:
        raise UploadProblem(f"{policy.words}.too_many_files", limit=policy.max_files)
    accepted, total = [], 0
    for upload in files:
        data = await upload.read(policy.max_total - total + 1)
        total += len(data)
        if policy.max_file is not None and len(data) > policy.max_file:
            raise UploadProblem(f"{policy.words}.file_too_big", status=413, name=clean_filename(upload.filename or ""),
                                limit=policy.max_file // (1024 * 1024))
        if total > policy.max_total:
            raise UploadProblem(f"{policy.words}.too_big", status=413, limit=policy.max_total // (1024 * 1024))
        accepted.append(check_upload(policy, upload.filename or "", data))
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


def folder(settings: Settings, policy: FilePolicy) -> Path:
    return settings.files_dir / policy.folder


def save(settings: Settings, policy: FilePolicy, uploads: list[Upload]) -> list[tuple[str, str, str, int]]:
    """Write each file under a new random name; (filename, stored name, type, size) for the store."""
    target = folder(settings, policy)
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


def discard(settings: Settings, policy: FilePolicy, stored_names: list[str]) -> None:
    """Files written for a change that was not made (a stale form, a double submit)."""
    for name in stored_names:
        (folder(settings, policy) / name).unlink(missing_ok=True)


def response(settings: Settings, policy: FilePolicy, stored_name: str, filename: str,
             content_type: str, *, accel: bool = False) -> Response:
    """The file with the type found on upload, never guessed again by the browser (nosniff); the caller has
    checked that the visitor may have it. `accel`: the caller is behind nginx (not `club serve`), so with
    CLUB_FILES_ACCEL set nginx sends the file and the portal answers with headers only."""
    path = folder(settings, policy) / stored_name
    if not STORED_NAME.fullmatch(stored_name) or not path.is_file():
        raise HTTPException(404)
    disposition = "inline" if content_type in policy.inline else "attachment"
    # ASVS 5.0 5.4.1-5.4.2: the type decided on upload, nosniff, and the person's name only as RFC 6266 filename*
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    prefix = settings.files_accel
    if accel and prefix and ACCEL_PREFIX.fullmatch(prefix) and ".." not in prefix.split("/"):
        # The target is built from the policy's folder and a checked random name only: nginx cannot be sent
        # anywhere else (docs/nginx.md, location `internal`).
        probe = FileResponse(path, filename=filename, content_disposition_type=disposition, stat_result=path.stat())
        headers["Content-Disposition"] = probe.headers["content-disposition"]
        headers["X-Accel-Redirect"] = f"{prefix}{policy.folder}/{stored_name}"
        return Response(b"", media_type=content_type, headers=headers)
    return FileResponse(path, media_type=content_type, filename=filename, content_disposition_type=disposition,
                        headers=headers)
