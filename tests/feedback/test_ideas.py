"""Ideas: members see them without authors and support another member's idea once, even racing."""

import threading

from portal.core.db import connect
from portal.feedback import ideas, store
from tests.feedback.helpers import new_request, person
from tests.portal_fixtures import csrf_of


def test_a_member_supports_an_idea_once_and_never_their_own(app, member):
    db = app.state.portal.db
    author = person(db, "olga@lumen.ru", company="ООО «Люмен»", name="Ольга Люменова")
    idea = new_request(db, author, kind="idea", subject="Калькулятор окупаемости", body="Считать срок окупаемости.")
    new_request(db, author, kind="question", subject="Не идея")
    html = member.client.get("/feedback/ideas/").text
    assert "Калькулятор окупаемости" in html and "Не идея" not in html
    assert "Ольга" not in html and "olga@lumen.ru" not in html and "Люмен" not in html
    for _ in range(2):
        response = member.client.post(f"/feedback/ideas/{idea}/support", data={"csrf": csrf_of(html)},
                                      follow_redirects=False)
        assert response.status_code == 303
    assert ideas.votes(db, idea) == 1 and store.get_request(db, idea).supporters == 1
    assert "вы поддержали" in member.client.get("/feedback/ideas/").text
    assert ideas.support(db, idea, author) is False and ideas.votes(db, idea) == 1
    question = new_request(db, author, kind="question")
    assert member.client.post(f"/feedback/ideas/{question}/support", data={"csrf": csrf_of(html)}).status_code == 404


def test_two_supports_racing_make_one_row(app, settings):
    db = app.state.portal.db
    author = person(db, "olga@lumen.ru", company="ООО «Люмен»", name="Ольга")
    voter = person(db, "petr@svet-montazh.ru")
    idea = new_request(db, author, kind="idea", subject="Идея")
    results, barrier = [], threading.Barrier(4)

    def vote():
        own = connect(settings.database)  # a connection each, as two workers would have
        try:
            barrier.wait()
            results.append(ideas.support(own, idea, voter))
        finally:
            own.conn.close()

    threads = [threading.Thread(target=vote) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
    assert ideas.votes(db, idea) == 1 and store.get_request(db, idea).supporters == 1
