"""Pictures and attachments of forum posts: what a post may carry, and the forum_files table (its one owner).

A post takes up to five files, 10 MB each, no more than CLUB_MAX_UPLOAD_BYTES less 1 MB of text together:
photos (JPEG, PNG, WebP, GIF) and documents (PDF, DOCX, XLSX, TXT, CSV, DWG drawings). The type is decided
from the content by portal/web/uploads.py (ASVS 5.0 5.2.1-5.2.3); pictures are opened, turned upright,
stripped of all metadata (GPS included), scaled to 1600 px and encoded again by portal/web/images.py, with a
thumbnail. Files live under CLUB_FILES_DIR/forum by random names; a row here ties them to their post, with the
uploader, the sizes and the SHA-256 of the bytes as uploaded. The URL names a random key, and every request is
checked against the forum's own reading rules (portal/forum/file_pages.py).

In a post's text `![caption](upload:N)` shows the post's N-th file (in the order chosen) inline, and
`[text](upload:N)` links to it; the rest are listed under the post.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass, replace
from typing import NamedTuple

from sqlite_utils import Database
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from portal.core.settings import Settings
from portal.core.usertext import Embed
from portal.web import images, uploads
from portal.web.uploads import DOCX, DWG, XLSX, FilePolicy, Upload, UploadProblem

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")
POLICY = FilePolicy(
    folder="forum",
    types={".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
           ".gif": "image/gif", ".pdf": "application/pdf", ".docx": DOCX, ".xlsx": XLSX, ".txt": "text/plain",
           ".csv": "text/csv", ".dwg": DWG},
    words="forum.file", max_files=5, max_file=10 * 1024 * 1024, inline=IMAGE_TYPES)
KINDS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP", "image/gif": "GIF",
         "application/pdf": "PDF", DOCX: "DOCX", XLSX: "XLSX", "text/plain": "TXT", "text/csv": "CSV", DWG: "DWG"}
TEXT_ROOM = 1024 * 1024  # of CLUB_MAX_UPLOAD_BYTES, kept for the post's text and the form's other fields
COLUMNS = ("id, key, post_id, position, filename, content_type, size, width, height, thumb_width, thumb_height, "
           "stored_name, thumb_name")


class ForumFile(NamedTuple):
    """A plain tuple, like rules.Post: topic pages keep these in their cache keys."""

    id: int
    key: str
    post_id: int
    position: int
    filename: str
    content_type: str
    size: int
    width: int | None
    height: int | None
    thumb_width: int | None
    thumb_height: int | None
    stored_name: str
    thumb_name: str | None

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES

    @property
    def kind(self) -> str:
        return KINDS.get(self.content_type, "")

    @property
    def url(self) -> str:
        return f"/forum/files/{self.key}"

    @property
    def thumb_url(self) -> str:
        return f"/forum/files/{self.key}/thumb"


@dataclass(frozen=True)
class Prepared:
    """A checked file, pictures already re-encoded; not yet on disk."""

    upload: Upload
    sha256: str
    original_size: int
    picture: images.Processed | None = None


@dataclass(frozen=True)
class Stored:
    """A file written to disk under its random names, ready for its row."""

    key: str
    prepared: Prepared
    stored_name: str
    thumb_name: str | None


def policy(settings: Settings) -> FilePolicy:
    """The forum's policy with the total this server takes in one form (CLUB_MAX_UPLOAD_BYTES less the text)."""
    return replace(POLICY, max_total=max(settings.max_upload_bytes - TEXT_ROOM, POLICY.max_file or 0))


async def read(settings: Settings, chosen: list[UploadFile]) -> list[Prepared]:
    """The chosen files checked and pictures made safe (off the event loop: a photo takes a fraction of a
    second); UploadProblem naming the file and what is wrong."""
    accepted = await uploads.read_files(policy(settings), chosen)
    return [await run_in_threadpool(prepare, upload) for upload in accepted]


def prepare(upload: Upload) -> Prepared:
    digest, size = hashlib.sha256(upload.data).hexdigest(), len(upload.data)
    if upload.content_type not in IMAGE_TYPES:
        return Prepared(upload, digest, size)
    try:
        picture = images.process(upload.data, upload.content_type)
    except images.ImageProblem as problem:
        raise UploadProblem(f"forum.file.image_{problem.reason}", name=upload.filename) from None
    return Prepared(replace(upload, data=picture.full.data), digest, size, picture)


def write(settings: Settings, prepared: list[Prepared]) -> list[Stored]:
    """Each file (and its thumbnail) on disk under new random names; `discard` them if no post is made."""
    stored: list[Stored] = []
    try:
        for item in prepared:
            (_name, name, _type, _size), = uploads.save(settings, POLICY, [item.upload])
            thumb = None
            if item.picture is not None:
                thumb_upload = Upload(item.upload.filename, item.upload.content_type, item.picture.thumb.data)
                (_name, thumb, _type, _size), = uploads.save(settings, POLICY, [thumb_upload])
            stored.append(Stored(secrets.token_hex(12), item, name, thumb))
    except BaseException:
        discard(settings, stored)
        raise
    return stored


def discard(settings: Settings, stored: list[Stored]) -> None:
    uploads.discard(settings, POLICY, [name for item in stored for name in (item.stored_name, item.thumb_name)
                                       if name])


def embeds(files: tuple[ForumFile, ...] | list[Stored]) -> dict[int, Embed]:
    """What `upload:N` in a post's text stands for, by N (1 = the first file chosen): a new post's files
    (Stored, before their rows exist) or a kept post's (ForumFile)."""
    found: dict[int, Embed] = {}
    for position, item in enumerate(files, 1):
        if isinstance(item, Stored):
            picture, url = item.prepared.picture, f"/forum/files/{item.key}"
            found[position] = Embed(url, item.prepared.upload.filename, f"{url}/thumb" if picture else None,
                                    picture.thumb.width if picture else None,
                                    picture.thumb.height if picture else None)
        else:
            found[item.position] = Embed(item.url, item.filename, item.thumb_url if item.is_image else None,
                                         item.thumb_width, item.thumb_height)
    return found


def insert(db: Database, post_id: int, uploader_id: int, stored: list[Stored]) -> None:
    """Inside the caller's transaction, with the post: the files are on disk already, so a failure here
    rolls the post back too and the caller discards the files."""
    now = time.time()
    for position, item in enumerate(stored, 1):
        prepared, picture = item.prepared, item.prepared.picture
        db.conn.execute(
            "INSERT INTO forum_files (key, post_id, position, uploader_id, filename, content_type, stored_name, "
            "size, original_size, sha256, width, height, thumb_name, thumb_width, thumb_height, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [item.key, post_id, position, uploader_id, prepared.upload.filename, prepared.upload.content_type,
             item.stored_name, len(prepared.upload.data), prepared.original_size, prepared.sha256,
             picture.full.width if picture else None, picture.full.height if picture else None, item.thumb_name,
             picture.thumb.width if picture else None, picture.thumb.height if picture else None, now])


def for_posts(db: Database, post_ids: list[int]) -> dict[int, tuple[ForumFile, ...]]:
    """The files of these posts, each post's in its own order (one query for a topic page)."""
    if not post_ids:
        return {}
    marks = ",".join("?" * len(post_ids))  # placeholders only: the values are bound
    rows = db.execute(f"SELECT {COLUMNS} FROM forum_files WHERE post_id IN ({marks}) "  # noqa: S608
                      "ORDER BY post_id, position", post_ids).fetchall()
    found: dict[int, list[ForumFile]] = {}
    for row in rows:
        found.setdefault(row[2], []).append(ForumFile(*row))
    return {post_id: tuple(files) for post_id, files in found.items()}


def of_post(db: Database, post_id: int) -> tuple[ForumFile, ...]:
    return for_posts(db, [post_id]).get(post_id, ())


def by_key(db: Database, key: str) -> ForumFile | None:
    row = db.execute(f"SELECT {COLUMNS} FROM forum_files WHERE key = ?", [key]).fetchone()  # noqa: S608
    return ForumFile(*row) if row else None


def searchable(body: str, files: list[Stored] | tuple[ForumFile, ...]) -> str:
    """A post's text for the search index with its file names: a member looking for «схема.pdf» finds it."""
    names = [item.prepared.upload.filename if isinstance(item, Stored) else item.filename for item in files]
    return " ".join([body, *names]).strip()


# Search's reindex (forum/search.py) reads the names in SQL: the same text as searchable() makes.
SEARCHABLE_SQL = ("p.body || coalesce((SELECT ' ' || group_concat(f.filename, ' ') FROM forum_files f "
                  "WHERE f.post_id = p.id), '')")


def personal_data(db: Database, user_id: int) -> dict[str, list[dict]]:
    """The files the person uploaded (what the club keeps about each; the files themselves are in their posts)."""
    fields = ("post", "file_name", "type", "size", "size_uploaded", "sha256", "width", "height", "uploaded_at")
    rows = db.execute("SELECT post_id, filename, content_type, size, original_size, sha256, width, height, "
                      "created_at FROM forum_files WHERE uploader_id = ? ORDER BY id", [user_id]).fetchall()
    return {"forum_files": [dict(zip(fields, row, strict=True)) for row in rows]}
