"""Forum categories for admins: names in both languages, shown by the reader's language."""

from portal.forum import admin, store
from portal.forum.rules import Category
from tests.portal_fixtures import make_user, sign_in, submit

FORM = {"slug": "svet", "title": "Свет и тень", "description": "Всё о свете", "position": "5",
        "read_level": "members", "post_level": "members"}


def _admin(client, app):
    make_user(app.state.portal.db, "staff@example.ru", role="admin")
    sign_in(client, "staff@example.ru")


def test_category_names_follow_the_language_with_russian_where_no_english():
    both = Category(1, "a", "Монтаж", "Схемы", 0, "members", "members", "Installation", "Diagrams")
    russian_only = Category(2, "b", "Рынок", "Спрос", 0, "members", "members")
    assert (both.name("en"), both.about("en"), both.name("ru"), both.about("ru")) == (
        "Installation", "Diagrams", "Монтаж", "Схемы")
    assert (russian_only.name("en"), russian_only.about("en")) == ("Рынок", "Спрос")


def test_admin_saves_the_english_name_and_readers_see_it_by_language(client, app, member, forum):
    _admin(client, app)
    response = submit(client, "/staff/forum", "/staff/forum", {
        **FORM, "title_en": "Light and shade", "description_en": "All about light"})
    assert response.status_code == 303
    category = store.get_category(app.state.portal.db, slug="svet")
    assert (category.title_en, category.description_en) == ("Light and shade", "All about light")
    english = member.client.get("/forum/?lang=en").text
    assert "Light and shade" in english and "All about light" in english and "Свет и тень" not in english
    russian = member.client.get("/forum/?lang=ru").text
    assert "Свет и тень" in russian and "Light and shade" not in russian
    assert "<h1>Light and shade</h1>" in member.client.get("/forum/c/svet/?lang=en").text


def test_editing_a_category_changes_its_english_name(client, app, forum):
    _admin(client, app)
    submit(client, "/staff/forum", "/staff/forum", {**FORM, "title_en": "Light"})
    submit(client, "/staff/forum", "/staff/forum", {**FORM, "title_en": "Light and colour"})
    assert store.get_category(app.state.portal.db, slug="svet").title_en == "Light and colour"


def test_a_bad_english_name_brings_the_form_back_with_the_input(client, app, forum):
    _admin(client, app)
    response = submit(client, "/staff/forum", "/staff/forum", {**FORM, "title_en": "L", "description_en": "x" * 301})
    assert response.status_code == 400
    assert 'value="L"' in response.text and "x" * 301 in response.text
    assert store.get_category(app.state.portal.db, slug="svet") is None


def test_only_admins_edit_categories(member, forum, app):
    response = member.client.post("/staff/forum", data={**FORM, "title_en": "Light"}, follow_redirects=False)
    assert response.status_code in (303, 403, 404)
    assert store.get_category(app.state.portal.db, slug="svet") is None


def test_starter_categories_come_in_both_languages(app):
    db = app.state.portal.db
    assert admin.seed_categories(db) == len(admin.STARTER)
    names = {c.slug: (c.title, c.name("en")) for c in store.categories(db)}
    assert names["obyavleniya"] == ("Объявления клуба", "Club announcements")
    assert all(english and english != russian for russian, english in names.values())


def test_the_migration_names_an_existing_clubs_starter_categories_in_english(app):
    from portal.forum.migrations import MIGRATIONS

    db = app.state.portal.db
    admin.seed_categories(db)
    db.execute("UPDATE forum_categories SET title_en = '', description_en = ''")
    db.execute("UPDATE forum_categories SET title_en = 'Our own name' WHERE slug = 'rynok'")  # an admin's is kept
    sql = next(m.sql for m in MIGRATIONS if m.version == 38)
    db.conn.executescript(sql.split("-- The starter categories", 1)[1].split("\n", 1)[1])
    names = {c.slug: (c.name("en"), c.about("en")) for c in store.categories(db)}
    assert names["obyavleniya"] == ("Club announcements", "News and announcements from the club's staff")
    assert names["rynok"][0] == "Our own name"
