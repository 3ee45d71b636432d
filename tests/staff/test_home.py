"""/staff/: the staff home lists the tools the visitor's roles allow, and nothing else."""

import pytest
from starlette.testclient import TestClient

from tests.portal_fixtures import BASE_URL, make_user, sign_in

EXPECTED = {
    "admin": {"/staff/members", "/staff/forum", "/staff/newsletters/", "/forum/mod/flags", "/forum/mod/ban",
              "/forum/mod/log"},
    "staff": {"/staff/members", "/staff/newsletters/", "/forum/mod/flags", "/forum/mod/ban", "/forum/mod/log"},
    "moderator": {"/forum/mod/flags", "/forum/mod/ban", "/forum/mod/log"},
    "editor": {"/staff/newsletters/"},
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_the_staff_home_shows_each_role_its_own_tools_and_each_opens(app, role):
    make_user(app.state.portal.db, f"{role}@lior.example", role=role, name="Сотрудник Клуба")
    with TestClient(app, base_url=BASE_URL) as client:
        sign_in(client, f"{role}@lior.example")
        html = client.get("/staff/").text
        listed = {url for url in EXPECTED["admin"] if f'href="{url}"' in html.split("<main", 1)[1]}
        assert listed == EXPECTED[role]
        for url in listed:  # the menu never shows a tool its page would refuse
            assert client.get(url).status_code == 200, url


def test_members_are_refused_and_guests_sent_to_sign_in(member, client):
    assert member.client.get("/staff/").status_code == 403
    member.client.cookies.clear()
    response = member.client.get("/staff/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/account/login?next=")
