"""The cabinet's privilege catalogue: everyone in the company sees it; only the representative may request."""

import pytest
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from portal.core.companies import set_representative
from portal.points.privilege_pages import REQUEST_PATH
from tests.points.privilege_helpers import catalogue_of
from tests.portal_fixtures import make_user

LIST = "/account/points/privileges"


@pytest.fixture
def privileges(mini_site):
    return catalogue_of(mini_site)


def make_representative(app, company, user_id: int) -> None:
    set_representative(app.state.portal.db, company.id, user_id, by_id=None)


def test_the_list_shows_cost_who_does_it_and_what_to_provide(member, privileges):
    response = member.client.get(LIST)
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    page = response.text
    for text in ("Копирайтинг", "1\u00a0200", "1\u00a0500", "Отдел маркетинга", "адрес сайта и доступ к CMS",
                 "описание объекта", f"{LIST}/kopirayting"):
        assert text in page, text
    assert "Снятая привилегия" not in page


def test_in_english_costs_have_a_comma(member, privileges):
    page = member.client.get(LIST + "?lang=en").text
    assert "1,500" in page and "What you provide" in page


def test_others_are_told_who_the_representative_is(app, member, company, privileges):
    colleague = make_user(app.state.portal.db, "ivan@svet-montazh.ru", member=True, name="Иван Петров")
    make_representative(app, company, colleague.id)
    page = member.client.get(LIST).text
    assert "только представитель вашей компании — Иван Петров" in page
    assert "/request" not in page


def test_a_company_without_a_representative_says_so(member, privileges):
    assert "у вашей компании его пока нет" in member.client.get(LIST).text


def test_the_representative_gets_no_button_while_there_is_no_request_page(app, member, company, privileges):
    make_representative(app, company, member.user.id)
    app.router.routes[:] = [route for route in app.router.routes if getattr(route, "path", None) != REQUEST_PATH]
    page = member.client.get(LIST).text
    assert "/request" not in page and "только представитель" not in page


def test_the_representative_gets_a_button_once_the_request_page_exists(app, member, company, privileges):
    make_representative(app, company, member.user.id)
    app.router.routes.append(Route(REQUEST_PATH, lambda request: PlainTextResponse("form")))
    page = member.client.get(LIST).text
    assert f'href="{LIST}/kopirayting/request"' in page and "Заказать" in page


def test_one_privilege_has_its_page(member, privileges):
    response = member.client.get(f"{LIST}/kommercheskoe-predlozhenie")
    assert response.status_code == 200
    assert "Коммерческое предложение" in response.text and "1\u00a0500" in response.text
    assert 'href="/club/privileges/#kommercheskoe-predlozhenie"' in response.text


@pytest.mark.parametrize("ident", ["net-takoy", "staroe", "..%2F..%2Fetc"])
def test_an_unknown_or_withdrawn_privilege_is_404(member, privileges, ident):
    assert member.client.get(f"{LIST}/{ident}").status_code == 404


def test_a_reader_without_a_company_is_asked_to_complete_the_profile(registered, privileges):
    assert registered.client.get(LIST).status_code == 403


def test_a_stranger_is_sent_to_sign_in(client, privileges):
    response = client.get(LIST, follow_redirects=False)
    assert response.status_code == 303 and "/account/login" in response.headers["location"]
