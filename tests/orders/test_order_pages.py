"""One order in the cabinet: the distributor's people accept, ask or decline (a reason required), the sender
answers a question, each change is a letter in the reader's language; everyone else gets 404 (ids walked),
a replaced distributor too; a stale form is 409 and a double submit one change."""

import pytest

from portal.orders import store
from tests.orders.helpers import hidden, made, person, signed_in


@pytest.fixture
def order_id(db, parties):
    sender, firm, dist, _agent = parties
    return made(db, sender.id, firm, dist, items=(("TP2-30-840", 5), ("OL-36-840", 2)))


def answer(client, order_id: int, action: str, note: str = "", page: str | None = None):
    html = client.get(page or f"/orders/{order_id}/").text
    values = hidden(html, "csrf", "nonce", "seq")
    return client.post(f"/orders/{order_id}/answer", data={**values, "action": action, "note": note},
                       follow_redirects=False)


def test_the_distributor_accepts_and_the_sender_gets_a_letter(app, db, parties, order_id, smtp):
    sender, _firm, _dist, agent = parties
    with signed_in(app, agent.email) as client:
        listed = client.get("/orders/incoming/")
        assert listed.status_code == 200 and f"/orders/{order_id}/" in listed.text
        assert listed.headers["cache-control"] == "no-store"
        page = client.get(f"/orders/{order_id}/").text
        assert "Accept" in page and "Decline" in page  # the agent reads English
        response = answer(client, order_id, "accept")
    assert response.status_code == 303 and response.headers["location"].endswith("?notice=accepted")
    assert store.get(db, order_id).state == "accepted"
    [letter] = smtp.wait_for(1)
    assert letter.recipients == [sender.email] and "принят" in str(letter.message["Subject"])


def test_a_question_is_answered_by_the_sender(app, db, parties, order_id, smtp):
    sender, _firm, _dist, agent = parties
    with signed_in(app, agent.email) as client:
        assert answer(client, order_id, "question", "Нужна ли доставка до объекта?").status_code == 303
    with signed_in(app, sender.email) as client:
        page = client.get(f"/orders/{order_id}/").text
        assert "Нужна ли доставка до объекта?" in page and "/reply" in page
        values = hidden(page, "csrf", "nonce", "seq")
        empty = client.post(f"/orders/{order_id}/reply", data={**values, "note": ""}, follow_redirects=False)
        assert empty.status_code == 400 and "Напишите ответ" in empty.text
        done = client.post(f"/orders/{order_id}/reply", data={**values, "note": "Да, до склада"},
                           follow_redirects=False)
        assert done.status_code == 303
    assert [e.state for e in store.history(db, order_id)] == ["sent", "question", "answered"]
    letters = smtp.wait_for(2)
    assert [r.recipients for r in letters] == [[sender.email], [agent.email]]
    assert "Да, до склада" in letters[1].message.get_body(("plain",)).get_content()


def test_a_decline_needs_a_reason_and_keeps_the_text(app, db, parties, order_id):
    _sender, _firm, _dist, agent = parties
    with signed_in(app, agent.email) as client:
        response = answer(client, order_id, "decline", "")
        assert response.status_code == 400 and "reason" in response.text
        long = answer(client, order_id, "decline", "x" * (store.NOTE_LIMIT + 1))
        assert long.status_code == 400 and "x" * 50 in long.text
        assert answer(client, order_id, "decline", "Нет на складе").status_code == 303
    assert store.get(db, order_id).state == "declined"


@pytest.mark.parametrize("data", [{"action": "steal"}, {"action": "accept", "seq": "x"},
                                  {"action": "accept", "nonce": "!"}])
def test_a_damaged_form_is_400(app, db, parties, order_id, data):
    _sender, _firm, _dist, agent = parties
    with signed_in(app, agent.email) as client:
        values = hidden(client.get(f"/orders/{order_id}/").text, "csrf", "nonce", "seq")
        response = client.post(f"/orders/{order_id}/answer", data={**values, **data}, follow_redirects=False)
    assert response.status_code == 400
    assert store.get(db, order_id).state == "sent"


def test_without_csrf_nothing_is_written(app, db, parties, order_id):
    _sender, _firm, _dist, agent = parties
    with signed_in(app, agent.email) as client:
        values = hidden(client.get(f"/orders/{order_id}/").text, "nonce", "seq")
        response = client.post(f"/orders/{order_id}/answer", data={**values, "action": "accept"},
                               follow_redirects=False)
    assert response.status_code == 403 and store.get(db, order_id).state == "sent"


def test_an_out_of_date_page_is_409_and_a_double_submit_one_change(app, db, parties, order_id):
    _sender, _firm, _dist, agent = parties
    with person(app, "second@opt-svet.example", "ООО «Опт-Свет»") as colleague, \
            signed_in(app, agent.email) as client:
        old = hidden(colleague.client.get(f"/orders/{order_id}/").text, "csrf", "nonce", "seq")
        values = hidden(client.get(f"/orders/{order_id}/").text, "csrf", "nonce", "seq")
        first = client.post(f"/orders/{order_id}/answer", data={**values, "action": "accept"}, follow_redirects=False)
        again = client.post(f"/orders/{order_id}/answer", data={**values, "action": "accept"}, follow_redirects=False)
        assert first.status_code == again.status_code == 303
        stale = colleague.client.post(f"/orders/{order_id}/answer",
                                      data={**old, "action": "decline", "note": "Нет"}, follow_redirects=False)
    assert stale.status_code == 409 and "уже изменился" in stale.text
    assert [e.state for e in store.history(db, order_id)] == ["sent", "accepted"]


def test_the_sender_cannot_answer_for_the_distributor(app, db, parties, order_id):
    sender, _firm, _dist, _agent = parties
    with signed_in(app, sender.email) as client:
        page = client.get(f"/orders/{order_id}/").text
        assert "/answer" not in page
        values = hidden(page, "csrf")
        response = client.post(f"/orders/{order_id}/answer",
                               data={**values, "action": "accept", "nonce": "z" * 16, "seq": "1"})
    assert response.status_code == 403 and store.get(db, order_id).state == "sent"


PATHS = ("/orders/{id}/", "/orders/{id}/lines.csv", "/orders/{id}/lines.xlsx")


def test_another_company_walking_ids_gets_404(app, db, parties, order_id):
    sender, firm, dist, _agent = parties
    other = made(db, sender.id, firm, None, nonce="o" * 16)
    with person(app, "stranger@else.example", "ООО «Чужая»", segment="distributors", region="central") as stranger:
        for number in range(0, other + 3):
            for path in PATHS:
                assert stranger.client.get(path.format(id=number)).status_code == 404, (path, number)
            values = hidden(stranger.client.get("/orders/cart/").text, "csrf")
            for action in ("answer", "reply"):
                response = stranger.client.post(f"/orders/{number}/{action}", data={
                    **values, "action": "accept", "note": "x", "nonce": "s" * 16, "seq": "1"})
                assert response.status_code == 404, (action, number)
        assert f"/orders/{order_id}/" not in stranger.client.get("/orders/incoming/").text
    assert [e.state for e in store.history(db, order_id)] == ["sent"]


def test_a_replaced_distributor_loses_access(app, db, parties, order_id):
    _sender, firm, dist, agent = parties
    store.change(db, order_id, "passed", seen_seq=1, by_id=None, now=0 + 1e9, distributor_id=firm)
    with signed_in(app, agent.email) as client:
        for path in PATHS:
            assert client.get(path.format(id=order_id)).status_code == 404
        assert f"/orders/{order_id}/" not in client.get("/orders/incoming/").text


def test_the_lines_download(app, parties, order_id):
    sender, *_ = parties
    with signed_in(app, sender.email) as client:
        response = client.get(f"/orders/{order_id}/lines.csv")
        assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
        assert "TP2-30-840;Трековый светильник 30 Вт;5" in response.content.decode("utf-8-sig")
        assert client.get(f"/orders/{order_id}/lines.pdf").status_code == 404
        assert client.get(f"/orders/{order_id}/lines.xlsx").content[:2] == b"PK"


def test_the_company_list_and_the_cabinet_card(app, parties, order_id):
    sender, *_ = parties
    with signed_in(app, sender.email) as client:
        listed = client.get("/orders/").text
        assert f"/orders/{order_id}/" in listed and "Отправлен" in listed
        cabinet = client.get("/account/").text
        assert "Заказы дистрибьютору" in cabinet and f"/orders/{order_id}/" in cabinet
