"""Phone number normalisation and masking, built on `phonenumbers`.

docs/attribution.md#identity-stitching: phones are compared after normalisation to E.164, parsed with the
row's own country code as default region; a phone that does not parse (or is
not a possible number) stitches nothing and normalises to None.
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers


def _clean_region(country_code: str | None) -> str | None:
    if country_code is None:
        return None
    region = country_code.strip().upper()
    return region if len(region) == 2 and region.isalpha() else None


@lru_cache(maxsize=200_000)
def normalize_phone(phone: str | None, country_code: str | None = None) -> str | None:
    """Return the E.164 form of `phone`, or None when it cannot be parsed.

    `country_code` (ISO 3166-1 alpha-2) is the default region for numbers
    written in national format. Numbers written with a leading `+` or `00`
    parse without it. A number must be *valid* for its region to count.
    """
    if phone is None:
        return None
    text = phone.strip()
    if not text:
        return None
    if text.startswith("00"):
        text = "+" + text[2:]
    region = _clean_region(country_code)
    try:
        parsed = phonenumbers.parse(text, None if text.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str | None) -> str | None:
    """Mask an E.164 phone as `+<country code>***<last four digits>`.

    `+4915112345678` -> `+49***5678`. Returns None for None; a number too short
    to keep four digits hidden is fully masked.
    """
    if e164 is None:
        return None
    quick = _mask_long_e164(e164)
    return quick if quick is not None else _mask_parsed(e164)


def _mask_parsed(e164: str) -> str | None:
    """mask_phone by parsing the number with `phonenumbers` (the reference)."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None
    national = str(parsed.national_number)
    if len(national) <= 4:
        return f"+{parsed.country_code}***"
    return f"+{parsed.country_code}***{national[-4:]}"


# Country calling codes are prefix-free, so the first 1-3 digits that are a code are it.
_CALLING_CODES = frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)
# From this many national digits on, what parsing may strip or rewrite (national prefix,
# carrier code, leading zeros) is at the front and leaves more than four digits, so the
# mask is the same as the parsed one (a property test compares the two).
_QUICK_NATIONAL_DIGITS = 10


def _mask_long_e164(e164: str) -> str | None:
    """mask_phone without parsing (about 20x faster) for `+<code><10 to 14 digits>`;
    None for anything else, which mask_phone then parses."""
    digits = e164[1:]
    if not e164.startswith("+") or not digits.isascii() or not digits.isdigit() or digits[0] == "0" or len(digits) > 15:
        return None
    for size in (1, 2, 3):
        if int(digits[:size]) in _CALLING_CODES:
            national = digits[size:]
            # parsing reads the national number as an integer: leading zeros go, also
            # those left after a stripped national prefix ("15" + "00000000" is 0), so
            # the fifth digit from the end must not be a zero
            if len(national.lstrip("0")) < _QUICK_NATIONAL_DIGITS or national[-5] == "0":
                return None
            return f"+{digits[:size]}***{national[-4:]}"
    return None
