"""`club newsletter preview|send|status|cancel`, run in-process as `club` runs them, on built e-mails
written into a temporary site/mail."""

from __future__ import annotations

import json
import time
from datetime import datetime
from email import message_from_bytes
from email.policy import default as default_policy
from zoneinfo import ZoneInfo

import pytest
from argon2 import PasswordHasher

from portal.cli import main
from portal.core import passwords
from portal.core.db import connect
from portal.newsletters.model import get_newsletter
from tests.newsletters.test_queue import PAGE, SECRET, add_sends, make_artefact, set_status, subscriber, write_site
from tests.portal_fixtures import REPO

OTHER = "newsletters/2026/12/dekabrskie-novinki"
MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture(autouse=True)
def quick_hashing(monkeypatch):
    monkeypatch.setattr(passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def club(tmp_path, monkeypatch):
    """A CLUB_* environment with two built e-mails, and the database it uses."""
    monkeypatch.chdir(tmp_path)
    site = tmp_path / "site"
    write_site(site, make_artefact(), make_artefact(page=OTHER, access="public", subject="Декабрьские новинки"))
    env = {"CLUB_DATABASE": str(tmp_path / "var" / "club.db"), "CLUB_SITE_DIR": str(site),
           "CLUB_CONFIG": str(REPO / "mkdocs.yml"), "CLUB_BASE_URL": "http://127.0.0.1:8000"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("CLUB_SECRET_KEY", raising=False)
    db = connect(env["CLUB_DATABASE"])
    yield db
    db.conn.close()


def club_cmd(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["newsletter", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys, code: int, *argv: str) -> str:
    """Runs a command that must fail with `code` and exactly one line on stderr; returns that line."""
    got, out, err = club_cmd(capsys, *argv)
    assert got == code, (got, out, err)
    assert out == "" and err.count("\n") == 1 and err.startswith("club newsletter: "), err
    return err


@pytest.fixture
def audience(club):
    """A member and a registered reader among the subscribers: one full letter, one preview."""
    subscriber(club, "anna@svet-montazh.ru", member=True, segment="distributors", region="central",
               name="Анна Светлова")
    subscriber(club, "boris@example.ru", segment="designers", name="Борис Чертёжников")
    return club


# --- preview ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("page", [f"content/newsletters/2026/{PAGE.rsplit('/', 1)[1]}.md", f"/{PAGE}/",
                                  f"http://127.0.0.1:8000/{PAGE}/", PAGE])
def test_preview_accepts_content_path_site_path_and_url(audience, capsys, page):
    code, out, err = club_cmd(capsys, "preview", page)
    assert code == 0, err
    assert "Subject:    Новые трековые светильники" in out and "access: members" in out
    assert "Recipients: 2 — full letter 1, preview 1" in out
    assert "Дистрибьюторы" in out and "Центральный ФО" in out and "не указан" in out
    assert "Next slot:" in out and "(Europe/Moscow)" in out


def test_preview_writes_a_sample_of_each_variant_and_keeps_the_closed_text_out_of_the_preview(audience, capsys,
                                                                                             tmp_path):
    code, out, _ = club_cmd(capsys, "preview", f"/{PAGE}/")
    assert code == 0
    folder = tmp_path / "var" / "newsletter-preview"
    slug = PAGE.rsplit("/", 1)[1]
    for path in (f"{slug}-full.eml", f"{slug}-full.html", f"{slug}-preview.eml", f"{slug}-preview.html"):
        assert str(folder / path) in out and (folder / path).is_file()
    full = message_from_bytes((folder / f"{slug}-full.eml").read_bytes(), policy=default_policy)
    preview = message_from_bytes((folder / f"{slug}-preview.eml").read_bytes(), policy=default_policy)
    assert "anna@svet-montazh.ru" in full["To"] and "boris@example.ru" in preview["To"]
    assert SECRET in full.get_body(("plain",)).get_content()
    assert "Здравствуйте, Анна Светлова!" in full.get_body(("html",)).get_content()
    for part in (preview.get_body(("plain",)), preview.get_body(("html",))):
        assert SECRET not in part.get_content()
    assert SECRET not in (folder / f"{slug}-preview.html").read_text(encoding="utf-8")
    assert "Здравствуйте, Борис Чертёжников!" in (folder / f"{slug}-preview.html").read_text(encoding="utf-8")


def test_preview_for_a_chosen_member_and_into_a_chosen_folder(audience, capsys, tmp_path):
    code, out, _ = club_cmd(capsys, "preview", f"/{PAGE}/", "--to", "BORIS@example.ru", "--out", "samples")
    assert code == 0
    assert "preview letter, for Борис Чертёжников <boris@example.ru>" in out and "full letter, for" not in out
    assert (tmp_path / "samples" / f"{PAGE.rsplit('/', 1)[1]}-preview.eml").is_file()


def test_preview_without_recipients_uses_a_made_up_one(club, capsys):
    code, out, _ = club_cmd(capsys, "preview", f"/{OTHER}/")
    assert code == 0
    assert "Recipients: 0" in out and "sample@example.invalid" in out and "made up" in out
    assert "preview letter" not in out  # a public page has one variant


def test_content_paths_map_through_the_built_index_or_the_emails(club, capsys, tmp_path):
    index = tmp_path / "site" / "mail" / "index.json"
    index.write_text(json.dumps({"version": 1, "mails": [{"page": PAGE, "file": f"{PAGE}.json"}]}))
    assert club_cmd(capsys, "preview", "newsletters/2026/novye-svetilniki.md")[0] == 0  # from the e-mails
    index.unlink()
    assert club_cmd(capsys, "preview", str(tmp_path / "content/newsletters/2026/novye-svetilniki.md"))[0] == 0


@pytest.mark.parametrize(("argv", "says"), [
    (("preview", "/newsletters/2026/11/net-takoy/"), "club build"),
    (("preview", "content/newsletters/2026/net-takoy.md"), "no newsletter e-mail was built from this file"),
    (("preview", "/magazine/2026/vypusk/"), "content/newsletters/"),
    (("preview", "/newsletters/../../etc/passwd"), "no built newsletter"),
    (("preview", f"/{PAGE}/", "--to", "nobody@example.ru"), "nobody with this e-mail"),
    (("send", "/newsletters/2026/11/net-takoy/"), "club build"),
    (("status", "/newsletters/2026/11/net-takoy/"), "club build"),
    (("status", "#77"), "no newsletter #77"),
    (("cancel", f"/{PAGE}/"), "nothing to cancel"),
    (("cancel", "77"), "no newsletter #77"),
    (("cancel", "#99999999999999999999"), "no newsletter #99999999999999999999"),
    (("status", "99999999999999999999"), "no newsletter #99999999999999999999"),
])
def test_unknown_pages_and_people_are_one_line_and_exit_1(club, capsys, argv, says):
    assert says in refused(capsys, 1, *argv)


def test_ambiguous_and_unbuilt_sites_are_one_line(club, capsys, tmp_path):
    write_site(tmp_path / "site", make_artefact(), make_artefact(page="newsletters/2027/01/novye-svetilniki"))
    assert "matches 2 newsletters" in refused(capsys, 1, "preview", "novye-svetilniki.md")
    for path in sorted((tmp_path / "site" / "mail").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (tmp_path / "site" / "mail").rmdir()
    assert "run `club build` first" in refused(capsys, 1, "preview", "content/newsletters/2026/x.md")


def test_a_broken_email_file_is_one_line(club, capsys, tmp_path):
    (tmp_path / "site" / "mail" / f"{PAGE}.json").write_text("{not json")
    assert "club build" in refused(capsys, 1, "preview", f"/{PAGE}/")


# --- send ---------------------------------------------------------------------------------------------

def test_send_takes_the_next_slot(audience, capsys):
    code, out, _ = club_cmd(capsys, "send", f"/{PAGE}/")
    assert code == 0
    assert "#1 " in out and "to 2 recipients" in out and "(Europe/Moscow)" in out
    letter = get_newsletter(audience, 1)
    at = datetime.fromtimestamp(letter.scheduled_at, MSK)
    assert (at.weekday(), at.hour, at.minute) in {(1, 12, 30), (1, 16, 30), (3, 12, 30), (3, 16, 30)}
    assert 0 < letter.scheduled_at - time.time() <= 7 * 24 * 3600 and at.strftime("%Y-%m-%d %H:%M") in out
    assert letter.status == "scheduled" and letter.created_by is None


def test_send_at_a_chosen_time_or_now(club, capsys):
    code, out, _ = club_cmd(capsys, "send", f"/{PAGE}/", "--at", "2099-12-01 12:30")
    assert code == 0 and "for 2099-12-01 12:30 (Europe/Moscow)" in out and "to 0 recipients" in out
    assert get_newsletter(club, 1).scheduled_at == datetime(2099, 12, 1, 12, 30, tzinfo=MSK).timestamp()
    code, out, err = club_cmd(capsys, "send", f"/{OTHER}/", "--now")
    assert code == 0 and "queued now" in out and "nobody matches" in err
    assert abs(get_newsletter(club, 2).scheduled_at - time.time()) < 60


@pytest.mark.parametrize(("argv", "says"), [
    (("--at", "2099-13-01 12:30"), "not a date and time"),
    (("--at", "завтра"), "2026-12-01 12:30"),
    (("--at", "2020-01-01 12:30"), "in the past"),
    (("--at", "2099-12-01 12:30", "--now"), "either --at or --now"),
])
def test_bad_times_are_one_line_and_exit_2(club, capsys, argv, says):
    assert says in refused(capsys, 2, "send", f"/{PAGE}/", *argv)
    assert club.execute("SELECT count(*) FROM newsletters").fetchone()[0] == 0


def test_sending_twice_is_refused_and_again_needs_the_flag(club, capsys):
    assert club_cmd(capsys, "send", f"/{PAGE}/", "--at", "2099-12-01 12:30")[0] == 0
    assert "already scheduled for 2099-12-01 12:30" in refused(capsys, 1, "send", f"/{PAGE}/", "--again")
    set_status(club, 1, "done")
    assert "--again" in refused(capsys, 1, "send", f"/{PAGE}/", "--at", "2099-12-03 12:30")
    assert club_cmd(capsys, "send", f"/{PAGE}/", "--at", "2099-12-03 12:30", "--again")[0] == 0
    assert get_newsletter(club, 2).status == "scheduled"


def test_a_bad_slot_setting_is_one_line_and_exit_2(club, capsys, tmp_path, monkeypatch):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Клуб\nextra:\n  club:\n    newsletter_slots: [Someday]\n", encoding="utf-8")
    monkeypatch.setenv("CLUB_CONFIG", str(config))
    assert "newsletter_slots" in refused(capsys, 2, "send", f"/{PAGE}/")


# --- status and cancel --------------------------------------------------------------------------------

def test_status_shows_every_newsletter_or_one(audience, capsys):
    assert club_cmd(capsys, "status") == (0, "club newsletter: nothing queued yet\n", "")
    club_cmd(capsys, "send", f"/{PAGE}/", "--at", "2099-12-01 12:30")
    club_cmd(capsys, "send", f"/{OTHER}/", "--at", "2099-12-03 16:30")
    add_sends(audience, 1, "sent", "sent", "sent", "bounced", "queued")
    set_status(audience, 1, "sending")
    code, out, _ = club_cmd(capsys, "status")
    assert code == 0 and "Times in Europe/Moscow." in out
    assert out.index("#2") < out.index("#1")  # newest first
    assert "#1  sending    2099-12-01 12:30" in out and "Новые трековые светильники" in out
    assert "queued 1 · sending 0 · sent 3 · failed 0 · bounced 1 · skipped 0 — 80% (4 of 5)" in out
    assert "/staff/newsletters/1/stats" in out
    assert "#2  scheduled  2099-12-03 16:30" in out and "2 recipients as of now" in out
    for page in (f"/{PAGE}/", "#1", f"content/newsletters/2026/{PAGE.rsplit('/', 1)[1]}.md"):
        code, out, _ = club_cmd(capsys, "status", page)
        assert code == 0 and "#1" in out and "#2" not in out


def test_status_of_a_built_page_never_sent(club, capsys):
    assert club_cmd(capsys, "status", f"/{PAGE}/") == (0, f"club newsletter: nothing queued yet for /{PAGE}/\n", "")


def test_cancel_a_scheduled_newsletter(club, capsys):
    club_cmd(capsys, "send", f"/{PAGE}/", "--at", "2099-12-01 12:30")
    code, out, _ = club_cmd(capsys, "cancel", f"http://127.0.0.1:8000/{PAGE}/")
    assert code == 0 and "#1" in out and "cancelled; nothing was sent" in out
    assert get_newsletter(club, 1).status == "cancelled"
    assert "nothing to cancel" in refused(capsys, 1, "cancel", f"/{PAGE}/")
    assert "only a scheduled or sending newsletter" in refused(capsys, 1, "cancel", "#1")


def test_cancel_stops_a_newsletter_that_is_sending(club, capsys):
    club_cmd(capsys, "send", f"/{PAGE}/", "--now")
    add_sends(club, 1, "sent", "sent", "queued", "queued", "queued")
    set_status(club, 1, "sending")
    code, out, _ = club_cmd(capsys, "cancel", "#1")
    assert code == 0 and "stopped: 2 of 5 were sent, the other 3 will not be" in out
    assert get_newsletter(club, 1).status == "cancelled"
