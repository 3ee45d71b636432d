"""The portal's router: a path found by a look-up and a short list, exactly as Starlette's list order would."""

from __future__ import annotations

import re

from starlette.responses import PlainTextResponse
from starlette.routing import Match, Mount, Route

from portal.app import ClubRouter, direct_routes, first_segment, routes_by_segment


async def first(request):
    return PlainTextResponse("first")


async def second(request):
    return PlainTextResponse("second")


def test_direct_routes_keep_the_first_route_and_leave_out_what_a_pattern_before_matches():
    routes = [Route("/a/{name}", first), Route("/a/x", second), Route("/b", first, methods=["GET"]),
              Route("/b", second, methods=["POST"]), Mount("/static", routes=[]), Route("/static/x", second),
              Route("/c/", first)]
    found = direct_routes(routes)
    assert set(found) == {"/b", "/c/"}  # /a/x: /a/{name} is tried first; /static/x: the mount is
    assert found["/b"] is routes[2]


def test_the_app_answers_as_before(app, client, member):
    assert client.get("/tools/cable/").status_code == 200  # a direct path
    assert client.post("/tools/cable/").status_code == 405  # GET only: the catch-all answers, as before
    assert client.get("/tools/save").status_code == 404  # a POST-only path: on to the site, as before
    assert client.get("/tools/saved/1").status_code == 404  # a parameter: matched the usual way


def starlette_pick(routes: list, scope: dict):
    """Starlette's Router.app loop, written out: the first FULL match, else the first PARTIAL one."""
    partial = None
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route
        if match is Match.PARTIAL and partial is None:
            partial = route
    return partial


def sample_paths(route) -> list[str]:
    """A path the route's pattern matches, with an int, a word and a path for its parameters, and near misses."""
    path = getattr(route, "path", "/")
    path = re.sub(r"\{[^}:]+:int\}", "12", path)
    path = re.sub(r"\{[^}:]+:path\}", "a/b.txt", path)
    path = re.sub(r"\{[^}]+\}", "word", path)
    if isinstance(route, Mount):
        path += "/x.css"
    return [path, path.rstrip("/"), path + "x", path + "/", path.replace("12", "x")]


def test_find_picks_what_starlette_would_for_every_route_of_the_app(app):
    router = app.router
    assert isinstance(router, ClubRouter) and router.by_segment  # the segment lists are in use
    checked = 0
    for route in router.routes:
        for path in sample_paths(route):
            for method in ("GET", "POST", "DELETE"):
                scope = {"type": "http", "path": path, "method": method, "root_path": ""}
                found = router.find(dict(scope))
                if found is not None:  # None: Starlette's own loop decides, so it cannot differ
                    assert found[0] is starlette_pick(router.routes, dict(scope)), (method, path)
                    checked += 1
    assert checked > 300


def test_routes_by_segment_keep_every_route_that_could_match_in_order():
    routes = [Route("/a/{name}", first), Route("/a/x/{n:int}", second), Route("/ab{rest}", first),
              Mount("/static", routes=[]), Route("/{path:path}", second)]
    found = routes_by_segment(routes)
    assert found["/a/"] == [routes[0], routes[1], routes[4]]  # /ab{rest}: "/ab" neither starts nor ends "/a/"
    assert "/" not in found  # the catch-all's segment: every path would need the whole list


def test_first_segment():
    assert first_segment("/forum/t/12/") == "/forum/"
    assert first_segment("/forum") == "/forum"
    assert first_segment("/") == "/"
