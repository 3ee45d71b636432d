"""X-Accel-Redirect: behind nginx, the portal only authorises members' pages and nginx sends them.

With CLUB_ACCEL_REDIRECT=/_club_private/ an allowed request for a file of site/private gets an
empty 200 answer with `X-Accel-Redirect: /_club_private/<path below site/private>`; nginx
follows it to an `internal` location aliased to site/private (docs/nginx.md,
docs/nginx.conf.example) and sends the file with sendfile. The portal's headers (Cache-Control
`private, no-store`, Vary, CSP) still come from here; nginx copies them (see the example config).

The header can only name a file that `SiteFiles.locate` accepted: its path below the resolved
site/private root, so no `..`, no absolute path, no symlink out. Percent-encoded, because nginx
decodes the value and would cut it at a literal `?`.
"""

from __future__ import annotations

import functools
import logging
from urllib.parse import quote

from starlette.responses import Response

from portal.site.precompressed import varying
from portal.site.static import RawHeaders, StaticFile

log = logging.getLogger("portal")
HEADER = b"x-accel-redirect"
_SEGMENT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~-")


class PrebuiltResponse(Response):
    """A Response whose header list is already encoded: no per-request header building.

    Starlette's Response lower-cases and encodes every header and adds length and type on each
    request; for a cached file all of that is known when the file is read (bench/serve.py).
    """

    def __init__(self, body: bytes, raw_headers: list[tuple[bytes, bytes]], status_code: int = 200):
        self.status_code = status_code
        self.background = None
        self.body = body
        self.raw_headers = raw_headers


@functools.cache
def usable_prefix(prefix: str) -> bool:
    """A location prefix like /_club_private/: absolute, ending in /, plain segments only.

    Anything else is logged once and ignored (the portal then sends files itself), so a typo in
    the setting can slow the site down but never point nginx somewhere unintended."""
    segments = prefix.split("/")
    ok = (len(segments) >= 3 and segments[0] == "" and segments[-1] == ""
          and all(s and s not in (".", "..") and set(s) <= _SEGMENT_CHARS for s in segments[1:-1]))
    if not ok:
        log.error("CLUB_ACCEL_REDIRECT=%r is not a location prefix like /_club_private/: "
                  "serving members' files from the portal itself", prefix)
    return ok


def accel_target(prefix: str, relative: str) -> str:
    """The X-Accel-Redirect value for a file at `relative` (below site/private, '/'-separated)."""
    segments = relative.split("/")
    if not relative or any(s in ("", ".", "..") for s in segments) or "\\" in relative or "\x00" in relative:
        raise ValueError(f"not a plain relative path below site/private: {relative!r}")
    return prefix + quote(relative, safe="/")


def accel_response(item: StaticFile, target: str, cache_headers: RawHeaders) -> Response:
    """An empty answer that tells nginx which file to send; the headers are the ones a full answer has,
    except the length and ETag, which are nginx's to set for the file it sends."""
    headers = [(b"content-type", item.media_type.encode("latin-1")), (b"content-length", b"0"),
               (HEADER, target.encode("ascii"))]
    if item.csp:
        headers.append((b"content-security-policy", item.csp.encode("latin-1")))
    if item.encoding:  # `target` is a compressed copy (portal/site/precompressed.py): nginx copies this header
        headers.append((b"content-encoding", item.encoding.encode("latin-1")))
    headers.extend(varying(cache_headers) if item.negotiated else cache_headers)
    return PrebuiltResponse(b"", headers)
