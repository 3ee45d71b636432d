"""Members' phone numbers: parsed and normalised with Google's libphonenumber (phonenumbers)."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "RU"  # "8 912 345-67-89" and "912 345 67 89" are Russian numbers


def normalise_phone(text: str, region: str = DEFAULT_REGION) -> str | None:
    """E.164 ('+79123456789') for a valid number, None otherwise."""
    text = text.strip()
    if not text or len(text) > 40:
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str | None) -> str:
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
