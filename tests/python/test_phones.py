"""The phone helper behind the DuckDB UDF (SPEC §3) and the masking used in marts."""

import pytest

from msgwh.phones import mask_phone, normalize_phone


@pytest.mark.parametrize(
    ("phone", "country", "expected"),
    [
        ("030 1234567", "DE", "+49301234567"),
        ("+49 30 1234567", "US", "+49301234567"),
        ("0049301234567", None, "+49301234567"),
        ("(212) 555-0134", "US", "+12125550134"),
        ("212-555-0134", "us", "+12125550134"),
        ("+1 212 555 0134", None, "+12125550134"),
        ("0151 23456789", "DE", "+4915123456789"),
        ("98765 43210", "IN", "+919876543210"),
    ],
)
def test_formats_normalise_to_e164(phone, country, expected):
    assert normalize_phone(phone, country) == expected


@pytest.mark.parametrize(
    ("phone", "country"),
    [
        (None, "DE"),
        ("", "DE"),
        ("   ", "US"),
        ("n/a", "DE"),
        ("12", "DE"),
        ("abc", "US"),
        ("030 1234567", None),  # national format without a region cannot parse
        ("030 1234567", "XX"),  # nor with a region that is not one
        ("+1 000 000 0000", None),  # possible length, not a valid number
    ],
)
def test_unparseable_phones_stitch_nothing(phone, country):
    assert normalize_phone(phone, country) is None


def test_national_format_depends_on_the_default_region():
    assert normalize_phone("030 1234567", "DE") != normalize_phone("030 1234567", "GB")


@pytest.mark.parametrize(
    ("e164", "masked"),
    [
        ("+4915123456789", "+49***6789"),
        ("+12125550134", "+1***0134"),
        ("+919876543210", "+91***3210"),
        (None, None),
    ],
)
def test_mask_keeps_country_code_and_last_four(e164, masked):
    assert mask_phone(e164) == masked


def test_mask_never_shows_the_middle_digits():
    masked = mask_phone("+4915123456789")
    assert "123456" not in masked and masked.count("*") == 3
