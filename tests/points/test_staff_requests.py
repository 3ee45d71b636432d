"""Staff's request pages: the queue, and confirm / start / done (with files) / reject, each once, each
checked against the state the page showed; only staff roles; bad files and stale forms come back."""

import io
import time
import zipfile
from dataclasses import replace

import pytest

from portal.points import requests, result_files
from portal.web import uploads
from tests.points.privilege_helpers import catalogue_of
from tests.points.request_helpers import PDF, available, earn, form_of, made, person, represent

QUEUE = "/staff/points/requests/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


def docx() -> bytes:
    """A minimal .docx with fixed times inside: two calls give the same bytes (the clock could tick between)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in (("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<document/>")):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


@pytest.fixture
def request_id(app, member, company, mini_site):
    catalogue_of(mini_site)
    represent(app, company.id, member.user.id)
    earn(app, company.id, 2000)
    return made(app, company.id, member.user.id)


def act(client, request_id: int, action: str, files=None, form=None, **fields):
    form = form or form_of(client, f"{QUEUE}{request_id}", "nonce", "seq")
    return client.post(f"{QUEUE}{request_id}/{action}", data={**form, **fields}, files=files, follow_redirects=False)


def state(app, request_id: int) -> str:
    return requests.get(app.state.portal.db, request_id).state


def test_the_queue_shows_open_requests_with_company_cost_and_age(app, manager, company, request_id):
    page = manager.client.get(QUEUE)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    for text in ("ООО «Свет-Монтаж»", "Копирайтинг", "1\u00a0200", "Отправлена", "0 дн.", f"{QUEUE}{request_id}"):
        assert text in page.text, text


def test_the_queue_filters_by_state_and_company(app, manager, company, request_id, member):
    other = made(app, company.id, member.user.id, cost=100, nonce="o" * 16)
    requests.change(app.state.portal.db, other, "rejected", seen_seq=1, by_id=manager.user.id, now=time.time(),
                    note="не по профилю")
    assert f"{QUEUE}{other}\"" not in manager.client.get(QUEUE).text
    rejected = manager.client.get(QUEUE + "?state=rejected").text
    assert f'{QUEUE}{other}"' in rejected and f'{QUEUE}{request_id}"' not in rejected
    assert f'{QUEUE}{other}"' in manager.client.get(QUEUE + "?state=all").text
    assert "Заявок в этом статусе нет" in manager.client.get(QUEUE + f"?state=done&company={company.id}").text
    assert manager.client.get(QUEUE + f"?state=all&company={company.id + 99}").status_code == 404
    assert manager.client.get(QUEUE + "?state=../../etc&page=x").status_code == 200  # odd input: the default view


def test_the_company_page_links_its_requests(manager, company, request_id):
    assert f"{QUEUE}?company={company.id}" in manager.client.get(f"/staff/points/{company.id}/").text
    assert QUEUE in manager.client.get("/staff/points/").text


def test_confirm_start_done_with_files(app, manager, member, company, request_id):
    assert act(manager.client, request_id, "confirm").status_code == 303
    assert state(app, request_id) == "confirmed" and available(app, company.id) == (800, 1200)
    assert act(manager.client, request_id, "start", note="Копирайтер приступил").status_code == 303
    assert state(app, request_id) == "in_progress"
    files = [("files", ("КП.pdf", PDF, "application/pdf")), ("files", ("тексты.docx", docx(), "application/zip"))]
    response = act(manager.client, request_id, "done", files=files, note="Готово")
    assert response.status_code == 303 and response.headers["location"] == f"{QUEUE}{request_id}?notice=saved"
    assert state(app, request_id) == "done" and available(app, company.id) == (800, 0)
    stored = requests.files(app.state.portal.db, request_id)
    assert [(f.filename, f.content_type) for f in stored] == [("КП.pdf", "application/pdf"),
                                                              ("тексты.docx", uploads.DOCX)]
    page = manager.client.get(f"{QUEUE}{request_id}").text
    assert "Копирайтер приступил" in page and "Заявка закрыта" in page
    download = manager.client.get(f"{QUEUE}{request_id}/files/{stored[1].id}")
    assert download.status_code == 200 and download.content == docx()
    assert download.headers["content-disposition"].startswith("attachment;")
    assert member.client.get(f"/account/points/requests/{request_id}/files/{stored[0].id}").content == PDF


def test_done_without_files_is_fine(app, manager, request_id):
    act(manager.client, request_id, "confirm")
    assert act(manager.client, request_id, "done").status_code == 303
    assert state(app, request_id) == "done" and requests.files(app.state.portal.db, request_id) == []


def test_reject_needs_a_reason_and_gives_the_points_back(app, manager, company, request_id):
    response = act(manager.client, request_id, "reject")
    assert response.status_code == 400 and "Укажите причину отказа" in response.text
    assert state(app, request_id) == "requested"
    assert act(manager.client, request_id, "reject", note="Нет в этом квартале").status_code == 303
    assert state(app, request_id) == "rejected" and available(app, company.id) == (2000, 0)
    assert "Нет в этом квартале" in manager.client.get(f"{QUEUE}{request_id}").text


def test_a_too_long_note_comes_back_kept(app, manager, request_id):
    note = "ж" * (requests.NOTE_LIMIT + 1)
    response = act(manager.client, request_id, "reject", note=note)
    assert response.status_code == 400 and note in response.text and "длиннее 2000" in response.text


@pytest.mark.parametrize(("name", "data", "status", "problem"), [
    ("virus.exe", b"MZ\x90\x00", 400, "такие файлы не принимаются"),
    ("notes.txt", b"hello", 400, "такие файлы не принимаются"),
    ("kp.pdf", PNG, 400, "не совпадает с расширением"),
    ("kp.docx", PDF, 400, "не совпадает с расширением"),
    ("empty.pdf", b"", 400, "файл пустой"),
    ("big.pdf", PDF + b"0" * 2000, 413, "больше 0 МБ")])
def test_a_bad_file_brings_the_form_back(app, manager, company, request_id, monkeypatch, name, data, status,
                                         problem):
    monkeypatch.setattr(result_files, "POLICY", replace(result_files.POLICY, max_total=1000))
    act(manager.client, request_id, "confirm")
    response = act(manager.client, request_id, "done", files=[("files", (name, data, "application/pdf"))],
                   note="Результат во вложении")
    assert response.status_code == status and problem in response.text
    assert "Результат во вложении" in response.text
    assert state(app, request_id) == "confirmed" and available(app, company.id) == (800, 1200)
    folder = uploads.folder(app.state.portal.settings, result_files.POLICY)
    assert not folder.exists() or not any(folder.iterdir())


def test_too_many_files(app, manager, request_id):
    act(manager.client, request_id, "confirm")
    files = [("files", (f"kp{i}.pdf", PDF, "application/pdf")) for i in range(result_files.POLICY.max_files + 1)]
    response = act(manager.client, request_id, "done", files=files)
    assert response.status_code == 400 and "Не больше 5 файлов" in response.text


def test_files_with_another_action_are_refused(app, manager, request_id):
    response = act(manager.client, request_id, "confirm", files=[("files", ("kp.pdf", PDF, "application/pdf"))])
    assert response.status_code == 400 and state(app, request_id) == "requested"


def test_a_stale_page_is_told_the_request_changed(app, manager, company, request_id):
    first = form_of(manager.client, f"{QUEUE}{request_id}", "nonce", "seq")
    with person(app, "second@club.example", "Клуб", name="Второй Менеджер", role="staff") as other:
        second = form_of(other.client, f"{QUEUE}{request_id}", "nonce", "seq")
        assert act(other.client, request_id, "confirm", form=second).status_code == 303
    response = act(manager.client, request_id, "reject", form=first, note="Передумали")
    assert response.status_code == 409 and "Заявку уже изменили: сейчас она в статусе «Подтверждена»" in response.text
    assert "Передумали" in response.text
    assert state(app, request_id) == "confirmed" and available(app, company.id) == (800, 1200)


def test_a_double_submit_is_one_change(app, manager, request_id):
    form = form_of(manager.client, f"{QUEUE}{request_id}", "nonce", "seq")
    files = [("files", ("kp.pdf", PDF, "application/pdf"))]
    act(manager.client, request_id, "confirm")
    form = form_of(manager.client, f"{QUEUE}{request_id}", "nonce", "seq")
    answers = [act(manager.client, request_id, "done", form=form, files=files) for _ in range(2)]
    assert [a.status_code for a in answers] == [303, 303]
    assert len(requests.history(app.state.portal.db, request_id)) == 3
    assert len(requests.files(app.state.portal.db, request_id)) == 1
    kept = uploads.folder(app.state.portal.settings, result_files.POLICY)
    assert len(list(kept.iterdir())) == 1  # the second copy is gone


@pytest.mark.parametrize(("path", "method"), [(QUEUE, "get"), (QUEUE + "1", "get"), (QUEUE + "1/confirm", "post"),
                                              (QUEUE + "1/files/1", "get")])
def test_only_staff_roles(app, member, request_id, path, method):
    response = getattr(member.client, method)(path, follow_redirects=False)
    assert response.status_code == 403
    assert state(app, request_id) == "requested"


def test_unknown_requests_and_actions_are_404(manager, request_id):
    assert manager.client.get(f"{QUEUE}{request_id + 1}").status_code == 404
    token = form_of(manager.client, QUEUE + f"{request_id}", "nonce", "seq")
    assert manager.client.post(f"{QUEUE}{request_id}/erase", data=token).status_code == 404
    assert manager.client.post(f"{QUEUE}{request_id + 1}/confirm", data=token).status_code == 404
    assert manager.client.get(f"{QUEUE}{request_id}/files/1").status_code == 404


def test_a_form_without_seq_or_nonce_is_400(app, manager, request_id):
    token = form_of(manager.client, QUEUE + f"{request_id}")
    assert manager.client.post(f"{QUEUE}{request_id}/confirm", data=token).status_code == 400
    assert state(app, request_id) == "requested"


def test_the_company_timeline_shows_the_changes(app, manager, company, request_id):
    act(manager.client, request_id, "reject", note="Не в этом году")
    card = manager.client.get(f"/staff/companies/{company.id}").text
    assert "Заявка на привилегию отклонена" in card and "Копирайтинг" in card


def test_a_result_larger_than_a_plain_form_is_accepted(app, manager, request_id):
    """The done form is under the upload prefix: a 2 MB PDF passes the 512 KB limit of plain forms."""
    act(manager.client, request_id, "confirm")
    big = PDF + b"0" * (2 * 1024 * 1024)
    response = act(manager.client, request_id, "done", files=[("files", ("kp.pdf", big, "application/pdf"))])
    assert response.status_code == 303
    assert requests.files(app.state.portal.db, request_id)[0].size == len(big)
