"""Everything that touches MkDocs' and Material's private names, in one place, behind a version check.

The speed-ups (patches.py: one Markdown parser, linear blog lookups; prefetch.py and split.py: the
public build converts and renders in two processes) and the per-mode plugin instances all use
names MkDocs and Material do not promise to keep. They were proven output-neutral
(tests/site_builder/test_speedups.py, test_prefetch.py) on exactly the versions in PROVEN, which
pyproject.toml pins. With any other version, or CLUB_NO_SPEEDUPS=1, the build runs the stock code
(the same output, only slower) and says so once.
"""

from __future__ import annotations

import functools
import logging
import os
from importlib.metadata import PackageNotFoundError, version

log = logging.getLogger("site_builder")
PROVEN = {"mkdocs": "1.6.1", "mkdocs-material": "9.8.1", "Markdown": "3.11.3", "pymdown-extensions": "13.1.2"}


def installed_versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for name in PROVEN:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


@functools.cache
def enabled() -> bool:
    """True when the speed-ups may run: not switched off, and every package at its proven version."""
    if os.environ.get("CLUB_NO_SPEEDUPS"):
        return False
    differ = {name: found for name, found in installed_versions().items() if found != PROVEN[name]}
    if differ:
        log.warning("club: building with stock MkDocs code (slower, same output): the speed-ups were proven on %s, "
                    "installed are %s", ", ".join(f"{n} {PROVEN[n]}" for n in differ),
                    ", ".join(f"{n} {v or 'none'}" for n, v in differ.items()))
        return False
    return True


def use_plugin_cache(mode: str, caches: dict[str, dict]) -> None:
    """Give each build mode its own plugin instances.

    MkDocs keeps plugin instances in one process-wide cache so `serve` can reuse them; sharing them
    between the public and private builds would let state (e.g. Material's search index kept for
    dirty rebuilds) cross from the private build into the public one. Only on proven versions:
    elsewhere `club serve` rebuilds in full (build.build_modes keeps no plugins then).
    """
    from mkdocs.config.defaults import MkDocsConfig

    dict(MkDocsConfig._schema)["plugins"].plugin_cache = caches.setdefault(mode, {})
