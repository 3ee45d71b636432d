"""The cart's pages: adding one product (from the product page or a calculation), pasting lines, uploading
a CSV, changing quantities, removing lines; bad input comes back with the problem named and nothing written."""

import pytest

from portal.orders import cart
from tests.orders.helpers import hidden, signed_in

CART = "/orders/cart/"


@pytest.fixture
def buyer(app, parties):
    sender, *_ = parties
    with signed_in(app, sender.email) as client:
        client.user = sender
        yield client


def held(db, client) -> dict[str, int]:
    return {line.sku: line.quantity for line in cart.lines(db, client.user.id)}


def csrf(client) -> str:
    return hidden(client.get(CART).text, "csrf")["csrf"]


def test_the_product_page_link_shows_a_confirm_form(buyer):
    page = buyer.get(CART + "add?sku=tp2-30-840&quantity=3")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "Трековый светильник 30 Вт" in page.text and 'value="TP2-30-840"' in page.text and 'value="3"' in page.text


def test_an_unknown_sku_is_named(buyer):
    page = buyer.get(CART + "add?sku=NOPE-404")
    assert page.status_code == 404 and "NOPE-404" in page.text and "нет в каталоге" in page.text


def test_adding_sets_the_line_and_a_double_submit_changes_nothing(db, buyer):
    data = {"csrf": csrf(buyer), "sku": "tp2-30-840", "quantity": "12", "source": "tools:12", "next": "/tools/12"}
    first = buyer.post(CART + "add", data=data, follow_redirects=False)
    second = buyer.post(CART + "add", data=data, follow_redirects=False)
    assert first.status_code == second.status_code == 303 and first.headers["location"] == "/tools/12"
    assert held(db, buyer) == {"TP2-30-840": 12}
    assert cart.lines(db, buyer.user.id)[0].source == "tools:12"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil", "javascript:alert(1)"])
def test_next_stays_on_the_site(buyer, target):
    data = {"csrf": csrf(buyer), "sku": "OL-36-840", "quantity": "1", "next": target}
    response = buyer.post(CART + "add", data=data, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == CART + "?notice=added"


@pytest.mark.parametrize(("quantity", "status"), [("0", 400), ("-1", 400), ("1,5", 400), ("много", 400),
                                                  ("100001", 400)])
def test_a_bad_quantity_brings_the_form_back(db, buyer, quantity, status):
    data = {"csrf": csrf(buyer), "sku": "OL-36-840", "quantity": quantity}
    response = buyer.post(CART + "add", data=data)
    assert response.status_code == status and "целое число штук" in response.text
    assert f'value="{quantity}"' in response.text and held(db, buyer) == {}


def test_an_unknown_sku_posted_is_400(db, buyer):
    response = buyer.post(CART + "add", data={"csrf": csrf(buyer), "sku": "NOPE", "quantity": "1"})
    assert response.status_code == 400 and held(db, buyer) == {}


def test_pasted_lines_with_problems_write_nothing_and_keep_the_text(db, buyer):
    text = "TP2-30-840 5\nНЕТ-ТАКОГО 3\nOL-36-840;1 000\nOL-36-840\tмного"
    response = buyer.post(CART + "paste", data={"csrf": csrf(buyer), "lines": text})
    assert response.status_code == 400 and held(db, buyer) == {}
    for shown in ("строка 2", "«НЕТ-ТАКОГО 3» — такого артикула нет", "строка 4", "TP2-30-840 × 5",
                  "OL-36-840 × 1000", "НЕТ-ТАКОГО 3\nOL-36-840;1 000"):
        assert shown in response.text, shown
    skipped = buyer.post(CART + "paste", data={"csrf": csrf(buyer), "lines": text, "skip_bad": "yes"},
                         follow_redirects=False)
    assert skipped.status_code == 303 and held(db, buyer) == {"TP2-30-840": 5, "OL-36-840": 1000}


def test_pasted_lines_add_to_the_cart(db, buyer):
    buyer.post(CART + "paste", data={"csrf": csrf(buyer), "lines": "OL-36-840 2\nol-36-840 3"})
    buyer.post(CART + "paste", data={"csrf": csrf(buyer), "lines": "OL-36-840 1"})
    assert held(db, buyer) == {"OL-36-840": 6}


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_an_empty_paste_is_400(buyer, text):
    assert buyer.post(CART + "paste", data={"csrf": csrf(buyer), "lines": text}).status_code == 400


def test_a_csv_in_windows_1251(db, buyer):
    data = "Артикул;Количество\r\nTP2-30-840;7\r\n".encode("cp1251")
    response = buyer.post(CART + "upload", data={"csrf": csrf(buyer)},
                          files={"files": ("заказ.csv", data, "text/csv")}, follow_redirects=False)
    assert response.status_code == 303 and held(db, buyer) == {"TP2-30-840": 7}


@pytest.mark.parametrize(("content", "problem"), [(b"", "не текстовый"), (b"\x00\x01PK", "не текстовый"),
                                                  (b"x" * (1024 * 1024 + 1), "больше 1024"),
                                                  ("НЕТ;1\n".encode(), "такого артикула нет")])
def test_a_bad_csv_is_400(db, buyer, content, problem):
    response = buyer.post(CART + "upload", data={"csrf": csrf(buyer)}, files={"files": ("a.csv", content, "text/csv")})
    assert response.status_code == 400 and problem in response.text and held(db, buyer) == {}


def test_no_file_is_400(buyer):
    response = buyer.post(CART + "upload", data={"csrf": csrf(buyer)}, files={"other": ("a.csv", b"x", "text/csv")})
    assert response.status_code == 400 and "Выберите один файл" in response.text


def test_quantities_change_and_lines_go(db, buyer):
    cart.add(db, buyer.user.id, [("TP2-30-840", 5), ("OL-36-840", 2)])
    token = csrf(buyer)
    bad = buyer.post(CART + "update", data={"csrf": token, "sku": ["TP2-30-840", "OL-36-840"],
                                            "quantity": ["7", "дюжина"]})
    assert bad.status_code == 400 and 'value="дюжина"' in bad.text and held(db, buyer) == {"TP2-30-840": 5,
                                                                                          "OL-36-840": 2}
    ok = buyer.post(CART + "update", data={"csrf": token, "sku": ["TP2-30-840", "OL-36-840"], "quantity": ["7", "0"]},
                    follow_redirects=False)
    assert ok.status_code == 303 and held(db, buyer) == {"TP2-30-840": 7}
    buyer.post(CART + "remove", data={"csrf": token, "sku": "TP2-30-840"})
    assert held(db, buyer) == {}


def test_a_mismatched_update_form_is_400(buyer):
    response = buyer.post(CART + "update", data={"csrf": csrf(buyer), "sku": ["A", "B"], "quantity": ["1"]})
    assert response.status_code == 400


def test_every_post_needs_csrf(db, buyer):
    for path, data in (("add", {"sku": "OL-36-840", "quantity": "1"}), ("paste", {"lines": "OL-36-840 1"}),
                       ("update", {"sku": "OL-36-840", "quantity": "1"}), ("remove", {"sku": "OL-36-840"})):
        assert buyer.post(CART + path, data=data).status_code == 403, path
    assert held(db, buyer) == {}


def test_a_reader_without_company_and_phone_is_sent_to_the_profile(app, db, catalogue):
    from tests.portal_fixtures import make_user

    reader = make_user(db, "reader@example.ru")
    with signed_in(app, reader.email) as client:
        assert client.get(CART).status_code == 403
