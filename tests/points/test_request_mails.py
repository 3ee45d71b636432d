"""Letters about privilege requests, through the real SMTP fixture: at every change to the representative
and to the account manager, each in their own language, never twice to one person."""

import pytest

from portal.core import identity, passwords
from portal.core.companies import set_account_manager
from portal.points import request_mails
from tests.points.privilege_helpers import catalogue_of
from tests.points.request_helpers import PDF, earn, form_of, made, person, represent
from tests.portal_fixtures import BASE_URL, PASSWORD, addressed_to

FORM = "/account/points/privileges/kopirayting/request"
QUEUE = "/staff/points/requests/"


@pytest.fixture
def english_manager(app, company):
    """The company's account manager, who reads English."""
    user = identity.create_user(app.state.portal.db, name="Mary Manager", email="mary@club.example",
                                password_hash=passwords.hash_password(PASSWORD), language="en", consent=True,
                                confirmed=True, role="staff")
    set_account_manager(app.state.portal.db, company.id, user.id, by_id=None)
    return user


@pytest.fixture
def rep(app, member, company, mini_site):
    catalogue_of(mini_site)
    represent(app, company.id, member.user.id)
    earn(app, company.id, 3000)
    return member


def letters_to(smtp, count: int) -> dict[str, object]:
    """The last `count` messages by recipient address."""
    received = smtp.wait_for(count)
    assert len(received) == count, [r.recipients for r in received]
    return {addressed_to(item)[1]: item.message for item in received[-2:]}


def text(message) -> str:
    return message.get_body(("plain",)).get_content()


def staff_act(client, request_id: int, action: str, **kwargs):
    form = form_of(client, f"{QUEUE}{request_id}", "nonce", "seq")
    response = client.post(f"{QUEUE}{request_id}/{action}", data={**form, **kwargs.pop("data", {})},
                           follow_redirects=False, **kwargs)
    assert response.status_code == 303, response.text
    return response


def test_every_change_writes_to_both_in_their_language(app, smtp, rep, english_manager, manager):
    values = form_of(rep.client, FORM, "nonce")
    sent = rep.client.post(FORM, data={**values, "task": "Описания для 10 светильников"}, follow_redirects=False)
    request_id = int(sent.headers["location"].split("/")[-1].split("?")[0])
    mail = letters_to(smtp, 2)
    ru, en = mail["anna@svet-montazh.ru"], mail["mary@club.example"]
    assert ru["Subject"] == f"Заявка №{request_id} «Копирайтинг»: новая"
    assert "Вы заказали привилегию «Копирайтинг» за 1\xa0200 баллов" in text(ru)  # babel: a no-break space
    assert "Описания для 10 светильников" in text(ru) and "«ООО" not in text(ru)
    assert "of ООО «Свет-Монтаж» requests the privilege" in text(en) and "1,200 points" in text(en)
    assert f"{BASE_URL}/account/points/requests/{request_id}" in text(ru)
    assert en["Subject"] == f'Request #{request_id} "Копирайтинг": new'
    assert "reserved" in text(en) and f"{BASE_URL}{QUEUE}{request_id}" in text(en)

    staff_act(manager.client, request_id, "confirm")
    mail = letters_to(smtp, 4)
    assert mail["anna@svet-montazh.ru"]["Subject"].endswith("подтверждена")
    assert "stay reserved" in text(mail["mary@club.example"])

    staff_act(manager.client, request_id, "start")
    assert letters_to(smtp, 6)["anna@svet-montazh.ru"]["Subject"].endswith("в работе")

    staff_act(manager.client, request_id, "done", files=[("files", ("kp.pdf", PDF, "application/pdf"))])
    mail = letters_to(smtp, 8)
    done = text(mail["anna@svet-montazh.ru"])
    assert "списаны окончательно" in done
    assert f"можно скачать по ссылке: {BASE_URL}/account/points/requests/{request_id}" in done
    assert "Download the result (1 file(s))" in mail["mary@club.example"].get_body(("html",)).get_content()


def test_a_rejection_carries_its_reason_and_a_withdrawal_is_told(app, smtp, rep, company, english_manager, manager):
    first = made(app, company.id, rep.user.id, nonce="a" * 16)
    staff_act(manager.client, first, "reject", data={"note": "В этом квартале мест нет"})
    mail = letters_to(smtp, 2)
    assert "Причина: В этом квартале мест нет" in text(mail["anna@svet-montazh.ru"])
    assert "Reason: В этом квартале мест нет" in text(mail["mary@club.example"])
    assert "1\xa0200 баллов вернулись" in text(mail["anna@svet-montazh.ru"])

    second = made(app, company.id, rep.user.id, nonce="b" * 16)
    form = form_of(rep.client, f"/account/points/requests/{second}", "nonce", "seq")
    rep.client.post(f"/account/points/requests/{second}/cancel", data=form, follow_redirects=False)
    mail = letters_to(smtp, 4)
    assert mail["anna@svet-montazh.ru"]["Subject"].endswith("отозвана")
    assert "withdrawn" in text(mail["mary@club.example"])


def test_without_a_manager_only_the_representative_is_written_to(app, smtp, rep, company):
    values = form_of(rep.client, FORM, "nonce")
    rep.client.post(FORM, data={**values, "task": "Тексты"}, follow_redirects=False)
    [received] = smtp.wait_for(1)
    assert addressed_to(received)[1] == "anna@svet-montazh.ru"


def test_one_person_who_is_both_gets_one_letter(app, company, mini_site):
    with person(app, "both@svet-montazh.ru", "ООО «Свет-Монтаж»", name="Борис Двойной", role="staff") as both:
        represent(app, company.id, both.user.id)
        set_account_manager(app.state.portal.db, company.id, both.user.id, by_id=None)
        earn(app, company.id, 2000)
        request_id = made(app, company.id, both.user.id)
    letters = request_mails.letters(app.state.portal, request_id, "confirmed")
    assert [mail.to.addr_spec for mail in letters] == ["both@svet-montazh.ru"]
    assert f"/account/points/requests/{request_id}" in letters[0].text


def test_a_company_without_a_representative_now_writes_to_the_requester(app, member, company, mini_site):
    earn(app, company.id, 2000)
    request_id = made(app, company.id, member.user.id)  # made while Anna represented it; nobody does now
    assert [m.to.addr_spec for m in request_mails.letters(app.state.portal, request_id, "done")] == [member.email]


def test_an_unknown_request_writes_nothing(app):
    assert request_mails.letters(app.state.portal, 999, "done") == []
