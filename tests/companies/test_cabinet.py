"""/account/company and the cabinet card: the member's own company, never another's."""

from starlette.testclient import TestClient

from portal.core import companies
from tests.portal_fixtures import BASE_URL, make_user, sign_in


def test_the_company_page_shows_people_representative_and_manager(app, member, company):
    db = app.state.portal.db
    colleague = make_user(db, "ivan@svet-montazh.ru", member=True, name="Иван Колесов")
    olga = make_user(db, "olga@club.example", role="staff", name="Ольга Кураторова")
    companies.set_representative(db, company.id, colleague.id, None)
    companies.set_account_manager(db, company.id, olga.id, None)
    page = member.client.get("/account/company")
    assert page.status_code == 200 and "no-store" in page.headers["cache-control"]
    assert "Иван Колесов" in page.text and "(представитель)" in page.text
    assert "olga@club.example" in page.text  # the manager's address: whom to ask
    assert "ivan@svet-montazh.ru" not in page.text  # colleagues' addresses stay with staff
    assert "Вы — представитель" not in page.text
    with TestClient(app, base_url=BASE_URL) as ivan:
        sign_in(ivan, colleague.email)
        assert "Вы — представитель" in ivan.get("/account/company").text
        assert "Страница компании" in ivan.get("/account/").text


def test_only_the_members_own_company_is_shown(app, member, company):
    other = companies.find_or_create_company(app.state.portal.db, "ИП Лампочкин")
    page = member.client.get(f"/account/company?company_id={other.id}&id={other.id}").text
    assert "Лампочкин" not in page and "Свет-Монтаж" in page


def test_readers_without_a_company_are_asked_to_complete_their_profile(registered):
    response = registered.client.get("/account/company", follow_redirects=False)
    assert response.status_code in (303, 403)


def test_english_works(member):
    page = member.client.get("/account/company?lang=en").text
    assert "My company" in page and "Representative" in page and "Моя компания" not in page
