"""The privilege catalogue: `privileges:` in a club page's front matter, validated with file:line, shown as
the page's table (at its marker) and written to site/privileges.json (the format: contract.py), which the
portal's cabinet reads. One list feeds both, so the public page and the cabinet never disagree.

Front matter, not a data file beside the page: the catalogue lives with the text that explains it, the
front-matter loader already knows every key's line, and a `.yml` file under content/ would be published
as a download of its own."""

from __future__ import annotations

import re

from .contract import PrivilegeEntry
from .errors import ContentError, did_you_mean
from .model import Page, Validator

MARKER = "<!-- club:privileges -->"  # where the page shows the table
_MARKER_LINE = re.compile(r"^[ \t]*<!--\s*club:privileges\s*-->[ \t]*$", re.MULTILINE)
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED = ("id", "name", "description", "cost", "fulfilled_by", "partner_provides")
KEYS = (*REQUIRED, "available")
MAX_ID = 60
EXAMPLE = ('`- {id: kommercheskoe-predlozhenie, name: "Коммерческое предложение", description: "...", '
           'cost: 1500, fulfilled_by: "Отдел маркетинга", partner_provides: "..."}`')


def privilege_fields(check: Validator, data: dict) -> dict:
    """The page's `privileges:` (a club page's only key of its own); {} when it has none."""
    if "privileges" not in data:
        return {}
    items = data["privileges"]
    if not isinstance(items, list) or not items:
        check.error("privileges", f"`privileges` must be a list of privileges, one item each, e.g. {EXAMPLE}")
        return {"privileges": []}
    found: list[PrivilegeEntry] = []
    for index, item in enumerate(items):
        entry = one_privilege(check, item, f"privileges.{index}")
        if entry and any(other.id == entry.id for other in found):
            check.error(f"privileges.{index}.id", f"two privileges have the id {entry.id!r}; the cabinet and "
                                                  "requests find a privilege by it: give each its own `id`")
        elif entry:
            found.append(entry)
    return {"privileges": found}


def one_privilege(check: Validator, item: object, at: str) -> PrivilegeEntry | None:
    """One item of `privileges:`; `at` ("privileges.2") finds its lines for the errors."""
    if not isinstance(item, dict):
        check.error(at, f"each privilege must be a mapping of {', '.join(REQUIRED)}, e.g. {EXAMPLE}")
        return None
    sub = Validator(check.config, check.display, {k[len(at) + 1:]: v for k, v in check.lines.items()
                                                  if k.startswith(at + ".")})
    for key in item:
        if key not in KEYS:
            sub.error(str(key), f"unknown privilege key `{key}`{did_you_mean(str(key), KEYS)}; a privilege takes: "
                                f"{', '.join(KEYS)}")
    values = {key: texts(sub, item, key) for key in REQUIRED if key != "cost"}
    ident = values["id"]
    if ident and (not _ID.match(ident) or len(ident) > MAX_ID):
        sub.error("id", f"privilege id {ident!r} must be a slug: lowercase latin letters and digits joined by "
                        f"'-', at most {MAX_ID} characters, e.g. \"kopirayting\"; it goes into the cabinet's "
                        "addresses, so do not change it once partners use it")
    cost = points(sub, item)
    available = sub.flag(item, "available") if "available" in item else True
    item_line = check.lines.get(at, 1)
    for error in sub.errors:  # a missing key has no line of its own (1): point at the item instead
        check.errors.append(error if error.line != 1 else ContentError(error.path, item_line, error.message))
    if sub.errors or cost is None:
        check.bad_keys.add("privileges")
        return None
    return PrivilegeEntry(id=ident, name=values["name"], description=values["description"], cost=cost,
                          fulfilled_by=values["fulfilled_by"], partner_provides=values["partner_provides"],
                          available=available, page="")


def texts(check: Validator, item: dict, key: str) -> str:
    value = check.text(item, key)
    if not value and key not in check.bad_keys:
        check.error(key, f"the privilege has no `{key}`; add `{key}: ...` to it ({DESCRIBE[key]})")
    return value


DESCRIBE = {"id": "a stable latin slug, e.g. kopirayting", "name": "what partners see in the list",
            "description": "one or two sentences on what the partner gets",
            "fulfilled_by": "who does the work, e.g. Отдел маркетинга",
            "partner_provides": "what the partner must give, e.g. адрес сайта и доступ к CMS"}


def points(check: Validator, item: dict) -> int | None:
    if "cost" not in item or item["cost"] is None:
        check.error("cost", "the privilege has no `cost`; add `cost:` in whole points, e.g. `cost: 1500`")
        return None
    value = item["cost"]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        check.error("cost", f"`cost` must be a whole number of points, at least 1, got {value!r}; write it "
                            "without spaces or decimals, e.g. `cost: 1500`")
        return None
    return value


def catalogue_errors(pages: list[Page]) -> list[ContentError]:
    """Site-wide rules: one catalogue, and its table marker exactly where there is a catalogue."""
    errors: list[ContentError] = []
    owner: Page | None = None
    for page in sorted(pages, key=lambda p: p.rel):
        has_list = "privileges" in page.extra
        marks = len(_MARKER_LINE.findall(page.body))
        if has_list and owner is not None:
            errors.append(ContentError(page.display, page.line_of("privileges"),
                                       f"{owner.display} already has the privilege catalogue; the club has one: "
                                       "move these privileges there"))
        elif has_list:
            owner = page
        if has_list and marks != 1:
            errors.append(ContentError(page.display, page.line_of("privileges"),
                                       f"put one line `{MARKER}` in the text where the privilege table goes "
                                       f"(found {marks})"))
        elif marks and not has_list:
            errors.append(ContentError(page.display, page.body_line,
                                       f"`{MARKER}` shows the privilege catalogue, but this page has no "
                                       "`privileges:`; remove the line or add the list"))
    return errors


def fill_marker(body: str, table: str) -> str:
    """The page's text with its marker line replaced by the rendered table."""
    return _MARKER_LINE.sub(lambda _: table, body, count=1)


def privilege_entries(pages: list[Page]) -> list[PrivilegeEntry]:
    """Every privilege of the catalogue, hidden ones too (marked `available: false`), in the page's order."""
    for page in sorted(pages, key=lambda p: p.rel):
        entries = page.extra.get("privileges")
        if entries:
            return [PrivilegeEntry(**{**vars(e), "page": "/" + page.url}) for e in entries]
    return []
