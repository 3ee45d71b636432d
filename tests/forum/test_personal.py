"""portal/forum/personal.py: the forum's part of the member's data download (issue 18: it was missing)."""

from portal.forum import store
from tests.forum_fixtures import reply_to, start_topic, topic_id_of
from tests.portal_fixtures import submit


def test_the_export_holds_posts_versions_reads_watches_and_flags(member, other, forum, app):
    db = app.state.portal.db
    topic_id = topic_id_of(start_topic(member.client, title="Мерцание на диммере", body="Первая версия"))
    first = store.visible_post_by_number(db, topic_id, 1)
    submit(member.client, f"/forum/p/{first.id}/edit", f"/forum/p/{first.id}/edit", {"body": "Вторая версия"})
    reply_to(other, topic_id, "Ответ коллеги")
    reply_to(member.client, topic_id, "Спасибо, помогло")
    submit(member.client, f"/forum/t/{topic_id}/", f"/forum/t/{topic_id}/watch", {"action": "watch"})
    colleague = store.visible_post_by_number(db, topic_id, 2)
    submit(member.client, f"/forum/t/{topic_id}/", f"/forum/p/{colleague.id}/flag", {"reason": "off_topic"})
    member.client.get(f"/forum/t/{topic_id}/")
    data = member.client.get("/account/export").json()
    assert [(p["number"], p["text"]) for p in data["forum_posts"]] == [(1, "Вторая версия"), (3, "Спасибо, помогло")]
    assert data["forum_posts"][0]["topic_title"] == "Мерцание на диммере"
    assert [v["text_before"] for v in data["forum_post_versions"]] == ["Первая версия"]
    assert {"kind": "topic", "target": topic_id} in data["forum_watches"]
    assert [(f["post"], f["reason"]) for f in data["forum_flags"]] == [(colleague.id, "off_topic")]
    assert data["forum_reads"] == [{"topic": topic_id, "last_read_post": 3}]
    assert "Ответ коллеги" not in str(data["forum_posts"])  # a colleague's post is theirs, not in my download
