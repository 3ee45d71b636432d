"""Copying a built tree into place: only the files that changed (copy2 keeps the nanoseconds, so "the same"
is size and mtime), removing what is no longer built, or swapping a whole folder in with two renames."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from .leaks import versions


def _same(src: Path, dst: Path) -> bool:
    """dst is the copy of this version of src (copy2 keeps the nanoseconds). Whole seconds were
    not enough: `club serve` rebuilds within a second, and an edit may keep the size."""
    try:
        a, b = src.stat(), dst.stat()
    except OSError:
        return False
    return a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns


def sync_files(src_root: Path, dst_root: Path, rels: list[str], keep: set[str] | None = None,
               remove_extra: bool = True) -> None:
    """Make dst_root hold exactly `rels` copied from src_root (plus `keep`, written elsewhere);
    not `remove_extra`: at least them."""
    wanted = set(keep or ())
    for rel in rels:
        src, dst = src_root / rel, dst_root / rel
        if not src.is_file():
            continue
        wanted.add(rel)
        if not _same(src, dst):
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
    if remove_extra:
        _remove_extra(dst_root, wanted)


def swap_in(src: Path, dst: Path) -> None:
    """Replace the folder dst by src with two renames (copy when they are on different disks).

    The replaced tree is deleted by a background `rm`: thousands of files take a second or two,
    and nothing waits for them."""
    old = dst.with_name(f".{dst.name}.replaced-{time.time_ns()}")
    try:
        if dst.exists():
            os.rename(dst, old)
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.rename(src, dst)
    except OSError:
        if old.exists() and not dst.exists():
            os.rename(old, dst)
        sync_tree(src, dst)
    if old.exists():
        # The shell puts rm in the background and exits at once, so nothing is left to wait for.
        subprocess.run(["sh", "-c", 'rm -rf -- "$1" >/dev/null 2>&1 &', "sh", str(old)], check=False)


def sync_tree(src_root: Path, dst_root: Path) -> None:
    sync_files(src_root, dst_root, [rel for (rel, _, _), _ in versions(src_root)])


def _remove_extra(root: Path, wanted: set[str]) -> None:
    if not root.exists():
        return
    for path in sorted(root.rglob("*"), reverse=True):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and rel not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
