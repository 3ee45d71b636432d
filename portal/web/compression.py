"""Compression of the portal's own answers: its pages, /account/status, error pages, tailored teasers.

Brotli when the client takes it (every current browser does over HTTPS), else gzip. The built site's files
come precompressed (portal/site/precompressed.py) and carry Content-Encoding, so they pass through untouched,
as do answers that are not text (images, PDFs, archives: already compressed or not worth it), answers
under MIN_SIZE bytes, 206 partial answers and empty ones.

Why brotli at quality 3 for pages made per request: on a forum topic page in the site's shell (48 KB)
gzip at level 6 took more CPU than making the page (0.56 ms against about 0.33 ms), for 8.8 KB; brotli at
quality 3 takes 0.20 ms for 9.3 KB (bench/forum.py's "topic page, brotli" row asks as a browser does).

Starlette's GZipMiddleware does part of this, but it compresses every type it was not told to exclude (a
members' PDF on every request), reads "gzip;q=0" as a yes and has no brotli. Like it, this one compresses
a streamed answer chunk by chunk, each flushed, so streaming still streams; and a client that takes
neither coding costs one header lookup. It is the outermost middleware (portal/app.py), so it also
compresses the error pages SecurityMiddleware answers by itself, after that one added its headers.

A compressed answer's ETag becomes weak (W/"..."): the bytes differ from the uncompressed
answer's (RFC 9110 8.8.1); `etag_matches` compares weakly, as If-None-Match wants (13.1.2).
"""

from __future__ import annotations

import functools
import zlib

import anyio.to_thread
import brotli
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MIN_SIZE = 500  # bytes; below this the header costs about what compression saves
LEVEL = 6  # gzip, per request: level 9 takes about twice the CPU for about 1 % less
BROTLI_QUALITY = 3  # per request: 4 is ~5 % smaller for ~60 % more CPU, 5 and up cost more than gzip 6
THREAD_SIZE = 128 * 1024  # compressing more than this in the event loop would stall other requests
# What Accept-Encoding may name that the club sends: the build's copies (.br, .gz) and this middleware.
CODINGS = (("br", ".br"), ("gzip", ".gz"))  # ours, in the order we prefer them
TEXT_TYPES = ("text/", "application/json", "application/javascript", "application/xml", "image/svg+xml")
COMPRESSIBLE = (*TEXT_TYPES, "application/manifest+json")


def coding_for(scope: Scope) -> str | None:
    """The coding to answer this request in: "br", "gzip", or None (the client takes neither)."""
    for name, value in scope["headers"]:
        if name == b"accept-encoding":
            return next(iter(accepted(value.decode("latin-1"))), None)
    return None


class DynamicCompression:
    def __init__(self, app: ASGIApp, minimum_size: int = MIN_SIZE, level: int = LEVEL,
                 quality: int = BROTLI_QUALITY):
        self.app = app
        self.minimum_size = minimum_size
        self.level = level
        self.quality = quality

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        coding = coding_for(scope) if scope["type"] == "http" else None
        if coding is None:
            await self.app(scope, receive, send)
            return
        compressor = Compressor(coding, self.level, self.quality)
        await self.app(scope, receive, _Responder(send, self.minimum_size, compressor).send)


class Compressor:
    """One answer's brotli or gzip stream, made only when the answer turns out worth compressing."""

    def __init__(self, coding: str, level: int, quality: int):
        self.coding = coding
        self.level = level
        self.quality = quality
        self.stream = None

    def __call__(self, body: bytes, more: bool) -> bytes:
        # A streamed chunk is flushed, so the client gets it now, not when the answer ends.
        if self.coding == "br":
            if self.stream is None:
                self.stream = brotli.Compressor(quality=self.quality, mode=brotli.MODE_TEXT)
            return self.stream.process(body) + (self.stream.flush() if more else self.stream.finish())
        if self.stream is None:
            self.stream = zlib.compressobj(self.level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        return self.stream.compress(body) + self.stream.flush(zlib.Z_SYNC_FLUSH if more else zlib.Z_FINISH)


class _Responder:
    """One answer: holds its start until the first body shows whether to compress it."""

    def __init__(self, send: Send, minimum_size: int, compressor: Compressor):
        self.downstream = send
        self.minimum_size = minimum_size
        self.start: Message | None = None  # held while undecided
        self.pending: Compressor | None = compressor
        self.compressor: Compressor | None = None  # set once the answer is being compressed

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            if eligible(message):
                self.start = message
                return
        elif kind == "http.response.body" and self.start is not None:
            await self._first_body(message)
            return
        elif kind == "http.response.body" and self.compressor is not None:
            message["body"] = await self._compress(message.get("body", b""), message.get("more_body", False))
        elif self.start is not None:  # e.g. http.response.pathsend: the file as it is
            await self.downstream(self.start)
            self.start = None
        await self.downstream(message)

    async def _first_body(self, message: Message) -> None:
        start, self.start = self.start, None
        body, more = message.get("body", b""), message.get("more_body", False)
        if not more and len(body) < self.minimum_size:
            await self.downstream(start)
            await self.downstream(message)
            return
        self.compressor = self.pending
        message["body"] = await self._compress(body, more)
        headers = MutableHeaders(raw=start["headers"])
        headers["Content-Encoding"] = self.compressor.coding
        headers.add_vary_header("Accept-Encoding")
        if "etag" in headers and not headers["etag"].startswith("W/"):
            headers["ETag"] = "W/" + headers["etag"]
        if more:
            del headers["Content-Length"]  # streamed: the length is not known yet
        else:
            headers["Content-Length"] = str(len(message["body"]))
        await self.downstream(start)
        await self.downstream(message)

    async def _compress(self, body: bytes, more: bool) -> bytes:
        assert self.compressor is not None
        if len(body) >= THREAD_SIZE:
            return await anyio.to_thread.run_sync(self.compressor, body, more)
        return self.compressor(body, more)


def eligible(start: Message) -> bool:
    """Whether an answer may be compressed, from its status and headers."""
    status = start["status"]
    if status < 200 or status in (204, 206, 304):
        return False
    content_type = b""
    for name, value in start.get("headers", ()):
        if name == b"content-encoding":
            return False  # a precompressed copy, or compressed already
        if name == b"content-type":
            content_type = value
    return content_type.decode("latin-1").lower().startswith(COMPRESSIBLE)


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match against an ETag, compared weakly (RFC 9110 13.1.2): W/"x" matches "x"."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in if_none_match.split(","))

@functools.lru_cache(maxsize=256)  # browsers send a handful of distinct headers
def accepted(header: str) -> tuple[str, ...]:
    """Our encodings that this Accept-Encoding allows, best first (RFC 9110 12.5.3): a higher q
    first, br before gzip on a tie; q=0 refuses; `*` stands for any encoding not named."""
    quality: dict[str, float] = {}
    for item in header.lower().split(","):
        name, _, params = item.partition(";")
        name = {"x-gzip": "gzip"}.get(name.strip(), name.strip())
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0  # unreadable: not an acceptance
        quality.setdefault(name, q)
    order = [(quality.get(name, quality.get("*", 0.0)), -rank, name) for rank, (name, _) in enumerate(CODINGS)]
    return tuple(name for q, _, name in sorted(order, reverse=True) if q > 0)
