"""`club members import`: real CSV files in every encoding and shape Excel produces, refusals, idempotency."""

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from portal.accounts import import_members as members_import
from portal.accounts import store as account_store
from portal.accounts.import_members import ImportFileError, Vocabularies, import_members
from portal.cli import main
from portal.core import identity, passwords
from portal.core.companies import find_or_create_company, get_company
from portal.core.db import connect
from portal.newsletters.audience import audience_size
from site_builder.config import load_config

REPO = Path(__file__).resolve().parents[2]
VOCAB = Vocabularies.of(load_config(REPO / "mkdocs.yml"))
MOSCOW = ZoneInfo("Europe/Moscow")
HEADER = "name,email,company,phone,segment,region,role,topics,consent_at"


@pytest.fixture
def store(tmp_path):
    database = connect(tmp_path / "club.db")
    yield database
    database.conn.close()


def write(tmp_path, text, name="members.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(store, path, **kwargs):
    return import_members(store, path, VOCAB, zone=MOSCOW, **kwargs)


def person(store, email):
    return identity.find_user_by_email(store, email)


def counts(report):
    return report.taken, report.updated, report.unchanged, len(report.refused)


def snapshot(store):
    return [store.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()  # noqa: S608
            for table in ("users", "subscriptions", "companies")]


# --- encodings and delimiters ----------------------------------------------------------------


def test_a_utf8_file_with_commas_is_taken(tmp_path, store):
    path = write(tmp_path, f"{HEADER}\n"
                           'Ирина Светлова,Irina@Svet.Example,"ООО ""Свет-Монтаж""",8 (912) 345-67-89,installers,ural,'
                           'sales,"products,analytics",15.03.2024 10:30\n')
    report = run(store, path)
    assert counts(report) == (1, 0, 0, 0) and report.encoding == "UTF-8" and report.delimiter == ","
    irina = person(store, "irina@svet.example")
    assert (irina.name, irina.phone, irina.segment, irina.region, irina.job_role, irina.topics) == (
        "Ирина Светлова", "+79123456789", "installers", "ural", "sales", ["products", "analytics"])
    assert get_company(store, irina.company_id).name == 'ООО "Свет-Монтаж"'
    assert irina.consent_at == irina.email_confirmed_at == "2024-03-15T07:30:00+00:00"  # 10:30 Moscow time
    assert irina.password_hash is None and irina.level == "member"
    assert store.execute("SELECT imported_at FROM users").fetchone()[0] is not None


def test_names_and_companies_are_stored_on_one_line(tmp_path, store):
    # A quoted cell may hold a line break; a name may hold a bidi override or a line separator.
    path = write(tmp_path, f"{HEADER}\n"
                           '"Ирина\r\nСветлова\u202e",irina@svet.example,"ООО\u2028«Свет\u200b-Монтаж»",,,,,,\n')
    assert counts(run(store, path)) == (1, 0, 0, 0)
    irina = person(store, "irina@svet.example")
    assert (irina.name, get_company(store, irina.company_id).name) == ("Ирина Светлова", "ООО «Свет-Монтаж»")


def test_excel_csv_utf8_with_bom_and_semicolons(tmp_path, store):
    path = write(tmp_path, "\ufeffname;email;consent_at;phone\r\nПётр Лучин;petr@luch.example;2024-05-20;"
                           "+7 495 123-45-67\r\n", encoding="utf-8")
    report = run(store, path)
    assert counts(report) == (1, 0, 0, 0)
    assert (report.encoding, report.delimiter) == ("UTF-8 with BOM", ";")
    assert person(store, "petr@luch.example").name == "Пётр Лучин"  # the BOM is not part of the first column
    assert "read as UTF-8 with BOM, cells separated by ';'" in report.lines()[0]


def test_windows_1251_with_cyrillic_names(tmp_path, store):
    path = write(tmp_path, "Name;E-mail;Company;Consent_at\r\nЁлкина Светлана Юрьевна;elkina@opt.example;"
                           "АО «Оптсвет»;01.02.2025\r\n", encoding="cp1251")
    report = run(store, path)
    assert counts(report) == (1, 0, 0, 0) and report.encoding == "Windows-1251"
    elkina = person(store, "elkina@opt.example")
    assert elkina.name == "Ёлкина Светлана Юрьевна"
    assert get_company(store, elkina.company_id).name == "АО «Оптсвет»"


def test_russian_column_names_are_understood(tmp_path, store):
    path = write(tmp_path, "ФИО;Почта;Телефон;Согласие\nАнна Ким;kim@example.org;;\n")
    assert counts(run(store, path)) == (1, 0, 0, 0)


def test_labels_and_keys_in_any_case(tmp_path, store):
    path = write(tmp_path, f"{HEADER}\n"
                           "Вера Лампова,vera@example.org,,,МОНТАЖНЫЕ ОРГАНИЗАЦИИ,уральский фо,Продажи,"
                           '"Новинки продукции| ANALYTICS ;design",\n'
                           "Олег Светов,oleg@example.org,,,End_Customers,Central,ENGINEERING,обучение и семинары,\n")
    assert counts(run(store, path)) == (2, 0, 0, 0)
    vera, oleg = person(store, "vera@example.org"), person(store, "oleg@example.org")
    assert (vera.segment, vera.region, vera.job_role) == ("installers", "ural", "sales")
    assert vera.topics == ["products", "design", "analytics"]  # in the club's order
    assert (oleg.segment, oleg.region, oleg.job_role, oleg.topics) == ("end_customers", "central", "engineering",
                                                                       ["training"])


def test_extra_columns_are_ignored_with_a_note(tmp_path, store):
    path = write(tmp_path, "name,email,consent_at,comment,INN\nАнна Ким,kim@example.org,,звонила в мае,7707083893\n")
    report = run(store, path)
    assert counts(report) == (1, 0, 0, 0) and report.ignored_columns == ["comment", "inn"]
    assert "columns ignored (not used by the club): comment, inn" in "\n".join(report.lines())


# --- refusals --------------------------------------------------------------------------------

REFUSALS = [
    ("Анна Ким,not-an-address,,,,,,,", "e-mail 'not-an-address' is not an address; correct it or delete the row"),
    ("Анна Ким,,,,,,,,", "no e-mail; every person needs one"),
    (",anna@example.org,,,,,,,", "no name for a new person; write the full name"),
    ("Анна Ким,anna@example.org,,12-34,,,,,", "phone '12-34' has too few digits; write it like +7 912 345-67-89"),
    ("Анна Ким,anna@example.org,,+7 912 345-67-89 12345,,,,,", "phone '+7 912 345-67-89 12345' has too many digits"),
    ("Анна Ким,anna@example.org,,+999 1234567,,,,,", "phone '+999 1234567' has an unknown country code"),
    ("Анна Ким,anna@example.org,,+7 012 345-67-89,,,,,", "phone '+7 012 345-67-89' is not a valid number in its"),
    ("Анна Ким,anna@example.org,,звоните,,,,,", "phone 'звоните' is not a phone number"),
    ("Анна Ким,anna@example.org,ООО,,,,,,", "company 'ООО' has no name besides the legal form"),
    ("Анна Ким,anna@example.org,,,astronauts,,,,", "unknown segment 'astronauts'; write one of the keys or labels"
                                                   " — distributors (Дистрибьюторы);"),
    ("Анна Ким,anna@example.org,,,,atlantis,,,", "unknown region 'atlantis'"),
    ("Анна Ким,anna@example.org,,,,,astrologer,,", "unknown role 'astrologer'"),
    ("Анна Ким,anna@example.org,,,,,,products|gossip,", "unknown topic 'gossip'"),
    ("Анна Ким,anna@example.org,,,,,,,вчера", "consent_at 'вчера' is not a date; write 2024-03-15"),
    ("Анна Ким,anna@example.org,,,,,,,31.02.2024", "consent_at '31.02.2024' is not a date"),
    ("Анна Ким,anna@example.org,,,,,,,01.01.2999", "consent_at '01.01.2999' is in the future; check the date"),
    ("Анна " + "Кимова" * 40 + ",anna@example.org,,,,,,,", "the name is longer than 200 characters"),
]


@pytest.mark.parametrize(("row", "reason"), REFUSALS, ids=[
    "bad-email", "no-email", "no-name", "short-phone", "long-phone", "country-phone", "invalid-phone", "words-phone",
    "legal-form-company",
    "segment", "region", "role", "topic", "consent-word", "consent-impossible-date", "consent-future",
    "long-name"])
def test_each_bad_row_is_refused_with_its_line_and_how_to_fix_it(tmp_path, store, row, reason):
    path = write(tmp_path, f"{HEADER}\nВера Лампова,vera@example.org,,,,,,,\n{row}\n")
    report = run(store, path)
    assert counts(report) == (1, 0, 0, 1)  # the good row goes in all the same
    assert report.refused[0].startswith(f"{path}:3: ") and reason in report.refused[0], report.refused
    assert store.execute("SELECT count(*) FROM users").fetchone()[0] == 1


def test_a_second_row_for_the_same_address_is_refused(tmp_path, store):
    path = write(tmp_path, f"{HEADER}\nВера Лампова,vera@example.org,,,,,,,\nВера Л.,VERA@example.org,,,,,,,\n")
    report = run(store, path)
    assert counts(report) == (1, 0, 0, 1)
    assert report.refused == [f"{path}:3: vera@example.org is already on line 2; keep one row per person"]


def test_line_numbers_are_physical_lines_of_the_file(tmp_path, store):
    path = write(tmp_path, f"{HEADER}\n\n"
                           'Вера Лампова,vera@example.org,"ООО Свет,\nфилиал ""Урал""",,,,,,\n'
                           "Олег Светов,oleg@example,,,,,,,\n")
    report = run(store, path)
    assert report.refused == [f"{path}:5: e-mail 'oleg@example' is not an address; correct it or delete the row"]


def test_a_missing_required_column_is_one_clear_error_and_nothing_is_written(tmp_path, store):
    path = write(tmp_path, "name;phone\nВера Лампова;+79123456789\n")
    with pytest.raises(ImportFileError) as error:
        run(store, path)
    message = str(error.value)
    assert message.startswith(f"{path}:1: no column email, consent_at in the header")
    assert "the first line must name the columns: name,email,company" in message
    assert store.execute("SELECT count(*) FROM users").fetchone()[0] == 0


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "the file is empty"),
    (b"PK\x03\x04\x14\x00rest of a workbook", "this is an Excel workbook, not CSV"),
    ("name,email,consent_at\n".encode("utf-16"), "UTF-16"),
    (b"name,email,consent_at\n\x98\x98,a@b.ru,\n", "neither UTF-8 nor Windows-1251"),
    (b"name,email,email,consent_at\n", "the column email appears 2 times; keep one"),
], ids=["empty", "xlsx", "utf16", "undecodable", "duplicate-column"])
def test_files_that_cannot_be_imported_say_why(tmp_path, store, content, reason):
    path = tmp_path / "members.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=re.escape(reason)):
        run(store, path)


# --- consent, existing people, idempotency ---------------------------------------------------


def test_only_people_whose_consent_the_file_records_are_subscribed(tmp_path, store):
    path = write(tmp_path, f"{HEADER}\nВера Лампова,vera@example.org,,,installers,,,,2024-03-15\n"
                           "Олег Светов,oleg@example.org,,,installers,,,,\n")
    run(store, path)
    vera, oleg = person(store, "vera@example.org"), person(store, "oleg@example.org")
    assert account_store.is_subscribed(store, vera.id) and vera.confirmed
    assert not account_store.is_subscribed(store, oleg.id) and not oleg.confirmed and oleg.consent_at is None
    assert audience_size(store, {"segments": ["installers"]}) == 1  # the newsletters reach Vera only


def test_running_the_same_file_twice_changes_nothing(tmp_path, store):
    path = write(tmp_path, f"{HEADER}\nВера Лампова,vera@example.org,Свет-Монтаж,+79123456789,installers,ural,"
                           "sales,design,2024-03-15\nОлег Светов,oleg@example.org,,,,,,,\n"
                           "Зоя,zoya@example,,,,,,,\n")
    first = run(store, path)
    before = snapshot(store)
    second = run(store, path)
    assert counts(first) == (2, 0, 0, 1) and counts(second) == (0, 0, 2, 1)
    assert snapshot(store) == before


def test_a_later_file_fills_blanks_and_adds_consent(tmp_path, store):
    run(store, write(tmp_path, f"{HEADER}\nОлег Светов,oleg@example.org,,,,,,,\n"))
    report = run(store, write(tmp_path, f"{HEADER}\nО. Светов,oleg@example.org,Луч,+74951234567,designers,"
                                        "central,engineering,design,20.05.2024 14:30\n", name="later.csv"))
    assert counts(report) == (0, 1, 0, 0)
    oleg = person(store, "oleg@example.org")
    assert oleg.name == "Олег Светов"  # a value already there is kept
    assert (oleg.phone, oleg.segment, oleg.region, oleg.job_role, oleg.topics) == (
        "+74951234567", "designers", "central", "engineering", ["design"])
    assert get_company(store, oleg.company_id).name == "Луч"
    assert account_store.is_subscribed(store, oleg.id) and oleg.email_confirmed_at == "2024-05-20T11:30:00+00:00"


def test_a_members_own_values_are_kept_and_only_blanks_are_filled(tmp_path, store):
    own = identity.create_user(store, name="Анна Светлова", email="anna@example.org", language="ru", consent=True,
                               password_hash=passwords.hash_password("lampochka-ilyicha-2026"), confirmed=True)
    company = find_or_create_company(store, "ООО Свет-Монтаж")
    identity.update_profile(store, own.id, identity.ProfileUpdate(name=own.name, company_id=company.id,
                                                                  phone="+79123456789", segment="installers"))
    path = write(tmp_path, f"{HEADER}\nАнна С.,ANNA@example.org,Другая фирма,+74951234567,distributors,volga,"
                           "sales,products,2024-03-15\n")
    report = run(store, path)
    assert counts(report) == (0, 1, 0, 0)
    anna = person(store, "anna@example.org")
    assert (anna.name, anna.company_id, anna.phone, anna.segment) == ("Анна Светлова", company.id, "+79123456789",
                                                                      "installers")
    assert (anna.region, anna.job_role) == ("volga", "sales")  # blanks filled
    assert anna.topics == []  # "every topic" is her choice in the portal
    assert not account_store.is_subscribed(store, anna.id)  # she did not opt in at registration or in the cabinet
    assert report.notes == [f"{path}:2: anna@example.org manages newsletters in the portal and is not "
                            "subscribed there; the file's consent was not applied"]
    assert counts(run(store, path)) == (0, 0, 1, 0)


def test_a_file_never_confirms_an_address_someone_registered_with(tmp_path, store):
    stranger = identity.create_user(store, name="Кто-то", email="ceo@example.org", language="ru", consent=True,
                                    password_hash=passwords.hash_password("chuzhoi-parol-2026"))
    run(store, write(tmp_path, f"{HEADER}\nГлавный,ceo@example.org,,,,,,,2024-03-15\n"))
    assert not person(store, "ceo@example.org").confirmed  # else whoever registered it could sign in
    assert person(store, "ceo@example.org").id == stranger.id


def test_someone_who_unsubscribed_after_the_consent_date_stays_unsubscribed(tmp_path, store):
    run(store, write(tmp_path, f"{HEADER}\nВера Лампова,vera@example.org,,,,,,,2024-03-15\n"))
    vera = person(store, "vera@example.org")
    newsletter = store.execute(
        "INSERT INTO newsletters (page, url, subject, access, audience, mail, scheduled_at, created_at) "
        "VALUES ('n', '/n/', 'Новинки', 'public', '{}', '{}', 0, '2026-01-01')").lastrowid
    send = store.execute("INSERT INTO newsletter_sends (newsletter_id, user_id, email, name, variant, tracking) "
                         "VALUES (?, ?, ?, 'Вера', 'full', 1)", [newsletter, vera.id, vera.email]).lastrowid
    store.execute("INSERT INTO newsletter_events (send_id, kind, at) VALUES (?, 'unsubscribe', 1767225600)", [send])
    account_store.set_newsletter_choice(store, vera.id, account_store.NewsletterChoice(subscribed=False))  # 2026-01-01
    report = run(store, write(tmp_path, f"{HEADER}\nВера Лампова,vera@example.org,,,,,,,2024-03-15\n"))
    assert counts(report) == (0, 0, 1, 0) and "unsubscribed after the consent date" in report.notes[0]
    assert not account_store.is_subscribed(store, vera.id)
    renewed = run(store, write(tmp_path, f"{HEADER}\nВера Лампова,vera@example.org,,,,,,,2026-02-01\n"))
    assert counts(renewed) == (0, 1, 0, 0) and account_store.is_subscribed(store, vera.id)  # a newer consent counts


# --- transaction and dry run -----------------------------------------------------------------


def test_dry_run_reports_the_same_and_writes_nothing(tmp_path, store):
    path = write(tmp_path, f"{HEADER}\nВера Лампова,vera@example.org,Свет,,,,,,2024-03-15\nЗоя,zoya@example,,,,,,,\n")
    dry = run(store, path, dry_run=True)
    assert counts(dry) == (1, 0, 0, 1) and "dry run: nothing would be written" in dry.lines()[-1]
    assert snapshot(store) == [[], [], []]
    assert counts(run(store, path)) == counts(dry)


def test_a_crash_mid_file_leaves_nothing_half_imported(tmp_path, store, monkeypatch):
    path = write(tmp_path, f"{HEADER}\n" + "".join(f"Участник {i},u{i}@example.org,Компания {i},,,,,,2024-03-15\n"
                                                   for i in range(5)))
    real, calls = members_import.create_person, []

    def crash_on_the_fourth(*args):
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("disk full")
        real(*args)

    monkeypatch.setattr(members_import, "create_person", crash_on_the_fourth)
    with pytest.raises(RuntimeError):
        run(store, path)
    assert snapshot(store) == [[], [], []]
    monkeypatch.setattr(members_import, "create_person", real)
    assert counts(run(store, path)) == (5, 0, 0, 0)  # the database is usable afterwards


# --- the command -----------------------------------------------------------------------------


@pytest.fixture
def club_env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    database = tmp_path / "var" / "club.db"
    monkeypatch.setenv("CLUB_DATABASE", str(database))
    monkeypatch.setenv("CLUB_CONFIG", str(REPO / "mkdocs.yml"))
    return database


def test_the_command_prints_the_report_and_exits_by_the_outcome(tmp_path, club_env, capsys):
    sample = REPO / "docs" / "members-import-example.csv"
    assert main(["members", "import", str(sample), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "read as UTF-8, cells separated by ';'" in out and "comment" in out
    assert "taken (new): 4, updated: 0, unchanged: 0, refused: 0 — dry run: nothing would be written" in out
    assert main(["members", "import", str(sample)]) == 0
    assert "taken (new): 4, updated: 0" in capsys.readouterr().out
    assert main(["members", "import", str(sample)]) == 0
    assert "taken (new): 0, updated: 0, unchanged: 4, refused: 0" in capsys.readouterr().out
    db = connect(club_env)
    try:
        assert db.execute("SELECT count(*) FROM subscriptions").fetchone()[0] == 3  # one row has no consent
    finally:
        db.conn.close()


def test_the_command_exits_1_when_rows_were_refused_and_2_when_nothing_could_be_read(tmp_path, club_env, capsys):
    bad_row = write(tmp_path, f"{HEADER}\nЗоя,zoya@example,,,,,,,\n")
    assert main(["members", "import", str(bad_row)]) == 1
    assert f"{bad_row}:2: e-mail 'zoya@example' is not an address" in capsys.readouterr().out
    no_header = write(tmp_path, "Вера;vera@example.org\n", name="no-header.csv")
    assert main(["members", "import", str(no_header)]) == 2
    assert "no column name, email, consent_at in the header" in capsys.readouterr().err
    assert main(["members", "import", str(tmp_path / "missing.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_the_command_needs_the_club_vocabularies(tmp_path, club_env, monkeypatch, capsys):
    monkeypatch.setenv("CLUB_CONFIG", str(tmp_path / "nowhere.yml"))
    assert main(["members", "import", str(write(tmp_path, f"{HEADER}\n"))]) == 2
    assert "nowhere.yml not found" in capsys.readouterr().err
    path = write(tmp_path, f"{HEADER}\nВера,vera@example.org,,,,Уральский ФО,,,\n")
    assert main(["--config", str(REPO / "mkdocs.yml"), "members", "import", str(path)]) == 0
    assert "taken (new): 1" in capsys.readouterr().out
