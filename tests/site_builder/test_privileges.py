"""The privilege catalogue in front matter: every bad input names file:line; the demo's table and file."""

import html
import json

import pytest

from site_builder.content import load_site
from site_builder.contract import PRIVILEGES, PRIVILEGES_VERSION, PrivilegeEntry, read_privileges

from .test_model import problems

HEAD = "---\ntitle: Привилегии\nprivileges:\n"  # lines 1-3; the first item starts on line 4
ITEM = ("  - id: kopirayting\n    name: Копирайтинг\n    description: Тексты для сайта.\n    cost: 1200\n"
        "    fulfilled_by: Отдел маркетинга\n    partner_provides: доступ к CMS\n")  # lines 4-9
BODY = "---\nТекст.\n\n<!-- club:privileges -->\n\nЕщё текст.\n"


def catalogue(project, items: str, body: str = BODY) -> None:
    project.write("club/privileges.md", HEAD + items + body)


def test_a_privilege_loads_and_is_available_by_default(project):
    catalogue(project, ITEM)
    [entry] = load_site(project.config()).by_rel()["club/privileges.md"].extra["privileges"]
    assert (entry.id, entry.name, entry.cost, entry.fulfilled_by, entry.available) == (
        "kopirayting", "Копирайтинг", 1200, "Отдел маркетинга", True)


@pytest.mark.parametrize(("items", "line", "message"), [
    (ITEM.replace("    cost: 1200\n", ""), 4, "the privilege has no `cost`"),
    (ITEM.replace("    name: Копирайтинг\n", ""), 4, "the privilege has no `name`"),
    (ITEM.replace("    partner_provides: доступ к CMS\n", ""), 4, "the privilege has no `partner_provides`"),
    (ITEM.replace("cost: 1200", "cost: 12.5"), 7, "`cost` must be a whole number of points, at least 1, got 12.5"),
    (ITEM.replace("cost: 1200", "cost: 0"), 7, "`cost` must be a whole number of points, at least 1, got 0"),
    (ITEM.replace("cost: 1200", "cost: -5"), 7, "`cost` must be a whole number of points"),
    (ITEM.replace("cost: 1200", 'cost: "1 200"'), 7, "`cost` must be a whole number of points"),
    (ITEM.replace("cost: 1200", "cots: 1200"), 7, "unknown privilege key `cots` (did you mean \"cost\"?)"),
    (ITEM.replace("id: kopirayting", "id: Копирайтинг"), 4, "privilege id 'Копирайтинг' must be a slug"),
    (ITEM.replace("id: kopirayting", "id: kopi rayting"), 4, "privilege id 'kopi rayting' must be a slug"),
    (ITEM + ITEM.replace("cost: 1200", "cost: 900"), 10, "two privileges have the id 'kopirayting'"),
    (ITEM.replace("    available: x\n", "") + "    available: да\n", 10, "`available` must be true or false"),
    ("  Копирайтинг\n", 3, "`privileges` must be a list of privileges"),
    ("  - Копирайтинг\n", 4, "each privilege must be a mapping"),
])
def test_bad_privileges(project, items, line, message):
    catalogue(project, items)
    errors = problems(project)
    assert any(e.startswith(f"content/club/privileges.md:{line}: {message}") for e in errors), errors
    assert len(errors) == (2 if "cots" in items else 1)  # a misspelt `cost` is also a missing one


def test_an_empty_list_is_an_error(project):
    project.write("club/privileges.md", "---\ntitle: П\nprivileges: []\n" + BODY)
    [error] = problems(project)
    assert error.startswith("content/club/privileges.md:3: `privileges` must be a list of privileges")


def test_the_catalogue_needs_its_marker(project):
    catalogue(project, ITEM, body="---\nТекст без таблицы.\n")
    [error] = problems(project)
    assert error.startswith("content/club/privileges.md:3: put one line `<!-- club:privileges -->`")


def test_a_marker_without_a_catalogue_is_an_error(project):
    project.write("club/rules.md", "---\ntitle: Правила\n---\n<!-- club:privileges -->\n")
    [error] = problems(project)
    assert error.startswith("content/club/rules.md:4: `<!-- club:privileges -->` shows the privilege catalogue")


def test_the_club_has_one_catalogue(project):
    catalogue(project, ITEM)
    project.write("club/second.md", HEAD + ITEM + BODY)
    [error] = problems(project)
    assert error.startswith("content/club/second.md:3: content/club/privileges.md already has the privilege")


def test_privileges_are_a_key_of_club_pages_only(project):
    project.write("technical/a.md", HEAD + ITEM + BODY)
    assert any("unknown front matter key `privileges`" in e for e in problems(project))


def test_the_demo_page_shows_every_available_privilege_from_the_data(demo):
    page = (demo.site / "public" / "club" / "privileges" / "index.html").read_text(encoding="utf-8")
    entries = read_privileges(demo.site / PRIVILEGES)
    assert len(entries) == 9
    for entry in entries.values():
        row = page[page.index(f'<tr id="{entry.id}">'):]
        row = row[: row.index("</tr>")]
        assert html.escape(entry.name, quote=False) in row and html.escape(entry.fulfilled_by, quote=False) in row
        assert f"{entry.cost:,}".replace(",", "\u00a0") in row
    assert "1\u00a0500" in page and "18\u00a0000" in page and "<!-- club:privileges -->" not in page
    assert "Как оформить заявку" in page  # the editor's text stays around the table


def test_the_demo_file_names_the_page_and_the_costs(demo):
    data = json.loads((demo.site / PRIVILEGES).read_text(encoding="utf-8"))
    assert data["version"] == PRIVILEGES_VERSION
    entries = read_privileges(demo.site / PRIVILEGES)
    assert entries["kommercheskoe-predlozhenie"].cost == 1500
    assert {e.page for e in entries.values()} == {"/club/privileges/"}
    assert all(isinstance(e, PrivilegeEntry) and e.available for e in entries.values())
