"""portal.newsletters: sending slots, typed times, queue and cancel rules, progress, audience breakdown."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from portal.newsletters import queue as nl
from portal.newsletters.audience import recipients
from portal.newsletters.model import get_newsletter
from site_builder.config import DEFAULT_SEGMENTS, load_config
from site_builder.contract import MailArtefact, MailVariant
from tests.portal_fixtures import REPO, make_user

MSK = ZoneInfo("Europe/Moscow")
PAGE = "newsletters/2026/11/novye-svetilniki"
SECRET = "Закрытый прогноз спроса на трековые системы до 2028 года"
REGIONS = load_config(REPO / "mkdocs.yml").regions


def make_artefact(page: str = PAGE, access: str = "members", audience: dict | None = None,
                  subject: str = "Новые трековые светильники", date: str = "2026-11-20") -> MailArtefact:
    """A built e-mail as site_builder writes it: placeholders in both variants, the secret only in `full`."""
    slug = page.rsplit("/", 1)[-1]
    body = ('<html><body><p>Здравствуйте, {{club:name}}!</p>{}<p><a href="{{club:link:0}}">Читать на сайте</a></p>'
            '<p><a href="{{club:unsubscribe}}">Отписаться</a></p>{{club:pixel}}</body></html>')
    full = MailVariant(body.replace("{}", f"<p>{SECRET}</p>"),
                       f"Здравствуйте, {{{{club:name}}}}!\n\n{SECRET}\n\n{{{{club:link:0}}}}\n\n"
                       "Отписаться: {{club:unsubscribe}}\n")
    preview = MailVariant(body.replace("{}", "<p>Полный текст — для участников клуба.</p>"),
                          "Здравствуйте, {{club:name}}!\n\nПолный текст — для участников клуба.\n\n"
                          "{{club:link:0}}\n\nОтписаться: {{club:unsubscribe}}\n")
    return MailArtefact(
        page=page, source=f"content/newsletters/{page.split('/')[1]}/{slug}.md", url=f"http://127.0.0.1:8000/{page}/",
        title=subject, subject=subject, preheader="Три новые серии", date=date, language="ru", access=access,
        audience={"segments": [], "regions": [], "roles": [], "topics": [], **(audience or {})},
        links=[f"http://127.0.0.1:8000/{page}/"], full=full, preview=None if access == "public" else preview)


def write_site(site_dir: Path, *artefacts: MailArtefact, index: bool = True) -> None:
    """site/mail/<page>.json for each, and index.json with page and source of each."""
    root = site_dir / "mail"
    for artefact in artefacts:
        path = root / f"{artefact.page}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(artefact.to_json(), encoding="utf-8")
    if index:
        entries = [{"page": a.page, "source": a.source, "subject": a.subject} for a in artefacts]
        root.mkdir(parents=True, exist_ok=True)
        (root / "index.json").write_text(json.dumps({"version": 1, "mails": entries}), encoding="utf-8")


def subscriber(db, email: str, *, member: bool = False, segment: str | None = None, region: str | None = None,
               role: str | None = None, subscribed: bool = True, **changes):
    """A confirmed user with a newsletter consent row and the given profile values."""
    user = make_user(db, email, member=member, role=role, name=changes.pop("name", "Пётр Подписчиков"),
                     confirmed=changes.pop("confirmed", True))
    db.execute("UPDATE users SET segment = ?, region = ? WHERE id = ?", [segment, region, user.id])
    for column, value in changes.items():
        db.execute(f"UPDATE users SET {column} = ? WHERE id = ?", [value, user.id])  # noqa: S608 - test names
    if subscribed:
        db.execute("INSERT INTO subscriptions (user_id, list) VALUES (?, 'newsletters')", [user.id])
    return user


def add_sends(db, newsletter_id: int, *statuses: str) -> None:
    for number, status in enumerate(statuses):
        db.execute("INSERT INTO newsletter_sends (newsletter_id, user_id, email, name, variant, tracking, status) "
                   "VALUES (?, NULL, ?, 'X', 'full', 1, ?)", [newsletter_id, f"r{number}@example.ru", status])


def set_status(db, newsletter_id: int, status: str) -> None:
    db.execute("UPDATE newsletters SET status = ? WHERE id = ?", [status, newsletter_id])


def msk(*args) -> datetime:
    return datetime(*args, tzinfo=MSK)


# --- next_slot ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("now", "expected"), [
    (msk(2026, 11, 23, 10, 0), msk(2026, 11, 24, 12, 30)),  # Monday -> Tuesday 12:30
    (msk(2026, 11, 24, 12, 29, 59), msk(2026, 11, 24, 12, 30)),
    (msk(2026, 11, 24, 12, 30), msk(2026, 11, 24, 16, 30)),  # strictly after: the slot just begun is gone
    (msk(2026, 11, 24, 16, 30), msk(2026, 11, 26, 12, 30)),  # Tuesday evening -> Thursday
    (msk(2026, 11, 25, 23, 59), msk(2026, 11, 26, 12, 30)),
    (msk(2026, 11, 26, 14, 0), msk(2026, 11, 26, 16, 30)),
    (msk(2026, 11, 26, 17, 0), msk(2026, 12, 1, 12, 30)),  # Thursday evening -> next Tuesday, next month
    (msk(2026, 11, 28, 12, 0), msk(2026, 12, 1, 12, 30)),  # Saturday
    (msk(2026, 12, 31, 20, 0), msk(2027, 1, 5, 12, 30)),  # over the year's end
])
def test_next_slot_is_the_next_tuesday_or_thursday_at_1230_or_1630_moscow(now, expected):
    found = nl.next_slot(now.astimezone(UTC), "Europe/Moscow")  # the instant matters, not its zone
    assert found == expected
    assert found.utcoffset() == timedelta(hours=3) and found.tzinfo.key == "Europe/Moscow"
    assert (found.weekday(), found.hour, found.minute) in {(1, 12, 30), (1, 16, 30), (3, 12, 30), (3, 16, 30)}


def test_next_slot_uses_the_clubs_own_day_not_utcs():
    # 2026-11-24 14:00 UTC: Tuesday 17:00 in Moscow (-> Thursday), already Wednesday 00:00 in Vladivostok.
    now = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    assert nl.next_slot(now, "Europe/Moscow") == msk(2026, 11, 26, 12, 30)
    vladivostok = nl.next_slot(now, "Asia/Vladivostok")
    assert (vladivostok.day, vladivostok.hour, vladivostok.utcoffset()) == (26, 12, timedelta(hours=10))
    # 2026-11-24 02:00 UTC: Tuesday 05:00 in Moscow but still Monday 21:00 in New York.
    assert nl.next_slot(datetime(2026, 11, 24, 2, 0, tzinfo=UTC), "America/New_York").day == 24


def test_next_slot_keeps_wall_clock_time_across_a_dst_change():
    new_york = ZoneInfo("America/New_York")  # summer time ends on Sunday 2026-11-01
    found = nl.next_slot(datetime(2026, 10, 29, 17, 0, tzinfo=new_york), "America/New_York")
    assert (found.month, found.day, found.hour, found.minute) == (11, 3, 12, 30)
    assert found.utcoffset() == timedelta(hours=-5) and found.astimezone(UTC).hour == 17


def test_next_slot_needs_an_aware_time():
    with pytest.raises(ValueError, match="aware"):
        nl.next_slot(datetime(2026, 11, 24, 10, 0), "Europe/Moscow")


def test_slots_can_be_configured_in_mkdocs_yml(tmp_path):
    slots = nl.parse_slots(["Wed 09:00", "fri 18:15", "ЧТ 7:05"])
    assert slots == ((2, nl.clock(9, 0)), (3, nl.clock(7, 5)), (4, nl.clock(18, 15)))
    assert nl.next_slot(msk(2026, 11, 25, 9, 0), "Europe/Moscow", slots) == msk(2026, 11, 26, 7, 5)
    assert nl.parse_slots(None) == nl.DEFAULT_SLOTS
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Клуб\nextra:\n  club:\n    timezone: Asia/Yekaterinburg\n"
                      "    newsletter_slots: [\"Mon 10:00\"]\n", encoding="utf-8")
    view = nl.club_view(load_config(config))
    assert (view.timezone, view.slots, view.problem) == ("Asia/Yekaterinburg", ((0, nl.clock(10, 0)),), None)


@pytest.mark.parametrize("bad", [[], "Tue 12:30", ["Tue"], ["Xyz 12:30"], ["Tue 24:00"], ["Tue 12:60"]])
def test_bad_slot_settings_name_the_key(bad):
    with pytest.raises(ValueError, match="extra.club.newsletter_slots"):
        nl.parse_slots(bad)


def test_a_bad_slot_or_zone_in_the_config_is_a_problem_with_defaults(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: Клуб\nextra:\n  club:\n    timezone: Mars/Olympus\n", encoding="utf-8")
    view = nl.club_view(load_config(config))
    assert view.timezone == "Europe/Moscow" and "Mars/Olympus" in view.problem
    config.write_text("site_name: Клуб\nextra:\n  club:\n    newsletter_slots: [Someday]\n", encoding="utf-8")
    view = nl.club_view(load_config(config))
    assert view.slots == nl.DEFAULT_SLOTS and "newsletter_slots" in view.problem
    assert nl.club_view(None).segments == DEFAULT_SEGMENTS


# --- parse_at -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["2026-12-01 12:30", "2026-12-01T12:30", "01.12.2026 12:30", "  2026-12-01 12:30 "])
def test_parse_at_reads_club_time(text):
    at = nl.parse_at(text, "Europe/Moscow", now=msk(2026, 11, 20, 9, 0))
    assert at == msk(2026, 12, 1, 12, 30) and at.astimezone(UTC).hour == 9


@pytest.mark.parametrize("text", ["2026-13-01 12:30", "2026-12-01", "завтра в обед", "2026-12-01 25:00", "",
                                  "2026-02-30 12:30"])
def test_parse_at_refuses_what_is_not_a_date_and_time(text):
    with pytest.raises(nl.QueueError) as caught:
        nl.parse_at(text, "Europe/Moscow", now=msk(2026, 11, 20, 9, 0))
    assert caught.value.key == "nl.error.bad_at" and "2026-12-01 12:30" in str(caught.value)


@pytest.mark.parametrize("text", ["2026-11-20 09:00", "2026-11-20 08:59", "2020-01-01 12:30"])
def test_parse_at_refuses_the_past(text):
    with pytest.raises(nl.QueueError) as caught:
        nl.parse_at(text, "Europe/Moscow", now=msk(2026, 11, 20, 9, 0))
    assert caught.value.key == "nl.error.past" and "in the past" in str(caught.value)


def test_parse_at_refuses_a_time_the_clocks_skip_and_an_unknown_zone():
    with pytest.raises(nl.QueueError) as caught:  # Berlin: 02:00 -> 03:00 on 2026-03-29
        nl.parse_at("2026-03-29 02:30", "Europe/Berlin", now=datetime(2026, 3, 1, tzinfo=UTC))
    assert caught.value.key == "nl.error.no_such_time"
    with pytest.raises(nl.QueueError) as caught:
        nl.parse_at("2026-12-01 12:30", "Moscow/Kremlin")
    assert caught.value.key == "nl.error.timezone"


def test_club_time_is_shown_in_the_clubs_zone():
    assert nl.club_time(msk(2026, 12, 1, 12, 30).timestamp(), "Europe/Moscow") == "2026-12-01 12:30"
    assert nl.club_time(None, "Europe/Moscow") == ""


# --- queue and cancel ---------------------------------------------------------------------------------

AT = msk(2026, 12, 1, 12, 30)


def test_queue_copies_the_built_email(db):
    staff = make_user(db, "olga@club.example", role="staff")
    artefact = make_artefact(audience={"segments": ["distributors"]})
    letter = nl.queue_newsletter(db, artefact, AT, staff.id)
    stored = get_newsletter(db, letter.id)
    assert (stored.page, stored.url, stored.subject, stored.access, stored.status, stored.created_by) == (
        PAGE, f"/{PAGE}/", artefact.subject, "members", "scheduled", staff.id)
    assert stored.scheduled_at == AT.timestamp() and stored.audience["segments"] == ["distributors"]
    assert stored.mail == artefact and stored.mail_json == artefact.to_json()
    assert stored.started_at is None and stored.finished_at is None


def test_a_page_already_scheduled_or_sending_is_refused(db):
    first = nl.queue_newsletter(db, make_artefact(), AT, None)
    with pytest.raises(nl.QueueError) as caught:
        nl.queue_newsletter(db, make_artefact(), AT + timedelta(days=2), None, again=True)
    assert caught.value.key == "nl.error.scheduled" and "2026-12-01 12:30" in str(caught.value)
    set_status(db, first.id, "sending")
    with pytest.raises(nl.QueueError) as caught:
        nl.queue_newsletter(db, make_artefact(), AT, None, again=True)
    assert caught.value.key == "nl.error.sending"
    other = nl.queue_newsletter(db, make_artefact(page="newsletters/2026/11/drugaya"), AT, None)
    assert other.status == "scheduled"  # another page is not affected
    assert db.execute("SELECT count(*) FROM newsletters WHERE page = ?", [PAGE]).fetchone()[0] == 1


def test_sending_a_page_again_needs_the_explicit_flag(db):
    first = nl.queue_newsletter(db, make_artefact(), AT, None)
    set_status(db, first.id, "done")
    with pytest.raises(nl.QueueError) as caught:
        nl.queue_newsletter(db, make_artefact(), AT + timedelta(days=7), None)
    assert caught.value.key == "nl.error.sent_before" and "--again" in str(caught.value)
    again = nl.queue_newsletter(db, make_artefact(), AT + timedelta(days=7), None, again=True)
    assert again.id != first.id and again.status == "scheduled"


def test_a_cancelled_send_counts_as_sent_only_if_someone_got_it(db):
    first = nl.queue_newsletter(db, make_artefact(), AT, None)
    nl.cancel_newsletter(db, first.id)
    second = nl.queue_newsletter(db, make_artefact(), AT, None)  # nobody got the first: no flag needed
    add_sends(db, second.id, "sent", "queued")
    set_status(db, second.id, "sending")
    nl.cancel_newsletter(db, second.id)
    with pytest.raises(nl.QueueError) as caught:
        nl.queue_newsletter(db, make_artefact(), AT, None)
    assert caught.value.key == "nl.error.sent_before"


def test_a_gated_page_without_a_preview_is_never_queued(db):
    artefact = make_artefact()
    broken = MailArtefact(**{**vars(artefact), "preview": None})
    with pytest.raises(nl.QueueError) as caught:
        nl.queue_newsletter(db, broken, AT, None)
    assert caught.value.key == "nl.error.no_preview"
    assert db.execute("SELECT count(*) FROM newsletters").fetchone()[0] == 0
    assert nl.queue_newsletter(db, make_artefact(access="public"), AT, None).access == "public"


def test_cancel_rules(db):
    letter = nl.queue_newsletter(db, make_artefact(), AT, None)
    cancelled = nl.cancel_newsletter(db, letter.id, now=1234.0)
    assert (cancelled.status, cancelled.finished_at) == ("cancelled", 1234.0)
    for status in ("cancelled", "done"):
        set_status(db, letter.id, status)
        with pytest.raises(nl.QueueError) as caught:
            nl.cancel_newsletter(db, letter.id)
        assert caught.value.key == "nl.error.not_cancellable" and caught.value.values["status"] == status
    with pytest.raises(nl.QueueError) as caught:
        nl.cancel_newsletter(db, 999)
    assert caught.value.key == "nl.error.not_found"


def test_cancelling_a_sending_newsletter_stops_it_and_keeps_what_went_out(db):
    letter = nl.queue_newsletter(db, make_artefact(), AT, None)
    add_sends(db, letter.id, "sent", "sent", "queued", "failed")
    set_status(db, letter.id, "sending")
    assert nl.cancel_newsletter(db, letter.id).status == "cancelled"
    progress = nl.progress_of(db, [letter.id])[letter.id]
    assert progress.counts == {"queued": 1, "sending": 0, "sent": 2, "failed": 1, "bounced": 0, "skipped": 0}


def test_statuses_count_sends_by_status(db):
    first = nl.queue_newsletter(db, make_artefact(), AT, None)
    second = nl.queue_newsletter(db, make_artefact(page="newsletters/2026/12/dekabr"), AT + timedelta(days=2), None)
    add_sends(db, first.id, "sent", "sent", "sent", "bounced", "failed", "queued", "sending", "queued")
    found = nl.statuses(db)
    assert [s.newsletter.id for s in found] == [second.id, first.id]  # newest first
    assert all(s.newsletter.mail_json == "" for s in found)  # lists do not load the snapshots
    progress = found[1].progress
    assert progress.counts == {"queued": 2, "sending": 1, "sent": 3, "failed": 1, "bounced": 1, "skipped": 0}
    assert (progress.total, progress.finished, progress.percent) == (8, 5, 62)
    assert found[0].progress.total == 0 and found[0].progress.percent == 0
    assert [s.newsletter.id for s in nl.statuses(db, PAGE)] == [first.id]
    assert nl.active_newsletter(db, PAGE).id == first.id and nl.active_newsletter(db, "newsletters/x") is None


# --- audience breakdown -------------------------------------------------------------------------------

@pytest.fixture
def people(db):
    """Subscribers of every kind, and people who must not be counted."""
    return {
        "member": subscriber(db, "m1@example.ru", member=True, segment="distributors", region="central"),
        "member2": subscriber(db, "m2@example.ru", member=True, segment="distributors", region="volga"),
        "reader": subscriber(db, "r1@example.ru", segment="designers", region="central"),
        "unsaid": subscriber(db, "r2@example.ru"),
        "staff": subscriber(db, "s1@example.ru", role="editor", segment="installers", region="ural"),
        "odd": subscriber(db, "o1@example.ru", segment="retired", region="mars"),
        "suspended_member": subscriber(db, "sm@example.ru", member=True, segment="designers",
                                       suspended_at="2026-01-01T00:00:00+00:00"),
        "not_subscribed": subscriber(db, "ns@example.ru", member=True, segment="distributors", subscribed=False),
        "unconfirmed": subscriber(db, "uc@example.ru", segment="distributors", confirmed=False),
        "bouncing": subscriber(db, "b@example.ru", segment="distributors", bounced_at="2026-01-01"),
    }


def counts(items):
    return {c.key: (c.label, c.count) for c in items}


def test_breakdown_by_segment_region_and_variant(db, people):
    split = nl.audience_breakdown(db, make_artefact(), DEFAULT_SEGMENTS, REGIONS, "не указан")
    assert split.total == 6
    assert counts(split.by_segment) == {
        "distributors": ("Дистрибьюторы", 2), "designers": ("Проектировщики и дизайнеры", 1),
        "installers": ("Монтажные организации", 1), "end_customers": ("Конечные заказчики", 0),
        "retired": ("retired", 1), None: ("не указан", 1)}
    assert [c.key for c in split.by_segment][-1] is None  # "not given" comes last
    by_region = counts(split.by_region)
    assert by_region["central"] == ("Центральный ФО", 2) and by_region["volga"] == ("Приволжский ФО", 1)
    assert by_region["ural"][1] == 1 and by_region["mars"] == ("mars", 1) and by_region[None] == ("не указан", 1)
    assert by_region["far_east"] == ("Дальневосточный ФО", 0)
    # members pages: the two members and the editor read it; the three registered readers get the preview
    assert split.variants == {"full": 3, "preview": 3}


def test_breakdown_variants_agree_with_user_may_read(db, people):
    for access in ("public", "registered", "members"):
        artefact = make_artefact(access=access)
        split = nl.audience_breakdown(db, artefact, DEFAULT_SEGMENTS, REGIONS, "—")
        expected = {"full": 0, "preview": 0}
        for recipient in recipients(db, artefact.audience):
            expected[nl.variant_of(artefact, recipient.user)] += 1
        assert split.variants == expected, access
    assert nl.audience_breakdown(db, make_artefact(access="public"), DEFAULT_SEGMENTS, REGIONS,
                                 "—").variants == {"full": 6, "preview": 0}


def test_breakdown_follows_the_audience_and_lists_only_allowed_entries(db, people):
    artefact = make_artefact(audience={"segments": ["distributors", "designers"], "regions": ["central"]})
    split = nl.audience_breakdown(db, artefact, DEFAULT_SEGMENTS, REGIONS, "не указан")
    assert split.total == 2
    assert counts(split.by_segment) == {"distributors": ("Дистрибьюторы", 1),
                                        "designers": ("Проектировщики и дизайнеры", 1)}
    assert counts(split.by_region) == {"central": ("Центральный ФО", 2)}
    assert split.variants == {"full": 1, "preview": 1}


def test_samples_take_the_first_recipient_of_each_variant_or_a_made_up_one(db, people):
    artefact = make_artefact()
    found = nl.samples(db, artefact)
    assert (found["full"].email, found["full"].company, found["full"].variant) == (
        "m1@example.ru", "ООО «Свет-Монтаж»", "full")
    assert found["preview"].email == "r1@example.ru" and found["preview"].variant == "preview"
    assert all(s.id == 0 and not s.tracking for s in found.values())
    nobody = make_artefact(audience={"segments": ["end_customers"]})
    made_up = nl.samples(db, nobody)
    assert made_up["full"].email == nl.SAMPLE_EMAIL and made_up["full"].user_id is None
    assert list(nl.samples(db, make_artefact(access="public"))) == ["full"]


def test_recipient_by_email_finds_anyone_with_an_account(db, people):
    found = nl.recipient_by_email(db, "ns@example.ru")
    assert found.user.id == people["not_subscribed"].id and found.company == "ООО «Свет-Монтаж»"
    assert nl.recipient_by_email(db, "nobody@example.ru") is None
    assert nl.variant_of(make_artefact(), people["reader"]) == "preview"
    assert nl.variant_of(make_artefact(), people["member"]) == "full"
