"""Redirects: after a POST (303, so the browser GETs the next page) and to sign in and come back."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse

from portal.core.security import safe_next


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def login_redirect(request: Request) -> RedirectResponse:
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return redirect("/account/login?" + urlencode({"next": safe_next(path)}))
