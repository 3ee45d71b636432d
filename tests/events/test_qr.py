"""The check-in QR code: its URL round-trips through the signed code, and the real confirmation letter
shows exactly that code inline in its HTML (no QR decoder is installed, so the image is read back as a
grid of modules and compared with segno's matrix of the expected URL)."""

import io

import segno
from PIL import Image

from portal.events import codes, mails, qr, store
from portal.events.model import Registration
from tests.events.helpers import event, person
from tests.portal_fixtures import BASE_URL, submit


def modules(png: bytes, size: int) -> list[list[bool]]:
    """The dark/light grid of a PNG segno wrote at qr.SCALE with a 4-module border."""
    image = Image.open(io.BytesIO(png)).convert("L")
    centre = qr.SCALE // 2
    return [[image.getpixel(((col + 4) * qr.SCALE + centre, (row + 4) * qr.SCALE + centre)) < 128
             for col in range(size)] for row in range(size)]


def test_the_checkin_url_round_trips_through_its_signed_code(settings):
    url = qr.checkin_url(settings, 42)
    assert url.startswith(BASE_URL + "/staff/events/checkin/")
    code = url.rsplit("/", 1)[1]
    assert codes.read_checkin(settings.secret_key, code) == 42
    assert codes.read_checkin(settings.secret_key, code[:-2] + ("AA" if code[-2:] != "AA" else "BB")) is None
    assert codes.read_certificate(settings.secret_key, code) is None  # a check-in code is nothing else


def test_the_png_shows_the_matrix_of_its_text():
    text = BASE_URL + "/staff/events/checkin/abc.def"
    expected = segno.make(text, error="m", micro=False)
    grid = modules(qr.png(text), len(expected.matrix))
    assert grid == [[bool(cell) for cell in row] for row in expected.matrix]
    assert qr.png(text) != qr.png(text + "x")


def test_the_real_confirmation_letter_carries_the_code_of_that_registration(client, member, events, app, smtp):
    response = submit(member.client, "/account/events/akademiya/", "/account/events/akademiya/register",
                      {"q_diet": "Вегетарианское"})
    assert response.status_code == 303
    row = store.active_of(app.state.portal.db, "akademiya", member.user.id)
    message = smtp.wait_for(1)[0].message
    [image] = [part for part in message.walk() if part.get_content_type() == "image/png"]
    cid = image["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in message.get_body(("html",)).get_content()
    assert "покажите это письмо" in message.get_body(("plain",)).get_content()
    url = qr.checkin_url(app.state.portal.settings, row.id)
    expected = segno.make(url, error="m", micro=False)
    assert modules(image.get_content(), len(expected.matrix)) == [[bool(c) for c in r] for r in expected.matrix]
    assert image.get_content() == qr.png(url)
    assert codes.read_checkin(app.state.portal.settings.secret_key, url.rsplit("/", 1)[1]) == row.id


def test_only_a_seat_at_a_place_gets_a_code(app):
    portal = app.state.portal
    anna = person(portal.db, "anna@example.ru")

    def images(kind: str, entry) -> list[str]:
        row = Registration(5, entry.slug, anna.id, anna.company_id, kind, {}, anna.id, 1, "r1", 0.0, 0.0, None)
        return [a.filename for a in mails.letter(portal, entry, kind, row).attachments if a.content_id]

    assert images("registered", event()) == ["checkin.png"]
    assert images("waiting", event()) == [] and images("cancelled", event()) == []
    assert images("registered", event(online=True, venue="")) == []  # a webinar has no entrance
    assert images("registered", event(cancelled=True)) == []
