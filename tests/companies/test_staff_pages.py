"""/staff/companies/: the directory with its filters and CSV, the company card and its actions."""

import csv
import io
import time

import pytest
from starlette.testclient import TestClient

from portal.companies import contacts
from portal.core import companies
from portal.core.identity import get_user
from tests.portal_fixtures import BASE_URL, addressed_to, make_user, sign_in, submit


@pytest.fixture
def club(app, member, company):
    """Three companies: the member's (with a colleague), a quiet one in another region, and a new one."""
    db = app.state.portal.db
    colleague = make_user(db, "ivan@svet-montazh.ru", member=True, name="Иван Колесов")
    lamp = companies.find_or_create_company(db, "ИП Лампочкин", "7707083893")
    far = companies.find_or_create_company(db, "ООО «Северный свет»")
    companies.set_details(db, company.id, "installers", "central", None)
    companies.set_details(db, far.id, "designers", "northwest", None)
    companies.note_contact(db, company.id)
    companies.note_contact(db, far.id, time.time() - 90 * 86400)
    return {"svet": company, "lamp": lamp, "far": far, "colleague": colleague}


def card_form(manager, company_id: int, action: str, data: dict):
    return submit(manager.client, f"/staff/companies/{company_id}", f"/staff/companies/{company_id}/{action}", data)


@pytest.mark.parametrize("path", ["/staff/companies/", "/staff/companies/1", "/staff/companies/export.csv"])
def test_members_and_other_roles_are_refused(app, member, path):
    assert member.client.get(path, follow_redirects=False).status_code == 403
    for role in ("moderator", "editor"):
        make_user(app.state.portal.db, f"{role}@club.example", role=role)
        with TestClient(app, base_url=BASE_URL) as other:
            sign_in(other, f"{role}@club.example")
            assert other.get(path, follow_redirects=False).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/staff/companies/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/account/login")


def test_the_directory_lists_searches_and_filters(manager, club):
    page = manager.client.get("/staff/companies/").text
    assert all(name in page for name in ("Свет-Монтаж", "Лампочкин", "Северный свет"))
    assert "Найдено: 3" in page
    assert "Свет-Монтаж" not in manager.client.get("/staff/companies/?q=СЕВЕРНЫЙ").text
    assert "Лампочкин" in manager.client.get("/staff/companies/?q=7707083893").text
    by_region = manager.client.get("/staff/companies/?region=northwest").text
    assert "Северный свет" in by_region and "Свет-Монтаж" not in by_region
    quiet = manager.client.get("/staff/companies/?quiet=30").text
    assert "Северный свет" in quiet and "Лампочкин" in quiet and "Свет-Монтаж" not in quiet


def test_the_manager_filter(app, manager, club):
    companies.set_account_manager(app.state.portal.db, club["lamp"].id, manager.user.id, None)
    mine = manager.client.get(f"/staff/companies/?manager={manager.user.id}").text
    assert "Лампочкин" in mine and "Северный свет" not in mine
    nobody = manager.client.get("/staff/companies/?manager=none").text
    assert "Лампочкин" not in nobody and "Северный свет" in nobody


@pytest.mark.parametrize("query", ["q=%00%ff", "page=99999999999999999999", "page=-1", "quiet=²", "manager=abc",
                                   "page=100000", "segment=" + "x" * 5000])
def test_odd_filters_give_a_page_not_an_error(manager, club, query):
    assert manager.client.get(f"/staff/companies/?{query}").status_code == 200


def test_csv_export_opens_in_russian_excel(manager, club):
    response = manager.client.get("/staff/companies/export.csv?segment=installers")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Номер", "Компания", "ИНН"]
    assert [row[1] for row in rows[1:]] == ["ООО «Свет-Монтаж»"]
    assert rows[1][7] == "2"  # two people in the club


def test_the_card_shows_people_and_history(manager, club):
    page = manager.client.get(f"/staff/companies/{club['svet'].id}").text
    assert "Анна Светлова" in page and "Иван Колесов" in page and "ivan@svet-montazh.ru" in page
    assert "Сегмент или регион" in page  # the details change is on the timeline
    assert manager.client.get("/staff/companies/999999").status_code == 404


def test_changing_the_representative_tells_both_people(app, manager, club, smtp):
    svet, colleague = club["svet"], club["colleague"]
    anna = companies.members_of(app.state.portal.db, svet.id)[0]
    assert card_form(manager, svet.id, "representative", {"user": str(anna)}).status_code == 303
    smtp.wait_for(1)
    response = card_form(manager, svet.id, "representative", {"user": str(colleague.id)})
    assert response.status_code == 303 and "notice=representative" in response.headers["location"]
    received = smtp.wait_for(3)
    to_new, to_old = sorted(received[1:], key=lambda r: addressed_to(r)[1] != colleague.email)
    assert addressed_to(to_new)[1] == colleague.email and "представитель" in to_new.message["Subject"]
    assert addressed_to(to_old)[1] == "anna@svet-montazh.ru" and "больше не" in to_old.message["Subject"]
    assert "Иван Колесов" in to_old.message.get_body(("plain",)).get_content()
    page = manager.client.get(f"/staff/companies/{svet.id}").text
    assert "Сменился представитель" in page and "Анна Светлова → Иван Колесов" in page


def test_a_person_of_another_company_cannot_be_made_representative(app, manager, club, smtp):
    stranger = make_user(app.state.portal.db, "petr@lamp.ru", name="Пётр")
    companies.move_person(app.state.portal.db, stranger.id, club["lamp"].id, None)
    response = card_form(manager, club["svet"].id, "representative", {"user": str(stranger.id)})
    assert response.status_code == 400 and "Представителем может быть только" in response.text
    assert companies.get_company(app.state.portal.db, club["svet"].id).representative_id is None


def test_only_staff_can_be_account_managers(app, manager, club):
    svet = club["svet"]
    response = card_form(manager, svet.id, "manager", {"manager": str(club["colleague"].id)})
    assert response.status_code == 400 and "только сотрудник" in response.text
    assert card_form(manager, svet.id, "manager", {"manager": str(manager.user.id)}).status_code == 303
    assert companies.get_company(app.state.portal.db, svet.id).account_manager_id == manager.user.id
    assert "Ольга Кураторова" in member_company_page(app, svet)


def member_company_page(app, company) -> str:
    with TestClient(app, base_url=BASE_URL) as other:
        sign_in(other, "anna@svet-montazh.ru")
        return other.get("/account/company").text


def test_details_refuse_unknown_choices_and_keep_input(manager, club):
    response = card_form(manager, club["svet"].id, "details", {"segment": "martians", "region": "central"})
    assert response.status_code == 400 and "Выберите значение из списка" in response.text
    assert '<option value="central" selected>' in response.text


def test_planning_and_recording_contacts(app, manager, club):
    svet = club["svet"]
    data = {"channel": "call", "when": "2027-01-15T10:30", "staff": str(manager.user.id), "note": "Итоги года",
            "action": "plan"}
    assert card_form(manager, svet.id, "contacts", data).status_code == 303
    page = manager.client.get(f"/staff/companies/{svet.id}").text
    assert "15.01.2027" in page and "Итоги года" in page and "Запланирован звонок" in page
    [planned] = contacts.planned(app.state.portal.db, svet.id)
    done = submit(manager.client, f"/staff/companies/{svet.id}",
                  f"/staff/companies/{svet.id}/contacts/{planned.id}/done", {"outcome": "Договорились о семинаре"})
    assert done.status_code == 303
    again = submit(manager.client, f"/staff/companies/{svet.id}",
                   f"/staff/companies/{svet.id}/contacts/{planned.id}/done", {"outcome": "ещё раз"})
    assert again.status_code == 404  # done once
    page = manager.client.get(f"/staff/companies/{svet.id}").text
    assert "Договорились о семинаре" in page and "<strong>Звонок</strong>" in page


@pytest.mark.parametrize(("change", "problem"), [({"when": "завтра"}, "Укажите дату и время"),
                                                 ({"note": ""}, "Напишите, о чём контакт"),
                                                 ({"channel": "pigeon"}, "Выберите"),
                                                 ({"staff": "colleague"}, "только сотрудник")])
def test_a_bad_contact_form_comes_back_with_the_input(manager, club, change, problem):
    data = {"channel": "call", "when": "2027-01-15T10:30", "staff": "", "note": "Итоги года", "action": "plan",
            **change}
    if data["staff"] == "colleague":  # a member, not staff
        data["staff"] = str(club["colleague"].id)
    response = card_form(manager, club["svet"].id, "contacts", data)
    assert response.status_code == 400 and problem in response.text
    if data["note"]:
        assert 'value="Итоги года"' in response.text


def test_a_contact_of_another_company_cannot_be_closed_through_this_one(app, manager, club):
    contact = contacts.plan(app.state.portal.db, club["lamp"].id, manager.user.id, "call", time.time(), "x", None)
    response = submit(manager.client, f"/staff/companies/{club['svet'].id}",
                      f"/staff/companies/{club['svet'].id}/contacts/{contact}/done", {"outcome": "y"})
    assert response.status_code == 404


def test_moving_a_person_and_merging_duplicates(app, manager, club):
    db, svet, lamp, far = app.state.portal.db, club["svet"], club["lamp"], club["far"]
    colleague = club["colleague"]
    response = card_form(manager, svet.id, "move", {"user": str(colleague.id), "target": "Лампочкин"})
    assert response.status_code == 303
    assert get_user(db, colleague.id).company_id == lamp.id
    bad = card_form(manager, svet.id, "move", {"user": str(colleague.id), "target": "Нет такой"})
    assert bad.status_code == 404  # no longer this company's person
    missing = card_form(manager, lamp.id, "move", {"user": str(colleague.id), "target": "Нет такой компании"})
    assert missing.status_code == 400 and 'value="Нет такой компании"' in missing.text
    merged = card_form(manager, far.id, "merge", {"into": f"#{svet.id}"})
    assert merged.status_code == 303 and merged.headers["location"].startswith(f"/staff/companies/{svet.id}")
    assert companies.get_company(db, far.id).merged_into == svet.id
    assert "Северный свет" not in manager.client.get("/staff/companies/").text
    assert card_form(manager, svet.id, "merge", {"into": f"#{svet.id}"}).status_code == 400


def test_actions_need_the_form_token(manager, club):
    response = manager.client.post(f"/staff/companies/{club['svet'].id}/manager", data={"manager": ""},
                                   follow_redirects=False)
    assert response.status_code == 403


def test_every_contact_channel_has_its_timeline_words():
    from portal.core.i18n import translate

    for channel in contacts.CHANNELS:
        for state in ("contact", "planned"):
            key = f"timeline.{state}.{channel}"
            assert translate("ru", key) != key and translate("en", key) != key
