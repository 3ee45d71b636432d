"""The portal's router: paths without parameters found by one look-up, exactly as Starlette's list order would."""

from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route

from portal.app import direct_routes


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
