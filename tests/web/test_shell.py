"""Portal pages inside the site's shell (portal/web/shell.py, themes/portal/templates/base.html)."""

import base64
import hashlib
import os
import re

import pytest
from starlette.testclient import TestClient

from portal.core.security import CSRF_PLACEHOLDER, PORTAL_CSP
from site_builder.contract.shell import ACCOUNT, CONTENT, TITLE, VERSION_META, shell_path
from tests.portal_fixtures import BASE_URL, csrf_of

SCRIPT = "__md_scope=new URL('/',location)"


def shell_text(marker: str = "ru-shell", version_meta: str = VERSION_META) -> str:
    """A shell as the build makes it (trimmed): Material's header, tabs, search, footer and an inline script."""
    return (f'<!doctype html><html lang="ru"><head><title>{TITLE} - Клуб</title>{version_meta}'
            f'<link rel="stylesheet" href="/assets/stylesheets/main.css"><script>{SCRIPT}</script></head>'
            f'<body><header class="md-header" data-marker="{marker}"><span>{TITLE}</span>'
            f'<div class="md-search" data-md-component="search"></div>{ACCOUNT}</header>'
            '<nav class="md-tabs" data-md-component="tabs"><ul>'
            '<li class="md-tabs__item">\n <a href="/" class="md-tabs__link">Главная</a></li>'
            '<li class="md-tabs__item">\n <a href="/forum/" class="md-tabs__link">Форум</a></li></ul></nav>'
            f'<main class="md-main"><article class="md-content__inner md-typeset">{CONTENT}</article></main>'
            '<footer class="md-footer">© Клуб</footer><script src="/assets/javascripts/bundle.js"></script>'
            "</body></html>")


@pytest.fixture
def shell(mini_site):
    path = shell_path(mini_site, "ru")
    path.parent.mkdir(exist_ok=True)
    path.write_text(shell_text(), encoding="utf-8")
    return path


def script_src(response) -> str:
    return re.search(r"script-src ([^;]*)", response.headers["content-security-policy"]).group(1)


def test_a_guests_page_has_the_sites_header_tabs_search_and_footer_and_sign_in(shell, client):
    response = client.get("/account/login")
    page = response.text
    assert response.status_code == 200
    assert 'data-marker="ru-shell"' in page and 'data-md-component="tabs"' in page
    assert 'data-md-component="search"' in page and 'class="md-footer"' in page
    assert 'class="p-header"' not in page and "p-plain" not in page  # not the plain layout
    assert re.search(r"<title>[^<]+ - Клуб</title>", page) and TITLE not in page
    assert '/_portal/static/portal.css"' in page.split("</head>")[0]
    header = page.split("</header>")[0]
    assert 'href="/account/login" data-club-signin' in header and 'href="/account/register" data-club-join' in header
    assert 'href="?lang=en"' in header
    assert page.index('<div class="p-shell">') > page.index('<article class="md-content__inner md-typeset">')
    assert response.headers["cache-control"] == "no-store"


def test_a_members_page_has_their_name_and_the_club_menu_with_a_sign_out_form(shell, member):
    page = member.client.get("/account/").text
    header = page.split("</header>")[0]
    summary = '<summary class="club-account__link club-account__name" title="Участник клуба">'
    assert f"{summary}{member.user.name}</summary>" in header
    assert 'href="/account/"' in header and 'href="/forum/"' in header and 'href="/feedback/new"' in header
    assert 'href="/staff/"' not in header  # not staff
    form = re.search(r'<form method="post" action="/account/logout">(.*?)</form>', header, re.S).group(1)
    assert f'name="csrf" value="{csrf_of(page)}"' in form
    assert "data-club-signin" not in header
    response = member.client.post("/account/logout", data={"csrf": csrf_of(form)}, follow_redirects=False)
    assert response.status_code == 303
    assert "data-club-signin" in member.client.get("/account/login").text


def test_the_kept_account_area_is_each_readers_own_with_each_pages_own_token(shell, member, manager, app):
    # The account area is rendered once per language, name, level and menu (templating.account_area): a second
    # page must still carry its own sign-out token, another member their own name and menu, a renamed member
    # the new name.
    def area(person):
        page = person.client.get("/account/").text
        header = page.split("</header>")[0]
        return header, csrf_of(page), re.search(r'action="/account/logout">\s*<input type="hidden" name="csrf" '
                                                 r'value="([^"]+)"', header).group(1)

    first, second = area(member), area(member)
    assert first[1] == first[2] and second[1] == second[2] and first[2] != second[2]  # masked afresh per page
    staff = area(manager)[0]
    assert manager.user.name in staff and member.user.name not in staff and 'href="/staff/"' in staff
    app.state.portal.db.execute("UPDATE users SET name = ? WHERE id = ?", ["Анна Новая", member.user.id])
    assert "Анна Новая</summary>" in area(member)[0]
    assert CSRF_PLACEHOLDER not in area(member)[0]


def test_staff_find_their_tools_in_the_menu(shell, manager):
    header = manager.client.get("/account/").text.split("</header>")[0]
    assert '<li><a href="/staff/">Сотрудникам</a></li>' in header


def test_the_shells_inline_scripts_are_allowed_by_hash_and_nothing_else_inline(shell, client):
    response = client.get("/account/login")
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    scripts = script_src(response)
    assert scripts == f"'self' 'sha256-{digest}'"
    assert "unsafe-inline" not in scripts and "unsafe-eval" not in scripts
    assert response.headers["content-security-policy"] == PORTAL_CSP.replace("script-src 'self'",
                                                                            f"script-src {scripts}")


def test_the_current_sections_tab_is_marked(shell, member):
    page = member.client.get("/forum/").text
    assert '<li class="md-tabs__item md-tabs__item--active">\n <a href="/forum/"' in page
    assert "md-tabs__item--active" not in member.client.get("/account/").text


def test_without_a_shell_the_plain_layout_and_the_portals_own_csp(client):
    response = client.get("/account/login")
    assert '<body class="p-plain">' in response.text and 'class="p-header"' in response.text
    assert response.headers["content-security-policy"] == PORTAL_CSP


def test_a_shell_of_another_version_is_not_used(shell, client):
    shell.write_text(shell_text(version_meta='<meta name="club:shell" content="0">'), encoding="utf-8")
    assert '<body class="p-plain">' in client.get("/account/login").text


def test_a_rebuilt_shell_is_read_again_and_english_falls_back_to_the_default(shell, client):
    assert 'data-marker="ru-shell"' in client.get("/account/login?lang=en").text  # no English shell yet
    shell_path(shell.parent.parent, "en").write_text(shell_text("en-shell"), encoding="utf-8")
    assert 'data-marker="en-shell"' in client.get("/account/login?lang=en").text
    shell.write_text(shell_text("ru-rebuilt"), encoding="utf-8")
    stat = shell.stat()
    os.utime(shell, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert 'data-marker="ru-rebuilt"' in client.get("/account/login?lang=ru").text
    shell.unlink()
    shell_path(shell.parent.parent, "en").unlink()
    assert '<body class="p-plain">' in client.get("/account/login").text


@pytest.mark.slow
def test_a_portal_page_in_the_demo_sites_shell(demo, settings, tmp_path):
    from dataclasses import replace

    from portal.app import create_app

    app = create_app(replace(settings, site_dir=demo.site))
    try:
        with TestClient(app, base_url=BASE_URL) as client:
            response = client.get("/forum/")
            page = response.text
    finally:
        app.state.portal.db.conn.close()
    assert response.status_code == 200
    for part in ('class="md-header"', 'data-md-component="tabs"', 'data-md-component="search"', 'class="md-footer"',
                 '"base":"/"', 'src="/assets/javascripts/bundle.', "data-club-signin"):
        assert part in page, part
    assert "unsafe-inline" not in script_src(response) and "'sha256-" in script_src(response)
    inline = re.findall(r"<script>(.*?)</script>", page, re.S)
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'" for body in inline}
    assert hashes <= set(script_src(response).split())



def test_a_page_of_its_own_keeps_the_portals_csp(shell, member):
    # The print page of a saved calculation is a whole document of its own (tools/print.html): no shell.
    from tests.tools.test_pages import CABLE
    from tests.tools.test_saved_pages import save, saved_id

    number = saved_id(save(member.client, "/tools/cable/?" + "&".join(f"{k}={v}" for k, v in CABLE.items())))
    printed = member.client.get(f"/tools/saved/{number}/print")
    assert printed.status_code == 200 and "md-header" not in printed.text
    assert printed.headers["content-security-policy"] == PORTAL_CSP
