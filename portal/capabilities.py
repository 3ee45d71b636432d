"""The list of capabilities this portal runs: the built-in ones, then any installed package's.

`app.py` and `cli.py` walk this list and nothing else. An outside package adds a capability by
declaring `[project.entry-points."partner_club.capabilities"] name = "package.module:CAPABILITY"`;
built-in capabilities are declared exactly the same way (a `CAPABILITY` in their `capability.py`).
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points

from portal.core.capability import REGISTRY, Capability

BUILTIN = ("portal.core.schema", "portal.accounts.capability", "portal.site.capability",
           "portal.companies.capability", "portal.feedback.capability", "portal.events.capability",
           "portal.points.capability", "portal.tools.capability", "portal.orders.capability",
           "portal.forum.capability",
           "portal.newsletters.capability", "portal.surveys.capability", "portal.staff.capability",
           "portal.ops.capability")
ENTRY_POINT_GROUP = "partner_club.capabilities"


def installed() -> list[Capability]:
    """Every capability, registered (words, migration numbers checked) on first use, in a stable order."""
    for module in BUILTIN:
        REGISTRY.register(importlib.import_module(module).CAPABILITY)
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        REGISTRY.register(entry.load())
    return list(REGISTRY)


installed()  # importing this module registers them: connect() finds every migration, t() every word
