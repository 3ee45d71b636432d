"""Reading forms: size-limited parsing, the CSRF check, and plain string values."""

from __future__ import annotations

from dataclasses import dataclass

from python_multipart.exceptions import FormParserError
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request

from portal.core.oneline import one_line
from portal.core.security import verify_csrf
from portal.web.context import portal_of, visitor

MAX_FIELD = 4000  # characters in one field; longer means a broken or hostile client
MAX_ID = 2 ** 63 - 1  # SQLite's largest integer: a bigger id would overflow in the query (a 500)


def whole_number(text: str | None, maximum: int = MAX_ID) -> int | None:
    """A non-negative whole number written in ASCII digits, at most `maximum`; None for anything else.

    str.isdigit() is not enough: "²".isdigit() is true and int("²") raises; "٣" is a digit to int().
    """
    if not text or len(text) > 19 or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= maximum else None


@dataclass(frozen=True)
class Form:
    data: FormData

    def text(self, name: str, limit: int = MAX_FIELD) -> str:
        value = self.data.get(name, "")
        if not isinstance(value, str):
            raise HTTPException(400, "bad_form")
        if len(value) > limit:
            raise HTTPException(400, "bad_form")
        return value.strip()

    def line(self, name: str, limit: int = MAX_FIELD) -> str:
        """A one-line field a person typed (a name, a title): no line breaks or control characters.

        ASVS 5.0 1.2.x: such values reach mail headers and page titles; cleaning them once, on the way
        in, keeps every later use safe (portal/oneline.py says which characters go and why).
        """
        return one_line(self.text(name, limit))

    def password(self, name: str = "password") -> str:
        value = self.data.get(name, "")
        if not isinstance(value, str) or len(value) > MAX_FIELD:
            raise HTTPException(400, "bad_form")
        return value  # passwords are not trimmed: spaces are characters too

    def checked(self, name: str) -> bool:
        return self.text(name) in ("yes", "on", "1", "true")

    def many(self, name: str) -> list[str]:
        values = self.data.getlist(name)
        if len(values) > 50 or not all(isinstance(v, str) and len(v) <= 100 for v in values):
            raise HTTPException(400, "bad_form")
        return [str(v) for v in values]


async def read_form(request: Request) -> Form:
    """The posted form after the CSRF check; a damaged body is a 400 page, never a 500."""
    try:
        data = await request.form(max_files=0, max_fields=100)
    except (MultiPartException, FormParserError, UnicodeDecodeError, ValueError) as exc:
        raise HTTPException(400, "bad_form") from exc
    who = visitor(request)
    verify_csrf(request, portal_of(request).settings, data, who.session.id_hash if who.session else None)
    return Form(data)
