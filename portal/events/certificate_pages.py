"""Certificates over HTTP: `/account/events/<slug>/certificate.pdf` (the signed-in person's own, only when
they were checked in) and `/certificates/<code>`, the public check a certificate's QR code opens.

The check page shows the name, the event, its date and "attended" and nothing else about the person (no
e-mail, no company): it is public by design, so it says no more than the certificate itself already does.
It reads the attendance as it stands now, so a correction to absent makes the certificate not valid.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal.core.oneline import one_line
from portal.events import codes, store
from portal.events.catalogue import catalogue
from portal.events.certificate import event_date, filename, for_person, holds_certificate
from portal.events.pages import event_or_404
from portal.web.context import portal_of, visitor
from portal.web.guards import requires
from portal.web.templating import render


@requires()
async def download(request: Request) -> Response:
    event = event_or_404(request)
    portal, user = portal_of(request), visitor(request).user
    own = store.active_of(portal.db, event.slug, user.id)
    # Only the person's own registration, and only when they were there (ASVS 5.0 8.2.2): else 404.
    if not holds_certificate(portal.db, own):
        raise HTTPException(404)
    data = for_person(portal, event, own, one_line(user.name), user.language)
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename(event.slug)}"',
        "Cache-Control": "no-store",  # ASVS 5.0 14.3.2: a personal document, never kept by a cache
        "X-Content-Type-Options": "nosniff"})


async def check(request: Request) -> Response:
    """Anyone may open it. An altered, unknown or withdrawn code is the same 404 page."""
    portal = portal_of(request)
    code = request.path_params["code"]
    registration_id = codes.read_certificate(portal.settings.secret_key, code) if len(code) <= 200 else None
    row = store.get(portal.db, registration_id) if registration_id is not None else None
    headers = {"X-Robots-Tag": "noindex, nofollow"}  # a person's name: not for search engines
    if not holds_certificate(portal.db, row):
        return render(request, "events/certificate_check.html", {"valid": False}, status_code=404, headers=headers)
    event = catalogue(portal).get(row.event)
    return render(request, "events/certificate_check.html", {
        "valid": True, "name": one_line(row.user_name), "title": event.title if event else row.event,
        "date": event_date(event) if event else ""}, headers=headers)


ROUTES = [
    Route("/account/events/{slug}/certificate.pdf", download, methods=["GET"]),
    Route("/certificates/{code}", check, methods=["GET"]),
]
