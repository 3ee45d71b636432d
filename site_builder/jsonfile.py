"""Writing JSON the portal and the browser read while a build runs: whole file or nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def write_json_atomic(path: Path, data: Any, indent: int | None = None) -> None:
    """Write to a temporary file beside `path`, then rename over it (readers never see half)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    separators = None if indent else (",", ":")
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=indent, separators=separators), encoding="utf-8")
    os.replace(tmp, path)
