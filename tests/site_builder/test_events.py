"""Event registration in front matter: every bad input names file:line; the demo's site/events.json."""

import json
from pathlib import Path

import pytest

from site_builder.content import load_site
from site_builder.contract import EVENTS, EVENTS_VERSION, Question, read_events

from .test_model import problems

HEAD = '---\ntitle: A\nstarts: "2027-02-18 09:30"\nends: "2027-02-18 18:00"\ncity: Москва\n'  # lines 1-5


def event(project, front: str) -> None:
    project.write("events/a.md", HEAD + front + "---\nText\n")


def error_of(project, front: str) -> str:
    event(project, front)
    [error] = problems(project)
    return error


def fields(project, front: str) -> dict:
    event(project, front)
    return load_site(project.config()).by_rel()["events/a.md"].extra


def test_defaults_registration_on_deadline_at_the_start_no_questions(project):
    extra = fields(project, "")
    assert extra["registration"] is True and extra["cancelled"] is False
    assert (extra["per_company"], extra["register_until"], extra["questions"], extra["online_link"]) == (
        None, None, [], "")


def test_all_fields_load(project):
    extra = fields(project, 'capacity: 30\nper_company: 2\nregister_until: "2027-02-16 18:00"\ncancelled: true\n'
                            "questions:\n"
                            "  - {name: diet, label: Питание, kind: choice, options: [Мясо, Рыба], required: true}\n"
                            "  - {name: ask, label: Вопрос инженеру, kind: long}\n"
                            "  - {name: note, label: Примечание, max: 50}\n")
    assert extra["per_company"] == 2 and extra["cancelled"] is True
    assert extra["register_until"].isoformat() == "2027-02-16T18:00:00"
    assert extra["questions"] == [Question("diet", "Питание", "choice", ("Мясо", "Рыба"), True, 0),
                                  Question("ask", "Вопрос инженеру", "long", (), False, 1000),
                                  Question("note", "Примечание", "text", (), False, 50)]


@pytest.mark.parametrize(("front", "line", "message"), [
    ("per_company: 0\n", 6, "`per_company` must be a whole number of at least 1"),
    ("per_company: два\n", 6, "`per_company` must be a whole number of at least 1"),
    ("capacity: 10\nper_company: 11\n", 7, "`per_company: 11` is more than `capacity: 10`"),
    ('register_until: "2027-02-19 10:00"\n', 6, "`register_until` is after `ends`; registration must close by "
                                                "2027-02-18 18:00"),
    ('register_until: "завтра"\n', 6, "bad date and time 'завтра' in `register_until`"),
    ("cancelled: да\n", 6, "`cancelled` must be true or false"),
    ("registration: maybe\n", 6, "`registration` must be true or false"),
    ("registration: false\nper_company: 2\n", 7, "`per_company` is for registration, but this page has "
                                                 "`registration: false`"),
    ("registration: false\nquestions: [{name: a, label: A}]\n", 7, "`questions` is for registration"),
    ('online_link: "https://meet.example.ru/x"\n', 6, "`online_link` is only for online events"),
    ("questions: diet\n", 6, "`questions` must be a list of questions"),
    ("questions: []\n", 6, "`questions` must be a list of questions"),
    ("offer_hours: 0\n", 6, "`offer_hours` must be a whole number of at least 1"),
    ("offer_hours: 200\n", 6, "`offer_hours: 200` is more than a week"),
    ("registration: false\noffer_hours: 6\n", 7, "`offer_hours` is for registration"),
])
def test_bad_registration_fields(project, front, line, message):
    error = error_of(project, front)
    assert error.startswith(f"content/events/a.md:{line}: {message}"), error


def test_register_until_after_the_start_of_an_event_without_an_end(project):
    project.write("events/a.md", '---\ntitle: A\nstarts: "2027-02-18 09:30"\ncity: Москва\n'
                                 'register_until: "2027-02-18 10:00"\n---\nText\n')
    [error] = problems(project)
    assert error.startswith("content/events/a.md:5: `register_until` is after `starts`")


def test_register_until_may_be_after_the_start_while_the_event_runs(project):
    assert fields(project, 'register_until: "2027-02-18 12:00"\n')["register_until"].hour == 12


@pytest.mark.parametrize(("link", "message"), [
    ("http://meet.example.ru/x", "must be a full https:// address, got 'http://meet.example.ru/x'"),
    ("meet.example.ru/x", "must be a full https:// address"),
    ("https://meet example/x", "must be a full https:// address"),
])
def test_online_link_must_be_https(project, link, message):
    project.write("events/a.md", f'---\ntitle: A\nstarts: "2027-02-18 09:30"\nonline: true\n'
                                 f'online_link: "{link}"\n---\nText\n')
    [error] = problems(project)
    assert error.startswith("content/events/a.md:5: `online_link`") and message in error


def test_online_link_of_an_online_event_loads(project):
    project.write("events/a.md", '---\ntitle: A\nstarts: "2027-02-18 09:30"\nonline: true\n'
                                 'online_link: "https://meet.example.ru/x?pwd=1"\n---\nText\n')
    assert load_site(project.config()).by_rel()["events/a.md"].extra["online_link"] == "https://meet.example.ru/x?pwd=1"


QUESTION = "questions:\n  - name: diet\n    label: Питание\n"  # lines 6-8; the next key is on line 9


@pytest.mark.parametrize(("more", "line", "message"), [
    ("    kind: date\n", 9, "unknown question kind 'date'; use text (one line), long (a paragraph) or choice"),
    ("    kind: choice\n", 7, "a `kind: choice` question needs `options:`"),
    ("    kind: choice\n    options: [Да]\n", 10, "a choice needs 2 to 10 different options, got 1"),
    ("    kind: choice\n    options: [Да, Да]\n", 10, "a choice needs 2 to 10 different options, got 2"),
    ("    kind: choice\n    options: [a, b, c, d, e, f, g, h, i, j, k]\n", 10, "a choice needs 2 to 10"),
    ("    options: [Да, Нет]\n", 9, "`options` are for `kind: choice` questions"),
    ("    kind: choice\n    options: [Да, Нет]\n    max: 10\n", 11, "`max` is for text answers"),
    ("    max: 201\n", 9, "`max` of a `text` answer is a number of characters from 1 to 200, got 201"),
    ("    kind: long\n    max: 2001\n", 10, "`max` of a `long` answer is a number of characters from 1 to 2000"),
    ("    max: 0\n", 9, "`max` of a `text` answer"),
    ("    required: yes please\n", 9, "`required` must be true or false"),
    ("    hint: Напишите\n", 9, "unknown question key `hint`; a question takes: name, label, kind"),
])
def test_bad_question(project, more, line, message):
    error = error_of(project, QUESTION + more)
    assert error.startswith(f"content/events/a.md:{line}: {message}"), error


def test_a_question_without_name_or_label_points_at_the_item(project):
    event(project, "questions:\n  - {name: diet, label: Питание}\n  - {kind: long}\n")
    errors = problems(project)
    assert errors == ["content/events/a.md:8: missing `label`; add a line `label: ...` to the front matter",
                      "content/events/a.md:8: missing `name`; add a line `name: ...` to the front matter"]


def test_a_question_must_be_a_mapping(project):
    error = error_of(project, "questions:\n  - {name: diet, label: Питание}\n  - Что взять с собой?\n")
    assert error.startswith("content/events/a.md:8: each question must be a `name`, `label` and `kind`")


def test_question_names_are_ids_and_unique(project):
    error = error_of(project, "questions:\n  - {name: Питание, label: Питание}\n")
    assert error.startswith("content/events/a.md:7: question name 'Питание' must be a short latin id")
    error = error_of(project, "questions:\n  - {name: diet, label: A}\n  - {name: diet, label: B}\n")
    assert error.startswith("content/events/a.md:8: two questions are named 'diet'")


def test_at_most_five_questions(project):
    items = "".join(f"  - {{name: q{i}, label: Вопрос {i}}}\n" for i in range(6))
    error = error_of(project, "questions:\n" + items)
    assert error.startswith("content/events/a.md:6: 6 questions; a registration form asks at most 5")


def test_event_slugs_are_unique_across_folders(project):
    project.write("events/a.md", HEAD + "---\nText\n")
    project.write("events/2027/a.md", HEAD + "---\nText\n")
    errors = problems(project)
    assert errors == ["content/events/a.md:1: event slug 'a' is also the slug of content/events/2027/a.md; the "
                      "registration page needs one per event: set a different `slug:`"]


# --- the demo's site/events.json --------------------------------------------------------------------

WEBINAR_LINK = "https://webinar.example.ru/lior/dali-bez-strakha-2026-12-10"


@pytest.mark.slow
def test_the_demo_build_writes_an_entry_per_event_page(demo):
    events = read_events(demo.site / EVENTS)
    assert json.loads((demo.site / EVENTS).read_text())["version"] == EVENTS_VERSION
    assert set(events) == {"akademiya-montazhnika-ekaterinburg", "biznes-zavtrak-sankt-peterburg",
                           "ekskursiya-na-zavod", "prezentaciya-novinok-novosibirsk",
                           "seminar-proektirovshchikov-moskva", "vebinar-dali"}
    academy = events["akademiya-montazhnika-ekaterinburg"]
    assert (academy.url, academy.capacity, academy.per_company) == (
        "/events/akademiya-montazhnika-ekaterinburg/", 30, 2)
    assert (academy.starts, academy.register_until, academy.timezone) == (
        "2027-02-18T09:30:00+03:00", "2027-02-16T18:00:00+03:00", "Europe/Moscow")
    assert [q.name for q in academy.questions] == ["question-to-engineer", "experience"]
    breakfast = events["biznes-zavtrak-sankt-peterburg"]
    assert breakfast.access == "members" and breakfast.questions[0].kind == "choice"
    assert breakfast.register_until == breakfast.starts  # the default deadline
    webinar = events["vebinar-dali"]
    assert webinar.online and webinar.online_link == WEBINAR_LINK and not webinar.city
    assert all(e.registration and not e.cancelled for e in events.values())
    assert len({e.revision for e in events.values()}) == len(events)


def served_and_built_files(site: Path) -> list[Path]:
    return [path for path in site.rglob("*") if path.is_file()]


@pytest.mark.slow
def test_the_webinar_link_is_in_events_json_only(demo):
    """Not in the page, the search indexes, the feeds, events.ics, the members' build or the e-mails."""
    holders = [path.relative_to(demo.site).as_posix() for path in served_and_built_files(demo.site)
               if WEBINAR_LINK.encode() in path.read_bytes()]
    assert holders == [EVENTS]
    page = (demo.site / "public" / "events" / "vebinar-dali" / "index.html").read_text(encoding="utf-8")
    assert "webinar.example.ru" not in page and "DALI без страха" in page
