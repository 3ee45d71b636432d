"""Error pages: every failure a person can cause is a readable page, never a stack trace."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from portal.core.i18n import pick_language, translate

log = logging.getLogger("portal")


def error_page(request: Request, status_code: int, reason: str = "") -> Response:
    """Rendered without the database or a session, so it works when those are the problem."""
    from portal.web.templating import ENV

    portal = request.app.state.portal if hasattr(request.app, "state") else None
    default = portal.settings.language if portal else "ru"
    lang = pick_language(request, default)

    def t(key: str, **values: object) -> str:
        return translate(lang, key, **values)

    if request.url.path in ("/account/status", "/account/export"):
        return JSONResponse({"error": status_code}, status_code=status_code, headers={"Cache-Control": "no-store"})
    title = t(f"http.{status_code}") if f"http.{status_code}" in _KNOWN else t("http.400")
    message = t(f"reason.{reason}") if reason and f"reason.{reason}" in _REASONS else t("reason.default")
    body = ENV.get_template("message.html").render(
        t=t, lang=lang, title=title, message=message, site_name=portal.site_name if portal else "Partner Club",
        user=None, csrf="", errors={}, values={}, link="/", link_text=t("error.home"))
    return Response(body, status_code=status_code, media_type="text/html",
                    headers={"Cache-Control": "no-store"})


def _keys(prefix: str) -> set[str]:
    from portal.core.i18n import STRINGS

    return {key for key in STRINGS if key.startswith(prefix)}


_KNOWN = _keys("http.")
_REASONS = _keys("reason.")


async def http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    response = error_page(request, exc.status_code, str(exc.detail) if exc.detail else "")
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_page(request, 500)
