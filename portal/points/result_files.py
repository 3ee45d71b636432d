"""What staff may attach to a done privilege request (a commercial proposal as PDF, texts, a spreadsheet,
pictures, an archive): five files at most, 10 MB in all, under CLUB_FILES_DIR/points, always downloaded.
portal/web/uploads.py reads, checks, keeps and sends them (ASVS 5.0 5.2.1-5.2.3, 5.3.1-5.3.2)."""

from __future__ import annotations

from starlette.responses import FileResponse

from portal.core.settings import Settings
from portal.points.requests import ResultFile
from portal.web.uploads import DOCX, XLSX, FilePolicy, response

POLICY = FilePolicy(
    folder="points",
    types={".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
           ".zip": "application/zip", ".docx": DOCX, ".xlsx": XLSX},
    words="points.requests.error")


def result_response(settings: Settings, found: ResultFile) -> FileResponse:
    return response(settings, POLICY, found.stored_name, found.filename, found.content_type)
