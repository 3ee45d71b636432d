"""`club db backup` also keeps the uploaded files (CLUB_FILES_DIR: feedback attachments, privilege request
results, forum pictures and attachments) in a `files/` folder beside the database copies.

Uploaded files never change after they are written: each has a new random name (portal/web/uploads.py), so a
file already in the backup is the same file, and each run copies only the new ones (a nightly backup of a
club with years of photos stays quick). Files deleted from CLUB_FILES_DIR stay in the backup; the database
copy says which ones any post or request still uses. Each copy is written under a temporary name and renamed,
readable by the owner only (a backup holds the same personal data as the portal: ASVS 5.0 14.2.4).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FilesCopied:
    target: Path
    copied: int
    size: int


def copy_new_files(source: Path, target: Path) -> FilesCopied:
    """Every file under `source` that `target` lacks, with the same relative path; nothing when there is no source."""
    copied = size = 0
    if not source.is_dir():
        return FilesCopied(target, 0, 0)
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        destination = target / path.relative_to(source)
        if destination.exists():
            continue
        destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(prefix=f".{destination.name}.", dir=destination.parent)
        try:
            with os.fdopen(fd, "wb") as out, path.open("rb") as original:
                shutil.copyfileobj(original, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, destination)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        copied, size = copied + 1, size + destination.stat().st_size
    return FilesCopied(target, copied, size)
