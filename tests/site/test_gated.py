"""Gated pages: teaser or full page by level, the next step, headers, the members' search index."""

from tests.portal_fixtures import BASE_URL, SECRET_TEXT, submit


def test_anonymous_reader_gets_the_teaser_marked_private(client):
    response = client.get("/analytics/report/")
    assert response.status_code == 200
    assert "Preview of the report" in response.text and SECRET_TEXT not in response.text
    assert "club-teaser" in response.text
    assert response.headers["cache-control"] == "private, no-store" and response.headers["vary"] == "Cookie"


def test_member_gets_the_full_page_marked_private(member):
    response = member.client.get("/analytics/report/")
    assert SECRET_TEXT in response.text and "club-teaser" not in response.text
    assert response.headers["cache-control"] == "private, no-store" and response.headers["vary"] == "Cookie"


def test_same_url_without_trailing_slash_or_as_index_html(member, client):
    assert SECRET_TEXT in member.client.get("/analytics/report/index.html").text
    member.client.cookies.clear()
    assert SECRET_TEXT not in member.client.get("/analytics/report/index.html").text


def test_registered_reader_is_offered_the_next_step_with_a_way_back(registered):
    response = registered.client.get("/analytics/report/")
    assert SECRET_TEXT not in response.text
    assert "Укажите компанию и телефон" in response.text
    assert 'href="/account/profile?next=/analytics/report/"' in response.text
    assert "/account/register" not in response.text.split("club-teaser", 1)[1]


def test_registered_level_pages_open_for_registered_readers(registered, client):
    assert "The whole brief" in registered.client.get("/analytics/brief/").text
    registered.client.cookies.clear()
    assert "The whole brief" not in registered.client.get("/analytics/brief/").text


def test_completing_the_profile_opens_the_page_and_returns_to_it(registered):
    client = registered.client
    response = submit(client, "/account/profile?next=/analytics/report/", "/account/profile",
                      {"name": "Борис", "company": "ООО Люмен", "phone": "+7 495 123-45-67",
                       "language": "ru", "next": "/analytics/report/"})
    assert response.headers["location"] == "/analytics/report/"
    assert SECRET_TEXT in client.get("/analytics/report/").text


def test_members_get_the_members_search_index(member, client):
    assert "members" in member.client.get("/search/search_index.json").text
    member.client.cookies.clear()
    assert "members" not in member.client.get("/search/search_index.json").text


def test_public_pages_stay_cacheable(client):
    response = client.get("/analytics/")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-cache"
    assert client.get("/style.css").headers["cache-control"].startswith("public")


def test_no_path_outside_the_site_is_readable(member):
    for path in ("/../outside.txt", "/%2e%2e/outside.txt", "/..%2foutside.txt", "/%2e%2e%2foutside.txt",
                 "/analytics/../../outside.txt", "/analytics/%2e%2e/%2e%2e/outside.txt", "/..%5coutside.txt",
                 "/%00/outside.txt", "/private/analytics/report/", "/../private/analytics/report/index.html",
                 "/../manifest.json", "/manifest.json"):
        response = member.client.get(path)
        assert "TOP SECRET" not in response.text and '"pages"' not in response.text, path
        assert response.status_code in (400, 404), (path, response.status_code)


def test_teaser_rewrite_does_not_leak_between_levels(member, registered):
    # The same browser-level cache key (URL) never mixes: both answers are no-store and vary on Cookie.
    assert registered.client.get("/analytics/report/").headers["cache-control"] == "private, no-store"


def test_closed_media_open_only_to_readers_who_may_open_them(member, client, mini_site):
    import json

    (mini_site / "private" / "analytics" / "chart.svg").write_text("<svg>members chart</svg>")
    manifest = json.loads((mini_site / "manifest.json").read_text())
    manifest["media"] = {"/analytics/chart.svg": "members"}
    (mini_site / "manifest.json").write_text(json.dumps(manifest))
    response = member.client.get("/analytics/chart.svg")
    assert response.status_code == 200 and "members chart" in response.text
    assert response.headers["cache-control"] == "private, no-store"
    member.client.cookies.clear()
    anonymous = member.client.get("/analytics/chart.svg")
    assert anonymous.status_code == 404 and "members chart" not in anonymous.text


def test_folder_redirects_never_name_another_host(client):
    # `//analytics` answered `Location: //analytics/`, which a browser reads as the host "analytics".
    for path, expected in (("//analytics", "/analytics/"), ("/.//analytics", "/analytics/"),
                           ("///analytics//report", "/analytics/report/")):
        response = client.get(BASE_URL + path, follow_redirects=False)
        assert response.status_code == 301 and response.headers["location"] == expected, path


def test_no_response_carries_a_location_to_another_host():
    from portal.core.security import safe_location

    assert safe_location("//evil.example/x") == "/evil.example/x"
    assert safe_location("/\\evil.example") == "/evil.example"
    assert safe_location("/account/?next=//x") == "/account/?next=//x"
    assert safe_location("https://club.example.ru/a") == "https://club.example.ru/a"


def _english_report(site) -> None:
    """The English version of the members-only report, as `club build` publishes it under /en/."""
    import json

    from tests.portal_fixtures import TEASER, page

    english_secret = "The share of LED panels in the office segment rose to forty per cent"
    for rel, text in {"public/en/analytics/report/index.html": page("<p>Preview in English.</p>" + TEASER),
                      "private/en/analytics/report/index.html": page(f"<p>{english_secret}</p>")}.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    manifest["pages"]["/en/analytics/report/"] = {"access": "members", "title": "Report", "summary": "s",
                                                  "file": "en/analytics/report/index.html"}
    (site / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_an_english_members_only_page_is_gated_at_its_en_url(member, mini_site):
    _english_report(mini_site)
    full = member.client.get("/en/analytics/report/")
    assert "forty per cent" in full.text and full.headers["cache-control"] == "private, no-store"
    member.client.cookies.clear()
    teaser = member.client.get("/en/analytics/report/")
    assert "Preview in English" in teaser.text and "forty per cent" not in teaser.text


def test_the_next_step_on_an_english_page_is_in_english(registered, mini_site):
    _english_report(mini_site)
    english = registered.client.get("/en/analytics/report/").text
    assert "Add your company and phone" in english and "Укажите компанию" not in english
    assert 'href="/account/profile?next=/en/analytics/report/"' in english
    assert "Укажите компанию и телефон" in registered.client.get("/analytics/report/").text
