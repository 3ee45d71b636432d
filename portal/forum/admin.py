"""Forum categories, managed by staff at /staff/forum; a starter set for a new club."""

from __future__ import annotations

import re

from sqlite_utils import Database
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.forum import store
from portal.web.context import visitor
from portal.web.forms import read_form, whole_number
from portal.web.guards import requires
from portal.web.navigation import redirect
from portal.web.templating import render

LEVELS = ("members", "staff")
# A category's read level decides who sees what is written in it: admins only (least privilege).
CATEGORY_ROLES = ("admin",)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")

STARTER = [  # slug, title, description, position, read, post, (English title, English description)
    ("obyavleniya", "Объявления клуба", "Новости и объявления сотрудников клуба", 0, "members", "staff",
     ("Club announcements", "News and announcements from the club's staff")),
    ("obshchie-voprosy", "Общие вопросы", "Знакомство, вопросы о клубе и обо всём остальном", 1, "members",
     "members", ("General questions", "Introductions, questions about the club and everything else")),
    ("proekty-i-raschety", "Проекты и расчёты", "Светотехнические расчёты, подбор оборудования, опыт проектов", 2,
     "members", "members",
     ("Projects and calculations", "Lighting calculations, choosing equipment, project experience")),
    ("montazh", "Монтаж и подключение", "Схемы, драйверы, управление освещением, частые ошибки", 3, "members",
     "members", ("Installation and wiring", "Wiring diagrams, drivers, lighting controls, common mistakes")),
    ("rynok", "Рынок и продажи", "Спрос, цены, тендеры, работа с заказчиками", 4, "members", "members",
     ("Market and sales", "Demand, prices, tenders, working with clients")),
]


def seed_categories(db: Database) -> int:
    """The starter categories, only into an empty forum. Returns how many were added."""
    if store.count_categories(db):
        return 0
    for slug, title, description, position, read, post, (title_en, description_en) in STARTER:
        store.create_category(db, slug, title, description, position, read, post, title_en, description_en)
    return len(STARTER)


def seed_starter_categories(db: Database) -> str | None:
    """`club serve` on a new club: the starter set, and a line saying so."""
    if seed_categories(db):
        return "forum: created the starter categories (change them at /staff/forum)"
    return None


def category_problems(values: dict, t) -> dict[str, str]:
    errors = {}
    if not _SLUG.match(values["slug"]):
        errors["slug"] = t("forum.slug_invalid")
    if not 2 <= len(values["title"]) <= 100:
        errors["title"] = t("forum.category_title_invalid")
    if values["title_en"] and not 2 <= len(values["title_en"]) <= 100:  # optional: the Russian one is shown
        errors["title_en"] = t("forum.category_title_invalid")
    for name in ("description", "description_en"):
        if len(values[name]) > 300:
            errors[name] = t("forum.category_description_invalid")
    if values["read_level"] not in LEVELS or values["post_level"] not in LEVELS:
        errors["_form"] = t("error.choice_invalid")
    if whole_number(values["position"].removeprefix("-"), 1_000_000) is None:
        errors["position"] = t("error.choice_invalid")
    return errors


@requires(roles=CATEGORY_ROLES)
async def categories_page(request: Request) -> Response:
    db = request.app.state.portal.db
    return render(request, "forum/admin.html", {"categories": store.list_categories(db, None), "values": {}})


@requires(roles=CATEGORY_ROLES)
async def save_category(request: Request) -> Response:
    who = visitor(request)
    db, form = request.app.state.portal.db, await read_form(request)
    values = {name: form.text(name, 500) for name in ("slug", "position", "read_level", "post_level")}
    values.update({name: form.line(name, 500) for name in ("title", "description", "title_en", "description_en")})
    errors = category_problems(values, who.t)
    existing = store.get_category(db, slug=values["slug"]) if not errors else None
    if errors:
        return render(request, "forum/admin.html", {"categories": store.list_categories(db, None),
                                                    "values": values, "errors": errors}, status_code=400)
    if existing is None:
        store.create_category(db, values["slug"], values["title"], values["description"], int(values["position"]),
                              values["read_level"], values["post_level"], values["title_en"], values["description_en"])
    else:
        store.update_category(db, existing.id, values["title"], values["description"], int(values["position"]),
                              values["read_level"], values["post_level"], values["title_en"], values["description_en"])
    return redirect("/staff/forum")


ROUTES = [
    Route("/staff/forum", categories_page, methods=["GET"]),
    Route("/staff/forum", save_category, methods=["POST"]),
]
