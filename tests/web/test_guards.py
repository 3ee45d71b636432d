"""The one access guard, on a tiny app of its own: who gets the page, the sign-in, the profile step or 403."""

import pytest
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from portal.app import create_app
from portal.web.guards import requires
from tests.portal_fixtures import BASE_URL, make_user, sign_in


@requires()
async def for_readers(request):
    return PlainTextResponse("readers")


@requires(level="member")
async def for_members(request):
    return PlainTextResponse("members")


@requires(roles=("admin",))
async def for_admins(request):
    return PlainTextResponse("admins")


@pytest.fixture
def guarded(settings):
    application = create_app(settings)
    application.router.routes[:0] = [Route("/account/_t/readers", for_readers),
                                     Route("/account/_t/members", for_members), Route("/account/_t/admins", for_admins)]
    yield application
    application.state.portal.db.conn.close()


def visit(app, email=None):
    client = TestClient(app, base_url=BASE_URL)
    if email:
        sign_in(client, email)
    return {path: client.get(f"/account/_t/{path}", follow_redirects=False)
            for path in ("readers", "members", "admins")}


def test_guests_are_sent_to_sign_in_and_come_back(guarded):
    for path, response in visit(guarded).items():
        assert response.status_code == 303
        assert response.headers["location"] == f"/account/login?next=%2Faccount%2F_t%2F{path}"


def test_a_reader_without_company_and_phone_is_shown_the_step_to_membership(guarded):
    make_user(guarded.state.portal.db, "reader@example.ru")
    pages = visit(guarded, "reader@example.ru")
    assert pages["readers"].text == "readers"
    assert pages["members"].status_code == 403 and "компанию и телефон" in pages["members"].text
    assert 'href="/account/profile?next=%2Faccount%2F_t%2Fmembers"' in pages["members"].text
    assert pages["admins"].status_code == 403 and "members" not in pages["admins"].text


def test_members_pass_the_member_guard_but_not_a_role_guard(guarded):
    make_user(guarded.state.portal.db, "member@example.ru", member=True)
    pages = visit(guarded, "member@example.ru")
    assert (pages["readers"].text, pages["members"].text, pages["admins"].status_code) == ("readers", "members", 403)


def test_the_role_opens_its_page(guarded):
    make_user(guarded.state.portal.db, "boss@example.ru", role="admin")
    assert visit(guarded, "boss@example.ru")["admins"].text == "admins"


def test_an_unknown_level_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown level"):
        requires(level="gold")
