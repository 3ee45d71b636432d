"""Writing JSON the portal and the browser read while a build runs: whole file or nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def write_json_atomic(path: Path, data: Any, indent: int | None = None, keep_same: bool = False) -> None:
    """Write to a temporary file beside `path`, then rename over it (readers never see half).

    `keep_same`: leave a file that already holds exactly this alone, mtime included."""
    path.parent.mkdir(parents=True, exist_ok=True)
    separators = None if indent else (",", ":")
    text = json.dumps(data, ensure_ascii=False, indent=indent, separators=separators)
    if keep_same:
        try:
            if path.read_text(encoding="utf-8") == text:
                return
        except (OSError, UnicodeDecodeError):
            pass
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
