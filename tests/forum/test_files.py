"""The forum_files table (portal/forum/files.py): edits keep files, the export lists them, search finds names."""

from portal.forum import files as forum_files
from portal.forum import search as forum_search
from portal.forum import store
from portal.forum.personal import personal_data
from tests.forum.pictures import PDF, png
from tests.forum.test_file_pages import new_topic_with, saved
from tests.forum_fixtures import topic_id_of
from tests.portal_fixtures import submit


def test_an_edit_keeps_the_files_and_the_picture_in_the_text(app, member, forum):
    topic_id = topic_id_of(new_topic_with(member.client, [("files", ("щит.png", png(), "image/png"))],
                                          body="![Щит](upload:1)"))
    picture, = saved(app, topic_id)
    response = submit(member.client, f"/forum/p/{picture.post_id}/edit", f"/forum/p/{picture.post_id}/edit",
                      {"body": "Исправил подпись: ![Щит, вид сбоку](upload:1)"})
    assert response.status_code == 303
    assert saved(app, topic_id) == (picture,)
    html = member.client.get(f"/forum/t/{topic_id}/").text
    assert f'alt="Щит, вид сбоку" height="{picture.thumb_height}"' in html and 'class="f-gallery"' not in html


def test_the_edit_form_previews_with_the_posts_files(app, member, forum):
    topic_id = topic_id_of(new_topic_with(member.client, [("files", ("щит.png", png(), "image/png"))]))
    picture, = saved(app, topic_id)
    preview = submit(member.client, f"/forum/p/{picture.post_id}/edit", f"/forum/p/{picture.post_id}/edit",
                     {"body": "![Щит](upload:1)", "preview": "1"})
    assert preview.status_code == 200 and f'src="{picture.thumb_url}"' in preview.text
    assert 'enctype="multipart/form-data"' not in preview.text  # files are added with a post, not an edit


def test_the_export_lists_the_persons_uploads(app, member, forum):
    topic_id = topic_id_of(new_topic_with(member.client, [("files", ("щит.png", png(), "image/png")),
                                                          ("files", ("смета.pdf", PDF, "application/pdf"))]))
    picture, document = saved(app, topic_id)
    exported = personal_data(app.state.portal.db, member.user.id)["forum_files"]
    assert [(f["post"], f["file_name"], f["type"]) for f in exported] == [
        (picture.post_id, "щит.png", "image/png"), (document.post_id, "смета.pdf", "application/pdf")]
    assert exported[1]["size"] == exported[1]["size_uploaded"] == len(PDF) and len(exported[1]["sha256"]) == 64
    assert personal_data(app.state.portal.db, member.user.id + 100)["forum_files"] == []


def test_search_finds_a_post_by_its_file_name(app, member, forum):
    new_topic_with(member.client, [("files", ("спецификация.pdf", PDF, "application/pdf"))], body="Смотрите файл.")
    found = forum_search.find(app.state.portal.db, "спецификация", readable_category_ids=[forum.id])
    assert found.total == 1


def test_deleting_a_post_hides_its_files_from_other_members(app, member, other, forum):
    topic_id = topic_id_of(new_topic_with(member.client, [("files", ("a.pdf", PDF, "application/pdf"))]))
    document, = saved(app, topic_id)
    store.delete_post(app.state.portal.db, store.get_post(app.state.portal.db, document.post_id))
    assert other.get(document.url).status_code == 404
    assert forum_files.by_key(app.state.portal.db, document.key) == document  # kept for moderators and the export


def test_a_reindex_and_a_restored_post_keep_the_file_names_searchable(app, member, forum):
    new_topic_with(member.client, [("files", ("спецификация.pdf", PDF, "application/pdf"))], body="Смотрите файл.")
    db = app.state.portal.db
    assert forum_search.reindex_all(db) == 1
    assert forum_search.find(db, "спецификация", readable_category_ids=[forum.id]).total == 1
