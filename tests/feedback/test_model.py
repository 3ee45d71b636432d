"""The pure rules: which page paths a request may point at, who may see a request."""

import pytest

from portal.feedback.model import Request, may_see, safe_page


@pytest.mark.parametrize("value", ["/", "/technical/podklyuchenie-dali/", "/analytics/report/#table",
                                   "/search/?q=dali", "/%D0%B0/"])
def test_local_paths_are_kept(value):
    assert safe_page(value) == value


@pytest.mark.parametrize("value", [None, "", "technical/", "//evil.example/", "/\\evil.example", "https://x.ru/",
                                   "javascript:alert(1)", "/a/../b", "/a/./b", "/x\"><script>", "/пробел здесь",
                                   "/" + "a" * 400, "/a\nb"])
def test_anything_else_is_dropped(value):
    assert safe_page(value) is None


def request_of(author_id, company_id, representative_id) -> Request:
    return Request(1, "question", "s", "b", "<p>b</p>", None, author_id, company_id, "new", None, 0, 0.0, 0.0, None,
                   None, representative_id=representative_id)


class Someone:
    def __init__(self, user_id, role=None):
        self.id, self.role = user_id, role


def test_who_may_see_a_request():
    request = request_of(author_id=5, company_id=2, representative_id=7)
    assert may_see(Someone(5), request) and may_see(Someone(7), request)
    assert may_see(Someone(9, "staff"), request) and may_see(Someone(9, "admin"), request)
    assert not any(may_see(who, request) for who in (None, Someone(6), Someone(9, "moderator"), Someone(9, "editor")))
    orphan = request_of(author_id=None, company_id=None, representative_id=None)
    assert not may_see(Someone(5), orphan)
