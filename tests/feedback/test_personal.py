"""The person's data download (/account/export) holds what they wrote to the club, not the club's notes."""

from portal.core import identity
from portal.feedback import ideas, store
from tests.feedback.helpers import new_request, person


def test_the_export_lists_requests_files_replies_and_supports(app, member):
    db = app.state.portal.db
    author = identity.get_user(db, member.user.id)
    staff = person(db, "manager@club.example", role="staff", name="Мария Менеджер")
    files = [("щиток.png", "stored-abc", "image/png", 68)]
    mine = new_request(db, author, subject="Как подобрать драйвер?", files=files)
    store.add_message(db, store.get_request(db, mine), staff, "staff", "Заметка для своих", internal=True)
    store.add_message(db, store.get_request(db, mine), staff, "staff", "Подойдёт ЛД-700.")
    idea = new_request(db, person(db, "oleg@lumen.ru", company="ООО «Люмен»", name="Олег"), kind="idea")
    ideas.support(db, idea, author)
    data = member.client.get("/account/export").json()
    [request] = data["feedback_requests"]
    assert (request["number"], request["subject"], request["status"]) == (mine, "Как подобрать драйвер?", "answered")
    assert request["files"] == [{"name": "щиток.png", "type": "image/png", "size": 68}]
    assert [(r["side"], r["text"]) for r in request["replies"]] == [("staff", "Подойдёт ЛД-700.")]
    assert "Заметка для своих" not in str(data)  # the club's internal notes are not the person's data
    assert data["feedback_supported_ideas"] == [idea] and data["feedback_replies_elsewhere"] == []
    assert "stored-abc" not in str(data)  # where the file lies on the server is not theirs to know
